import { STAGES } from "../../src/domain/stage.js";
import type { PromptDetail } from "../../src/model/prompt.model.js";
import { promptUrl, StageBadge, StageRail, TimeAgo, versionUrl } from "../components.js";
import { PromptTabs } from "../fragments/prompt-tabs.js";
import { RoleGate } from "../fragments/role-gate.js";
import { type FlashMessage, Layout } from "../layout.js";

/** The description, editable in place without JavaScript (a details form); a refused one stays open. */
function Description({ prompt, draft }: { prompt: PromptDetail; draft?: DescriptionDraft | undefined }) {
  const url = `${promptUrl(prompt.name)}/save`;
  return (
    <div class="description">
      {prompt.description ? (
        <p class="lead" dir="auto">
          {prompt.description}
        </p>
      ) : null}
      <details class="edit-description" open={draft ? true : undefined}>
        <summary>{prompt.description ? "Edit description" : "Add a description"}</summary>
        <RoleGate permission="edit">
          <form method="post" action={url} data-guard>
            <label for="description" class="visually-hidden">
              Description
            </label>
            <textarea
              id="description"
              name="description"
              rows={3}
              maxlength={2000}
              dir="auto"
              aria-invalid={draft ? "true" : undefined}
              aria-describedby={draft ? "description-error" : undefined}
            >
              {draft ? draft.value : prompt.description}
            </textarea>
            {draft ? (
              <p id="description-error" class="field-error">
                {draft.error}
              </p>
            ) : null}
            <button type="submit">Save description</button>
          </form>
        </RoleGate>
      </details>
    </div>
  );
}

/** At the foot of the page: archiving a prompt nobody uses, and what that does and does not do. */
function ArchiveSection({ prompt }: { prompt: PromptDetail }) {
  if (prompt.archivedAt) return null;
  return (
    <section class="archive-section" aria-labelledby="archive-title">
      <h2 id="archive-title" class="sub">
        Archive
      </h2>
      <RoleGate permission="edit">
        <form method="post" action={`${promptUrl(prompt.name)}/archive`} class="inline-form">
          <button type="submit">Archive</button>
          <span class="muted small">
            Nobody uses {prompt.name} any more? Archiving hides it from the list of prompts. Nothing is deleted: its
            versions and PROD history stay, applications still read it, and it can be brought back.
          </span>
        </form>
      </RoleGate>
    </section>
  );
}

/** Once archived, a banner at the top that says what that means, with Unarchive. */
function ArchivedBanner({ prompt, now }: { prompt: PromptDetail; now: Date }) {
  const base = promptUrl(prompt.name);
  if (!prompt.archivedAt) return null;
  return (
    <div class="archived-banner" role="note">
      {/* One flex item: the banner's gap would otherwise stand between the time and its colon. */}
      <span>
        <strong>Archived</strong> <TimeAgo at={prompt.archivedAt} now={now} />: hidden from the list of prompts; nothing
        is deleted and applications still read it.
      </span>
      <RoleGate permission="edit">
        <form method="post" action={`${base}/unarchive`} class="inline-form">
          <button type="submit">Unarchive</button>
        </form>
      </RoleGate>
    </div>
  );
}

export interface DescriptionDraft {
  value: string;
  error: string;
}

export function PromptPage({
  prompt,
  next,
  now,
  flash,
  description,
}: {
  prompt: PromptDetail;
  /** The URL of the next page of versions, or null on the last one. */
  next: string | null;
  now: Date;
  flash?: FlashMessage | null;
  /** A refused description: what was typed and why. */
  description?: DescriptionDraft;
}) {
  const stops = STAGES.map((stage) => ({
    stage,
    version: prompt.current[stage],
    since: prompt.currentSince[stage],
    ...(stage === "DEV" ? { drafts: prompt.drafts } : {}),
  }));
  const base = promptUrl(prompt.name);
  const prod = prompt.current.PROD;
  return (
    <Layout title={prompt.name} flash={flash}>
      <header class="prompt-head">
        <h1>{prompt.name}</h1>
        <ArchivedBanner prompt={prompt} now={now} />
        <Description prompt={prompt} draft={description} />
        <PromptTabs prompt={prompt.name} current="versions" />
      </header>
      <StageRail prompt={prompt.name} stops={stops} />
      <section id="versions" aria-labelledby="versions-title">
        <h2 id="versions-title">Versions</h2>
        <div class="table-scroll">
          <table class="list versions">
            <thead>
              <tr>
                <th scope="col">Version</th>
                <th scope="col">Stage</th>
                <th scope="col">Current</th>
                <th scope="col" class="wide-only">
                  Revision
                </th>
                <th scope="col">Last edit</th>
                <th scope="col" class="wide-only">
                  Created from
                </th>
                <th scope="col">
                  <span class="visually-hidden">Links</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {prompt.versions.map((v) => (
                <tr class={v.current ? "is-current" : undefined}>
                  <th scope="row">
                    <a class="version-link" href={versionUrl(prompt.name, v.version)}>
                      v{v.version}
                    </a>
                  </th>
                  <td>
                    <StageBadge stage={v.stage} />
                  </td>
                  <td>{v.current ? <span class="current-mark">current</span> : <span class="muted">—</span>}</td>
                  <td class="wide-only">{v.revision}</td>
                  <td>
                    <TimeAgo at={v.editedAt} now={now} />
                  </td>
                  <td class="wide-only">
                    {v.createdFrom ? (
                      <a href={versionUrl(prompt.name, v.createdFrom)}>v{v.createdFrom}</a>
                    ) : (
                      <span class="muted">—</span>
                    )}
                  </td>
                  <td class="quick">
                    {prod && prod !== v.version ? (
                      <a
                        href={`${base}/compare?from=${prod}&to=${v.version}`}
                        aria-label={`Compare v${v.version} with current PROD`}
                      >
                        vs PROD
                      </a>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {next ? (
          <p class="pager">
            <a href={next}>Older versions →</a>
          </p>
        ) : null}
      </section>
      <ArchiveSection prompt={prompt} />
    </Layout>
  );
}

import type { RevisionChange, Version } from "../../src/model/version.model.js";
import { promptUrl, StageBadge, TimeAgo, versionUrl } from "../components.js";
import { PatchTable, patchTitle, VariableChanges } from "../fragments/diff.js";
import { ContentView } from "../fragments/messages.js";
import { RoleNote } from "../fragments/role-gate.js";
import { type FlashMessage, Layout } from "../layout.js";
import { useAllowed } from "../viewer.js";

/** What one save changed: the variables, then the body and config as line diffs. */
function Changes({ changes }: { changes: NonNullable<RevisionChange["changes"]> }) {
  const changed = changes.patches?.filter((p) => p.hunks.length > 0);
  return (
    <details class="revision-changes" open>
      <summary>Changes from revision {changes.from}</summary>
      <VariableChanges {...changes.variables} />
      {changed === undefined ? (
        <p class="muted">Too large to diff in time.</p>
      ) : changed.length === 0 ? (
        <p class="muted">Same text and config as revision {changes.from}.</p>
      ) : (
        changed.map((p) => {
          const what = patchTitle(p);
          return (
            <figure class="diff-block">
              <figcaption>{what}</figcaption>
              <PatchTable patch={p} title={`${what} diff from revision ${changes.from}`} />
            </figure>
          );
        })
      )}
    </details>
  );
}

/** Restoring is a save of the old text into the draft: it carries the revision the page shows (R6). */
function Restore({ version, revision, disabled }: { version: Version; revision: number; disabled: boolean }) {
  const action = `${versionUrl(version.prompt, version.version)}/revisions/${revision}/restore`;
  return (
    <form method="post" action={action} class="inline-form">
      <input type="hidden" name="revision" value={String(version.revision)} />
      <button type="submit" aria-label={`Restore revision ${revision}`} disabled={disabled}>
        Restore
      </button>
    </form>
  );
}

export function RevisionsPage({
  version,
  changes,
  next,
  now,
  flash,
}: {
  version: Version;
  changes: RevisionChange[];
  /** The URL of the page of older revisions, or null on the last one. */
  next: string | null;
  now: Date;
  flash?: FlashMessage | null;
}) {
  const editable = version.actions.edit.allowed;
  const mayEdit = useAllowed("edit");
  return (
    <Layout title={`${version.prompt} v${version.version} revisions`} flash={flash}>
      <h1>
        <a href={promptUrl(version.prompt)}>{version.prompt}</a> <span aria-hidden="true">›</span>{" "}
        <a href={versionUrl(version.prompt, version.version)}>v{version.version}</a> <span aria-hidden="true">›</span>{" "}
        Revisions <StageBadge stage={version.stage} />
      </h1>
      <p class="muted">
        Every saved state of this version, newest first, with what each save changed. Saving never loses text
        {editable
          ? ": Restore puts an older text back as a new revision, and keeps this one too."
          : `. ${version.actions.edit.reason ?? ""}: its revisions are shown for reference.`}
      </p>
      {editable ? <RoleNote permission="edit" /> : null}
      {changes.map(({ revision: r, changes: change }) => (
        <section class="revision" aria-label={`Revision ${r.revision}`}>
          <h2 class="sub revision-head">
            <span>
              Revision {r.revision} {r.revision === version.revision ? <span class="current-mark">current</span> : null}{" "}
              <span class="muted">
                by {r.actor}, <TimeAgo at={r.savedAt} now={now} />
              </span>
            </span>
            {editable && r.revision !== version.revision ? (
              <Restore version={version} revision={r.revision} disabled={!mayEdit.allowed} />
            ) : null}
          </h2>
          {change ? (
            <>
              <Changes changes={change} />
              <details class="revision-text">
                <summary>Full text of revision {r.revision}</summary>
                <ContentView content={r} label={`Revision ${r.revision} text`} />
                {Object.keys(r.config).length ? (
                  <pre class="config-text">{JSON.stringify(r.config, null, 2)}</pre>
                ) : null}
              </details>
            </>
          ) : (
            <>
              <p class="muted small">The first saved text.</p>
              <ContentView content={r} label={`Revision ${r.revision} text`} />
              {Object.keys(r.config).length ? <pre class="config-text">{JSON.stringify(r.config, null, 2)}</pre> : null}
            </>
          )}
        </section>
      ))}
      {next ? (
        <p class="pager">
          <a href={next}>Older revisions →</a>
        </p>
      ) : null}
    </Layout>
  );
}

import type { PromptDetail } from "../../src/services/prompts.service.js";
import { promptUrl, StageBadge, StageRail, TimeAgo, versionUrl } from "../components.js";
import { type FlashMessage, Layout } from "../layout.js";

export function PromptPage({ prompt, now, flash }: { prompt: PromptDetail; now: Date; flash?: FlashMessage | null }) {
  const stops = (["DEV", "TST", "PROD"] as const).map((stage) => ({
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
        {prompt.description ? <p class="lead">{prompt.description}</p> : null}
        <nav class="tabs" aria-label="Prompt">
          <a href={base} aria-current="page">
            Versions
          </a>
          <a href={`${base}/test-cases`}>Test cases</a>
          <a href={`${base}/compare`}>Compare</a>
          <a href={`${base}/history`}>History</a>
        </nav>
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
                <th scope="col">Revision</th>
                <th scope="col">Last edit</th>
                <th scope="col">Created from</th>
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
                  <td>{v.revision}</td>
                  <td>
                    <TimeAgo at={v.editedAt} now={now} />
                  </td>
                  <td>
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
      </section>
    </Layout>
  );
}

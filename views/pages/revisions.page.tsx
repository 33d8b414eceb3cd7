import type { Revision, Version } from "../../src/model/version.model.js";
import { PromptText, promptUrl, StageBadge, TimeAgo, versionUrl } from "../components.js";
import { Layout } from "../layout.js";

export function RevisionsPage({ version, revisions, now }: { version: Version; revisions: Revision[]; now: Date }) {
  return (
    <Layout title={`${version.prompt} v${version.version} revisions`}>
      <h1>
        <a href={promptUrl(version.prompt)}>{version.prompt}</a> <span aria-hidden="true">›</span>{" "}
        <a href={versionUrl(version.prompt, version.version)}>v{version.version}</a> <span aria-hidden="true">›</span>{" "}
        Revisions <StageBadge stage={version.stage} />
      </h1>
      <p class="muted">Every saved state of this version, newest first. Saving never loses text.</p>
      {revisions.map((r) => (
        <section class="revision" aria-label={`Revision ${r.revision}`}>
          <h2 class="sub">
            Revision {r.revision}
            {r.revision === version.revision ? <span class="current-mark"> current</span> : null}{" "}
            <span class="muted">
              by {r.actor}, <TimeAgo at={r.savedAt} now={now} />
            </span>
          </h2>
          <PromptText body={r.body} label={`Revision ${r.revision} text`} />
          {Object.keys(r.config).length ? <pre class="config-text">{JSON.stringify(r.config, null, 2)}</pre> : null}
        </section>
      ))}
    </Layout>
  );
}

import type { TestRun } from "../../src/model/testing.model.js";
import type { Version } from "../../src/model/version.model.js";
import { promptUrl, StageBadge, TimeAgo, versionUrl } from "../components.js";
import { Layout } from "../layout.js";

export function TestRunsPage({
  version,
  runs,
  next,
  now,
}: {
  version: Version;
  runs: TestRun[];
  next: string | null;
  now: Date;
}) {
  return (
    <Layout title={`${version.prompt} v${version.version} test runs`}>
      <h1>
        <a href={promptUrl(version.prompt)}>{version.prompt}</a> <span aria-hidden="true">›</span>{" "}
        <a href={versionUrl(version.prompt, version.version)}>v{version.version}</a> <span aria-hidden="true">›</span>{" "}
        Test runs <StageBadge stage={version.stage} />
      </h1>
      {runs.length === 0 ? (
        <p class="muted">No runs yet.</p>
      ) : (
        <div class="table-scroll">
          <table class="list">
            <thead>
              <tr>
                <th scope="col">Run</th>
                <th scope="col">Status</th>
                <th scope="col">Revision</th>
                <th scope="col" class="wide-only">
                  Stage
                </th>
                <th scope="col" class="wide-only">
                  Provider
                </th>
                <th scope="col">Cases</th>
                <th scope="col" class="wide-only">
                  Duration
                </th>
                <th scope="col">When</th>
              </tr>
            </thead>
            <tbody>
              {runs.map((run) => (
                <tr>
                  <td>{run.id}</td>
                  <td>
                    <span class={`status status-${run.status}`}>{run.status}</span>
                  </td>
                  <td>
                    {run.revision}
                    {run.contentHash === version.contentHash ? "" : <span class="muted"> (edited since)</span>}
                  </td>
                  <td class="wide-only">{run.stage}</td>
                  <td>{run.provider === "echo" ? "echo, no model" : `${run.provider} · ${run.model}`}</td>
                  <td>
                    {run.results.filter((r) => r.status === "passed").length}/{run.results.length} passed
                  </td>
                  <td class="wide-only">{run.durationMs} ms</td>
                  <td>
                    <TimeAgo at={run.startedAt} now={now} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {next ? (
        <p class="pager">
          <a href={next}>Older runs →</a>
        </p>
      ) : null}
    </Layout>
  );
}

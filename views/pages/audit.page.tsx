import { STAGES, type Stage } from "../../src/domain/stage.js";
import type { StageMove } from "../../src/model/review.model.js";
import { promptUrl, StageBadge, TimeAgo, versionUrl } from "../components.js";
import { Layout } from "../layout.js";
import { reviewUrl } from "./review.page.js";

function Version({ prompt, version }: { prompt: string; version: string | null }) {
  return version ? <a href={versionUrl(prompt, version)}>v{version}</a> : <span class="muted">none</span>;
}

export function AuditPage({
  moves,
  prompt,
  stage,
  next,
  csv,
  now,
}: {
  moves: StageMove[];
  prompt: string;
  stage: Stage | undefined;
  next: string | null;
  /** This page's rows as CSV. */
  csv: string;
  now: Date;
}) {
  return (
    <Layout title="Audit">
      <h1>Audit</h1>
      <p class="muted">
        Every move of a stage pointer, across all prompts, newest first: who moved it, and the review that allowed it.
      </p>
      <search aria-label="Filter the audit">
        <form method="get" action="/audit" class="audit-filter">
          <label for="audit-prompt">Prompt</label>
          <input id="audit-prompt" name="prompt" value={prompt} placeholder="any prompt" />
          <label for="audit-stage">Stage</label>
          <select id="audit-stage" name="stage">
            <option value="" selected={stage === undefined}>
              any stage
            </option>
            {STAGES.map((s) => (
              <option value={s} selected={stage === s}>
                {s}
              </option>
            ))}
          </select>
          <button type="submit">Filter</button>
          <a href={csv}>Download CSV</a>
        </form>
      </search>
      {moves.length === 0 ? (
        <p class="muted">No moves{prompt || stage ? " match" : " yet"}.</p>
      ) : (
        <div class="table-scroll">
          <table class="list audit">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Prompt</th>
                <th scope="col">Stage</th>
                <th scope="col">From</th>
                <th scope="col">To</th>
                <th scope="col">By</th>
                <th scope="col">Review</th>
              </tr>
            </thead>
            <tbody>
              {moves.map((m) => (
                <tr>
                  <td>
                    <TimeAgo at={m.at} now={now} />
                  </td>
                  <td>
                    <a href={promptUrl(m.prompt)}>{m.prompt}</a>
                  </td>
                  <td>
                    <StageBadge stage={m.stage} />
                  </td>
                  <td>
                    <Version prompt={m.prompt} version={m.from} />
                  </td>
                  <td>
                    <Version prompt={m.prompt} version={m.to} />
                  </td>
                  <td>{m.actor}</td>
                  <td>{m.review ? <a href={reviewUrl(m.review)}>#{m.review}</a> : <span class="muted">—</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {next ? (
        <p>
          <a href={next}>Older moves</a>
        </p>
      ) : null}
    </Layout>
  );
}

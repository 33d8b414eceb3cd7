import type { SideTotals } from "../../src/domain/comparison.js";
import type { CaseSide, ComparedCase, Comparison, ComparisonItem } from "../../src/model/comparison.model.js";
import { promptUrl, StageBadge, TimeAgo, versionUrl } from "../components.js";
import { PatchTable } from "../fragments/diff.js";
import { PromptTabs } from "../fragments/prompt-tabs.js";
import { type FlashMessage, Layout } from "../layout.js";

export const comparisonUrl = (prompt: string, id: number) => `${promptUrl(prompt)}/comparisons/${id}`;

const CHANGE_LABEL = { broke: "Broke", fixed: "Fixed", same: "Same" } as const;

function Status({ status }: { status: string }) {
  return <span class={`status status-${status}`}>{status}</span>;
}

function Totals({ candidate, baseline, c }: { candidate: SideTotals; baseline: SideTotals; c: Comparison }) {
  const row = (label: string, pick: (t: SideTotals) => string) => (
    <tr>
      <th scope="row">{label}</th>
      <td>{pick(candidate)}</td>
      <td>{pick(baseline)}</td>
    </tr>
  );
  const ms = (n: number | null) => (n === null ? "—" : `${n.toLocaleString("en")} ms`);
  const count = (n: number | null) => (n === null ? "—" : n.toLocaleString("en"));
  return (
    <div class="table-scroll">
      <table class="list totals">
        <thead>
          <tr>
            <th scope="col">Totals</th>
            <th scope="col">Candidate v{c.candidate.version}</th>
            <th scope="col">
              Baseline v{c.baseline.version} {c.baseline.stage ? <StageBadge stage={c.baseline.stage} /> : null}
            </th>
          </tr>
        </thead>
        <tbody>
          {row("Passed", (t) => count(t.passed))}
          {row("Failed", (t) => count(t.failed))}
          {row("Errors", (t) => count(t.errors))}
          {row("p50 latency", (t) => ms(t.latencyMs))}
          {row("Tokens", (t) => count(t.tokens))}
        </tbody>
      </table>
    </div>
  );
}

function Side({ title, side }: { title: string; side: CaseSide }) {
  return (
    <div class="side">
      <h4 class="side-title">
        {title} <Status status={side.status} />
        {side.score !== null ? <span class="muted small"> score {side.score}</span> : null}
        {side.latencyMs !== null ? <span class="muted small"> · {side.latencyMs} ms</span> : null}
      </h4>
      {side.error ? <p class="case-message">{side.error}</p> : null}
      {side.output !== null ? (
        <section aria-label={`${title} output`}>
          <pre class="case-output" dir="auto" tabindex={0}>
            {side.output}
          </pre>
        </section>
      ) : null}
    </div>
  );
}

function CaseCard({ c, index }: { c: ComparedCase; index: number }) {
  const id = `case-${index}`;
  return (
    <article class={`compared-case change-${c.change}`} aria-labelledby={id}>
      <h3 id={id} class="case-head">
        <span class={`change change-${c.change}`}>{CHANGE_LABEL[c.change]}</span> {c.case}
      </h3>
      {c.changed.length ? (
        <ul class="changed-assertions">
          {c.changed.map((a) => (
            <li>
              <code>{a.type}</code>
              {a.value !== null ? ` ${JSON.stringify(a.value)}` : ""}: {a.baseline ? "passed" : "did not pass"} on the
              baseline, {a.candidate ? "passes" : "does not pass"} on the candidate
            </li>
          ))}
        </ul>
      ) : null}
      <div class="sides">
        <Side title="Candidate" side={c.candidate} />
        <Side title="Baseline" side={c.baseline} />
      </div>
      {c.diff ? (
        <details class="output-diff">
          <summary>Output diff (baseline → candidate)</summary>
          <div class="table-scroll">
            <PatchTable patch={c.diff} title={`Output diff of ${c.case}`} />
          </div>
        </details>
      ) : null}
    </article>
  );
}

/** The part of the page that refreshes itself while the comparison runs (htmx polling, or a meta refresh without JavaScript). */
export function ComparisonLive({ c, offset }: { c: Comparison; offset: number }) {
  const url = comparisonUrl(c.prompt, c.id);
  if (c.status === "running")
    return (
      <section
        id="comparison-live"
        aria-labelledby="progress-title"
        hx-get={url}
        hx-trigger="every 1s"
        hx-swap="outerHTML"
      >
        {/* Without JavaScript the page reloads itself; as a JSX element the meta would be hoisted into <head>. */}
        <noscript dangerouslySetInnerHTML={{ __html: '<meta http-equiv="refresh" content="2">' }} />
        <h2 id="progress-title" class="sub">
          Running
        </h2>
        <p>
          <progress value={c.progress.done} max={c.progress.total} aria-label="Cases run">
            {c.progress.done} of {c.progress.total}
          </progress>{" "}
          {c.progress.done} of {c.progress.total} case runs done (both versions, in {c.stage}'s environment)
        </p>
      </section>
    );
  return (
    <section id="comparison-live" aria-labelledby="summary-title">
      <h2 id="summary-title" class="sub">
        {c.status === "error" ? "The comparison did not finish" : "Summary"}
      </h2>
      {c.error ? <p class="case-message">{c.error}</p> : null}
      {c.summary ? (
        <>
          <p class="comparison-line">
            <strong>{c.summary.line}</strong>
          </p>
          {c.candidate.run && c.baseline.run ? (
            <p class="muted small">
              Stored as test runs <a href={`${versionUrl(c.prompt, c.candidate.version)}/tests`}>{c.candidate.run}</a>{" "}
              and <a href={`${versionUrl(c.prompt, c.baseline.version)}/tests`}>{c.baseline.run}</a>
            </p>
          ) : null}
          <Totals candidate={c.summary.candidate} baseline={c.summary.baseline} c={c} />
          <h2 class="sub">Cases{offset > 0 ? ` from ${offset + 1}` : ""}</h2>
          <p class="muted small">Broken cases first, then fixed, then the same.</p>
          {c.cases.map((x, i) => (
            <CaseCard c={x} index={offset + i} />
          ))}
          {c.nextCursor ? (
            <nav aria-label="More cases">
              <a href={`${url}?cursor=${c.nextCursor}`} rel="next">
                Next cases
              </a>
            </nav>
          ) : null}
        </>
      ) : null}
    </section>
  );
}

export function ComparisonPage({ c, offset, now }: { c: Comparison; offset: number; now: Date }) {
  return (
    <Layout title={`${c.prompt}: v${c.candidate.version} vs v${c.baseline.version}`}>
      <header class="prompt-head">
        <h1>
          <a href={promptUrl(c.prompt)}>{c.prompt}</a> <span aria-hidden="true">›</span> Comparison {c.id}
        </h1>
        <PromptTabs prompt={c.prompt} current="comparisons" />
      </header>
      <p>
        Candidate <a href={versionUrl(c.prompt, c.candidate.version)}>v{c.candidate.version}</a> against baseline{" "}
        <a href={versionUrl(c.prompt, c.baseline.version)}>v{c.baseline.version}</a>
        {c.baseline.stage ? (
          <>
            {" "}
            <StageBadge stage={c.baseline.stage} />
          </>
        ) : null}
        , both in <StageBadge stage={c.stage} />
        's environment · started <TimeAgo at={c.startedAt} now={now} /> by {c.actor}
      </p>
      <ComparisonLive c={c} offset={offset} />
    </Layout>
  );
}

export function ComparisonsPage(props: {
  prompt: string;
  comparisons: ComparisonItem[];
  next: string | null;
  now: Date;
  flash?: FlashMessage | null;
}) {
  const { prompt, comparisons, next, now } = props;
  return (
    <Layout title={`${prompt} comparisons`} flash={props.flash}>
      <header class="prompt-head">
        <h1>{prompt}</h1>
        <PromptTabs prompt={prompt} current="comparisons" />
      </header>
      <p class="muted">
        Each comparison ran every test case on a candidate and a baseline, in the candidate's stage environment. Start
        one with <strong>Compare with PROD</strong> on a draft.
      </p>
      {comparisons.length === 0 ? (
        <p class="muted">No comparisons yet.</p>
      ) : (
        <div class="table-scroll">
          <table class="list">
            <thead>
              <tr>
                <th scope="col">Comparison</th>
                <th scope="col">Result</th>
                <th scope="col">Started</th>
              </tr>
            </thead>
            <tbody>
              {comparisons.map((c) => (
                <tr>
                  <td>
                    <a href={comparisonUrl(prompt, c.id)}>
                      v{c.candidate.version} vs v{c.baseline.version}
                    </a>
                  </td>
                  <td>
                    {c.summary ? (
                      c.summary.line.replace(/^[^:]*: /, "")
                    ) : (
                      <Status status={c.status === "running" ? "pending" : "error"} />
                    )}
                  </td>
                  <td>
                    <TimeAgo at={c.startedAt} now={now} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {next ? (
        <a href={next} rel="next">
          Older comparisons
        </a>
      ) : null}
    </Layout>
  );
}

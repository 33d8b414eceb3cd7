import type { CaseResult, TestRun, TestStatusView } from "../../src/model/testing.model.js";
import type { Version } from "../../src/model/version.model.js";
import { promptUrl, TimeAgo, versionUrl } from "../components.js";

export interface TestPanelProps {
  version: Version;
  status: TestStatusView;
  /** One input per template variable, prefilled with what was last used for this prompt. */
  variables: Record<string, string>;
  now: Date;
  /** Put focus on the results after the swap (Save and test). */
  focusResults?: boolean;
}

const STATUS_TEXT = { passed: "✓ passed", failed: "✗ failed", error: "! error" } as const;

function StatusChip({ status }: { status: keyof typeof STATUS_TEXT }) {
  return <span class={`status status-${status}`}>{STATUS_TEXT[status]}</span>;
}

function CaseCard({ result }: { result: CaseResult }) {
  return (
    <article class={`case case-${result.status}`} aria-label={`Case ${result.case}: ${result.status}`}>
      <header class="case-head">
        <strong>{result.case}</strong>
        <StatusChip status={result.status} />
        <span class="muted small">
          {result.latencyMs !== null ? `${result.latencyMs} ms` : null}
          {result.tokens
            ? ` · ${result.tokens.prompt} + ${result.tokens.completion} = ${result.tokens.total} tokens`
            : null}
        </span>
      </header>
      {result.error ? <p class="case-message">{result.error}</p> : null}
      {result.output !== null ? (
        <pre class="case-output" dir="auto">
          {result.output}
        </pre>
      ) : null}
      {result.assertions.length > 0 ? (
        <ul class="assertions">
          {result.assertions.map((a) => (
            <li class={a.passed ? "pass" : "fail"}>
              <span aria-hidden="true">{a.passed ? "✓" : "✗"}</span>
              <span class="visually-hidden">{a.passed ? "passed: " : "failed: "}</span> {a.message}
            </li>
          ))}
        </ul>
      ) : null}
    </article>
  );
}

/** The region named "Test results": the latest run's cases, or what to do first. */
export function TestResults({ run, now, focus }: { run: TestRun | null; now: Date; focus?: boolean }) {
  return (
    <section id="test-results" class="test-results" aria-labelledby="test-results-title">
      <h2 id="test-results-title" class="sub" data-focus-here={focus ? "" : undefined}>
        Test results
      </h2>
      {run ? (
        <>
          <p class="run-summary">
            <StatusChip status={run.status} /> run {run.id} on revision {run.revision} in {run.stage} ·{" "}
            {run.provider === "echo" ? "echo, no model called" : `${run.provider} (${run.model})`} · {run.durationMs} ms
            · <TimeAgo at={run.startedAt} now={now} />
          </p>
          {run.results.map((r) => (
            <CaseCard result={r} />
          ))}
        </>
      ) : (
        <p class="muted">No test run yet. Press Test to run this version in its stage's environment.</p>
      )}
    </section>
  );
}

/** Whether the latest run still matches the current content ("passed on revision 3 — edited since"). */
export function Staleness({ status, oob }: { status: TestStatusView; oob?: boolean }) {
  const kind = status.latest ? (status.fresh ? status.latest.status : "stale") : "none";
  return (
    <p id="test-staleness" class={`staleness staleness-${kind}`} hx-swap-oob={oob ? "true" : undefined}>
      Last test: {status.summary}
    </p>
  );
}

/** A chat prompt's placeholders: their values are JSON arrays of messages, given in a bigger field. */
const placeholdersOf = (version: Version) =>
  new Set(version.type === "chat" ? version.messages.flatMap((m) => ("type" in m ? [m.name] : [])) : []);

/**
 * One ad-hoc variable: a text box that starts one line high and grows with what is typed (a
 * ticket, a document), or for a chat placeholder a JSON box for its messages. app.js builds the
 * same markup for a variable typed into the editor (newVariableField).
 */
function VariableField({ name, value, messages }: { name: string; value: string; messages: boolean }) {
  return (
    <label class={messages ? "var-field var-messages" : "var-field"}>
      <code>{name}</code>
      <textarea
        name={`var.${name}`}
        rows={messages ? 3 : 1}
        spellcheck={false}
        dir="auto"
        placeholder={messages ? '[{"role": "user", "content": "Hi"}]' : undefined}
        data-grow
      >
        {value.startsWith("\n") ? `\n${value}` : value}
      </textarea>
    </label>
  );
}

export function TestPanel({ version, status, variables, now, focusResults }: TestPanelProps) {
  const url = versionUrl(version.prompt, version.version);
  const names = Object.keys(variables);
  const placeholders = placeholdersOf(version);
  return (
    <section class="test-panel" aria-labelledby="test-title">
      <h2 id="test-title">Test</h2>
      <Staleness status={status} />
      <form
        id="test-form"
        method="post"
        action={`${url}/test`}
        hx-post={`${url}/test`}
        hx-target="#test-results"
        hx-swap="outerHTML"
        hx-indicator="#test-progress"
        hx-disabled-elt=".test-button"
        class="test-form"
      >
        {/* app.js adds and removes inputs as the editor's text gains and drops variables; data-saved
            keeps the saved text's own, which Test needs. */}
        <fieldset class="vars" data-vars data-saved={names.join("\n")} hidden={names.length === 0}>
          <legend>Ad-hoc variables</legend>
          {names.map((name) => (
            <VariableField name={name} value={variables[name] ?? ""} messages={placeholders.has(name)} />
          ))}
        </fieldset>
        <p class="muted small" data-no-vars hidden={names.length > 0}>
          This prompt has no template variables.
        </p>
        <p class="muted small">
          Test runs the saved text, revision {version.revision}: every{" "}
          <a href={`${promptUrl(version.prompt)}/test-cases`}>test case</a>
          {names.length ? ", plus an ad-hoc case with these values," : ""} in the {version.stage} environment.{" "}
          <a href={`${url}/tests`}>Past runs</a>
        </p>
        <span id="test-progress" class="htmx-indicator progress" role="status">
          <span class="spinner" aria-hidden="true" /> Running tests…
        </span>
      </form>
      <TestResults run={status.latest} now={now} focus={focusResults} />
    </section>
  );
}

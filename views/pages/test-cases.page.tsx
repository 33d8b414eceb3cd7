import { ASSERTION_TYPES } from "../../src/domain/assertions.js";
import type { ErrorIssue } from "../../src/domain/errors.js";
import type { TestCase } from "../../src/model/testing.model.js";
import { promptUrl } from "../components.js";
import { PromptTabs } from "../fragments/prompt-tabs.js";
import { RoleGate, RoleNote } from "../fragments/role-gate.js";
import { type FlashMessage, Layout } from "../layout.js";

/** A test case form as the user filled it in: kept whole when a save is refused. */
export interface TestCaseDraft {
  /** The case being edited; absent for a new one. */
  id?: number;
  name: string;
  variables: string;
  assertions: Array<{ type: string; value: string; threshold?: string }>;
  echoOutput: string;
  issues?: ErrorIssue[];
}

const HINTS: Record<string, string> = {
  contains: "text the output must contain",
  "not-contains": "text the output must not contain",
  equals: "the whole expected output",
  regex: "a pattern, e.g. ^Dear \\w+ or /hello/i",
  "max-length": "most characters allowed",
  judge: "a rubric, e.g. Answers politely and names the order number",
};

/** A textarea tall enough for what it holds (a JSON object's closing brace included). */
const rowsFor = (text: string, min: number, max: number) => Math.min(max, Math.max(min, text.split("\n").length + 1));

/** The error of one field, tied to it for screen readers by id. */
function FieldError({ id, message }: { id: string; message: string | undefined }) {
  return message ? (
    <p id={id} class="field-error">
      {message}
    </p>
  ) : null;
}

function AssertionRow(props: {
  row: { type: string; value: string; threshold?: string };
  index: number;
  key: string;
  error?: string;
}) {
  const { row, index, key, error } = props;
  const errorId = `${key}-a${index}-error`;
  return (
    <div class="assertion-row" data-assertion-row>
      <label>
        <span class="visually-hidden">Assertion {index + 1} type</span>
        <select name="a_type" aria-invalid={error ? "true" : undefined}>
          <option value="" selected={row.type === ""}>
            — no assertion —
          </option>
          {ASSERTION_TYPES.map((type) => (
            <option value={type} selected={row.type === type}>
              {type}
            </option>
          ))}
        </select>
      </label>
      <label class="grow">
        <span class="visually-hidden">Assertion {index + 1} value</span>
        {/* json takes no value: the field stays in the form (rows pair up by position) but out of sight. */}
        <input
          name="a_value"
          value={row.value}
          placeholder={HINTS[row.type] ?? "value"}
          hidden={row.type === "json"}
          aria-invalid={error ? "true" : undefined}
          aria-describedby={error ? errorId : undefined}
        />
      </label>
      {/* Every row carries a threshold (rows pair up by position); only a judge's shows. */}
      <label class="threshold" data-threshold hidden={row.type !== "judge"}>
        <span>threshold</span>
        <input name="a_threshold" value={row.threshold ?? ""} placeholder="0.7" inputmode="decimal" size={4} />
      </label>
      <FieldError id={errorId} message={error} />
    </div>
  );
}

function CaseForm({ prompt, draft, title }: { prompt: string; draft: TestCaseDraft; title: string }) {
  const base = `${promptUrl(prompt)}/test-cases`;
  const action = draft.id ? `${base}/${draft.id}/save` : base;
  const blanks = draft.id ? 2 : 3;
  const rows = [...draft.assertions, ...Array.from({ length: blanks }, () => ({ type: "", value: "" }))];
  const key = draft.id ? `case-${draft.id}` : "case-new";
  const issue = (field: string) =>
    draft.issues?.find((i) => i.path === field || i.path.startsWith(`${field}.`))?.message;
  const described = (field: string) => (issue(field) ? `${key}-${field}-error` : undefined);
  const invalid = (field: string) => (issue(field) ? "true" : undefined);
  const rowsError = draft.issues?.find((i) => i.path === "assertions" || i.path === "(input)")?.message;
  return (
    <section id={key} class="case-form" aria-label={title}>
      <form method="post" action={action} data-guard>
        <h2 class="sub">{title}</h2>
        <label for={`${key}-name`}>Name</label>
        <input
          id={`${key}-name`}
          name="name"
          value={draft.name}
          required
          maxlength={100}
          aria-invalid={invalid("name")}
          aria-describedby={described("name")}
        />
        <FieldError id={`${key}-name-error`} message={issue("name")} />
        <label for={`${key}-variables`}>
          Variables <span class="muted">(JSON object)</span>
        </label>
        <textarea
          id={`${key}-variables`}
          name="variables"
          rows={rowsFor(draft.variables, 3, 16)}
          spellcheck={false}
          aria-invalid={invalid("variables")}
          aria-describedby={described("variables")}
        >
          {draft.variables}
        </textarea>
        <FieldError id={`${key}-variables-error`} message={issue("variables")} />
        <fieldset class="assertion-rows">
          <legend>Assertions</legend>
          {rows.map((row, index) => (
            <AssertionRow row={row} index={index} key={key} error={issue(`assertions.${index}`)} />
          ))}
          <FieldError id={`${key}-assertions-error`} message={rowsError} />
          <button type="button" class="add-row" hidden data-add-row>
            Add assertion
          </button>
        </fieldset>
        <label for={`${key}-echo`}>
          Echo output <span class="muted">(optional)</span>
        </label>
        <textarea
          id={`${key}-echo`}
          name="echoOutput"
          rows={rowsFor(draft.echoOutput, 2, 12)}
          spellcheck={false}
          dir="auto"
          aria-invalid={invalid("echoOutput")}
          aria-describedby={issue("echoOutput") ? `${key}-echoOutput-error` : `${key}-echo-hint`}
        >
          {draft.echoOutput}
        </textarea>
        <p id={`${key}-echo-hint`} class="muted small">
          A stage on <code>echo</code> calls no model: this stands in for its answer (e.g. a classifier's JSON). Blank:
          echo answers the rendered prompt.
        </p>
        <FieldError id={`${key}-echoOutput-error`} message={issue("echoOutput")} />
        <button type="submit" class="primary">
          {draft.id ? "Save test case" : "Add test case"}
        </button>
      </form>
      {draft.id ? <DeleteCase prompt={prompt} id={draft.id} name={draft.name} /> : null}
    </section>
  );
}

/** Delete asks first: the case is shared by every version and has no history. */
function DeleteCase({ prompt, id, name }: { prompt: string; id: number; name: string }) {
  const url = `${promptUrl(prompt)}/test-cases/${id}/delete`;
  return (
    <form method="get" action={url} class="inline-form">
      <button
        type="submit"
        class="danger"
        aria-label={`Delete test case ${name}`}
        hx-post={url}
        hx-confirm={`Delete test case “${name}”? Every version of ${prompt} runs it, and it has no history: it is removed for good.`}
        hx-disabled-elt="this"
      >
        Delete
      </button>
    </form>
  );
}

/** Upload a dataset: JSON Lines or CSV, all or nothing (docs/evaluate.md#datasets). */
function ImportForm({ prompt, total }: { prompt: string; total: number }) {
  return (
    <section class="import-cases" aria-labelledby="import-heading">
      <h2 id="import-heading" class="sub">
        Import test cases
      </h2>
      <form method="post" action={`${promptUrl(prompt)}/test-cases/import`} enctype="multipart/form-data">
        <label for="import-file">Dataset file</label>
        <input
          id="import-file"
          name="file"
          type="file"
          accept=".jsonl,.ndjson,.csv,text/csv,application/x-ndjson"
          required
          aria-describedby="import-hint"
        />
        <p id="import-hint" class="muted small">
          JSON Lines (one{" "}
          <code>
            {"{"}"name", "variables", "assertions"{"}"}
          </code>{" "}
          per line) or CSV (a <code>name</code> column, one column per variable — <code>var:name</code> for a variable
          called name — optional <code>expected</code>). Up to 2 MiB; a prompt holds at most 1,000 test cases (
          {(1000 - total).toLocaleString("en")} more fit). One bad row and nothing is imported.
        </p>
        <button type="submit">Import</button>
      </form>
    </section>
  );
}

const asDraft = (t: TestCase): TestCaseDraft => ({
  id: t.id,
  name: t.name,
  variables: Object.keys(t.variables).length ? JSON.stringify(t.variables, null, 2) : "",
  assertions: t.assertions.map((a) => ({
    type: a.type,
    value: a.value === null ? "" : String(a.value),
    ...(a.type === "judge" && { threshold: String(a.threshold) }),
  })),
  echoOutput: t.echoOutput ?? "",
});

export function TestCasesPage(props: {
  prompt: string;
  /** The template variables of the prompt's newest version, for a new case's blank variables. */
  variables: string[];
  testCases: TestCase[];
  /** How many test cases the prompt has; `next`: the following page of them, or null. */
  total: number;
  next: string | null;
  draft?: TestCaseDraft | undefined;
  flash?: FlashMessage | null;
}) {
  const { prompt, variables: names, testCases, draft, total, next } = props;
  const blank: TestCaseDraft = {
    name: "",
    variables: names.length ? JSON.stringify(Object.fromEntries(names.map((n) => [n, ""])), null, 2) : "",
    assertions: [],
    echoOutput: "",
  };
  return (
    <Layout title={`${prompt} test cases`} flash={props.flash}>
      <header class="prompt-head">
        <h1>{prompt}</h1>
        <PromptTabs prompt={prompt} current="test-cases" />
      </header>
      <p class="muted">
        Every TEST of any version runs these cases in that version's stage environment. A gated stage accepts a
        promotion only after they pass.
      </p>
      <RoleNote permission="edit" />
      <RoleGate permission="edit" quiet>
        <ImportForm prompt={prompt} total={total} />
        <p class="muted" id="case-count">
          {total === 1 ? "1 test case" : `${total.toLocaleString("en")} test cases`}
          {testCases.length < total ? ` · showing ${testCases.length} on this page` : ""}
        </p>
        <div class="cases">
          {testCases.map((t) => (
            <CaseForm prompt={prompt} draft={draft?.id === t.id ? draft : asDraft(t)} title={`Test case ${t.name}`} />
          ))}
          {next ? (
            <nav aria-label="More test cases">
              <a href={next} rel="next">
                Next page
              </a>
            </nav>
          ) : null}
          <CaseForm prompt={prompt} draft={draft && !draft.id ? draft : blank} title="New test case" />
        </div>
      </RoleGate>
    </Layout>
  );
}

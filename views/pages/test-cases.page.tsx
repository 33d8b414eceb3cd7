import { ASSERTION_TYPES } from "../../src/domain/assertions.js";
import type { ErrorIssue } from "../../src/domain/errors.js";
import type { TestCase } from "../../src/model/testing.model.js";
import { promptUrl } from "../components.js";
import { type FlashMessage, Layout } from "../layout.js";

/** A test case form as the user filled it in: kept whole when a save is refused. */
export interface TestCaseDraft {
  /** The case being edited; absent for a new one. */
  id?: number;
  name: string;
  variables: string;
  assertions: Array<{ type: string; value: string }>;
  issues?: ErrorIssue[];
}

const HINTS: Record<string, string> = {
  contains: "text the output must contain",
  "not-contains": "text the output must not contain",
  equals: "the whole expected output",
  regex: "a pattern, e.g. ^Dear \\w+ or /hello/i",
  json: "(no value: the output must be JSON)",
  "max-length": "most characters allowed",
};

function AssertionRow({ row, index }: { row: { type: string; value: string }; index: number }) {
  return (
    <div class="assertion-row">
      <label>
        <span class="visually-hidden">Assertion {index + 1} type</span>
        <select name="a_type">
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
        <input name="a_value" value={row.value} placeholder={HINTS[row.type] ?? "value"} />
      </label>
    </div>
  );
}

function CaseForm({ prompt, draft, title }: { prompt: string; draft: TestCaseDraft; title: string }) {
  const base = `${promptUrl(prompt)}/test-cases`;
  const action = draft.id ? `${base}/${draft.id}/save` : base;
  const rows = [...draft.assertions, { type: "", value: "" }, { type: "", value: "" }];
  const key = draft.id ? `case-${draft.id}` : "case-new";
  const issue = (field: string) => draft.issues?.find((i) => i.path === field || i.path.startsWith(`${field}.`));
  return (
    <section id={key} class="case-form" aria-label={title}>
      <form method="post" action={action}>
        <h2 class="sub">{title}</h2>
        <label for={`${key}-name`}>Name</label>
        <input
          id={`${key}-name`}
          name="name"
          value={draft.name}
          required
          maxlength={100}
          aria-invalid={issue("name") ? "true" : undefined}
        />
        {issue("name") ? <p class="field-error">{issue("name")?.message}</p> : null}
        <label for={`${key}-variables`}>
          Variables <span class="muted">(JSON object)</span>
        </label>
        <textarea
          id={`${key}-variables`}
          name="variables"
          rows={3}
          spellcheck={false}
          aria-invalid={issue("variables") ? "true" : undefined}
        >
          {draft.variables}
        </textarea>
        {issue("variables") ? <p class="field-error">{issue("variables")?.message}</p> : null}
        <fieldset class="assertion-rows">
          <legend>Assertions</legend>
          {rows.map((row, index) => (
            <AssertionRow row={row} index={index} />
          ))}
          {issue("assertions") ? <p class="field-error">{issue("assertions")?.message}</p> : null}
        </fieldset>
        <button type="submit" class="primary">
          {draft.id ? "Save test case" : "Add test case"}
        </button>
      </form>
      {draft.id ? (
        <form method="post" action={`${base}/${draft.id}/delete`} class="inline-form">
          <button type="submit" class="danger" aria-label={`Delete test case ${draft.name}`}>
            Delete
          </button>
        </form>
      ) : null}
    </section>
  );
}

const asDraft = (t: TestCase): TestCaseDraft => ({
  id: t.id,
  name: t.name,
  variables: Object.keys(t.variables).length ? JSON.stringify(t.variables, null, 2) : "",
  assertions: t.assertions.map((a) => ({ type: a.type, value: a.value === null ? "" : String(a.value) })),
});

export function TestCasesPage(props: {
  prompt: string;
  /** The template variables of the prompt's newest version, for a new case's blank variables. */
  variables: string[];
  testCases: TestCase[];
  draft?: TestCaseDraft | undefined;
  flash?: FlashMessage | null;
}) {
  const { prompt, variables: names, testCases, draft } = props;
  const blank: TestCaseDraft = {
    name: "",
    variables: names.length ? JSON.stringify(Object.fromEntries(names.map((n) => [n, ""])), null, 2) : "",
    assertions: [],
  };
  const base = promptUrl(prompt);
  return (
    <Layout title={`${prompt} test cases`} flash={props.flash}>
      <header class="prompt-head">
        <h1>{prompt}</h1>
        <nav class="tabs" aria-label="Prompt">
          <a href={base}>Versions</a>
          <a href={`${base}/test-cases`} aria-current="page">
            Test cases
          </a>
          <a href={`${base}/compare`}>Compare</a>
          <a href={`${base}/history`}>History</a>
        </nav>
      </header>
      <p class="muted">
        Every TEST of any version runs these cases in that version's stage environment. A gated stage accepts a
        promotion only after they pass.
      </p>
      <div class="cases">
        {testCases.map((t) => (
          <CaseForm prompt={prompt} draft={draft?.id === t.id ? draft : asDraft(t)} title={`Test case ${t.name}`} />
        ))}
        <CaseForm prompt={prompt} draft={draft && !draft.id ? draft : blank} title="New test case" />
      </div>
    </Layout>
  );
}

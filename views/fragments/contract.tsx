import { type Contract, VARIABLE_TYPES, type Variable } from "../../src/domain/contract.js";
import type { ErrorIssue } from "../../src/domain/errors.js";
import type { Content } from "../../src/domain/prompt-content.js";
import { effectiveVariables, usedNames } from "../../src/domain/render.js";

/** One row of the editor's variables table, as typed (every field text, so nothing typed is lost). */
export interface VariableRow {
  name: string;
  type: string;
  required: boolean;
  default: string;
  description: string;
  /** An enum's values, comma-separated. */
  values: string;
  /**
   * Offered for a placeholder the contract does not declare: the type it has undeclared
   * (`string`, or `messages` for a chat placeholder); declared only once it is changed. "" otherwise.
   */
  suggested: string;
}

/** The contract part of the editor: the variables table and the tools and response format JSON. */
export interface ContractFormState {
  rows: VariableRow[];
  tools: string;
  responseFormat: string;
}

const defaultText = (v: Variable) =>
  v.default === undefined ? "" : typeof v.default === "string" ? v.default : JSON.stringify(v.default);

/** The editor's contract state for a saved version: its variables, then a suggested row per undeclared placeholder. */
export function contractFormOf(content: Content, contract: Contract): ContractFormState {
  const declared = new Set(contract.variables.map((v) => v.name));
  const rows: VariableRow[] = effectiveVariables(content, contract).map((v) => ({
    name: v.name,
    type: v.type,
    required: v.required,
    default: defaultText(v),
    description: v.description ?? "",
    values: (v.values ?? []).join(", "),
    suggested: declared.has(v.name) ? "" : v.type,
  }));
  return {
    rows,
    tools: contract.tools.length ? JSON.stringify(contract.tools, null, 2) : "",
    responseFormat: contract.responseFormat ? JSON.stringify(contract.responseFormat, null, 2) : "",
  };
}

const typeText = (v: Variable) => (v.type === "enum" ? (v.values ?? []).join("|") : v.type);

/**
 * The contract in view mode, read like a function's signature:
 * `customer: string · count: number = 1 · tone: formal|casual`, then tools and response format.
 */
export function ContractView({ content, contract }: { content: Content; contract: Contract }) {
  const variables = effectiveVariables(content, contract);
  const format = contract.responseFormat;
  return (
    <section class="contract-view" aria-label="Contract">
      <h2 class="sub">Contract</h2>
      <p class="signature">
        {variables.length === 0 ? <span class="muted">No variables.</span> : null}
        {variables.map((v, i) => (
          <>
            {i > 0 ? <span class="sep"> · </span> : null}
            <code class={`sig${v.required && v.default === undefined ? "" : " optional"}`} title={v.description}>
              <span class="sig-name">{v.name}</span>
              {v.required || v.default !== undefined ? "" : "?"}: <span class="sig-type">{typeText(v)}</span>
              {v.default !== undefined ? ` = ${JSON.stringify(v.default)}` : ""}
            </code>
          </>
        ))}
      </p>
      {contract.tools.length > 0 ? (
        <p class="small">
          Tools:{" "}
          {contract.tools.map((t, i) => (
            <>
              {i > 0 ? ", " : ""}
              <code title={t.function.description}>{t.function.name}</code>
            </>
          ))}
        </p>
      ) : null}
      {format ? (
        <p class="small">
          Response:{" "}
          {format.type === "json_object" ? (
            "any JSON object"
          ) : (
            <>
              JSON matching schema <code>{format.json_schema.name}</code>
              {format.json_schema.strict ? " (strict)" : ""}
            </>
          )}
        </p>
      ) : null}
    </section>
  );
}

/** The message of the first issue at `path` or below it. */
function issueAt(issues: ErrorIssue[] | undefined, path: string): string | undefined {
  return issues?.find((i) => i.path === path || i.path.startsWith(`${path}.`))?.message;
}

/**
 * The editor's contract fields (without JavaScript a plain form; static/contract.js adds a row
 * for each placeholder as it is typed and greys declared variables the text no longer uses).
 * Rows are `cv.N.*` fields; an empty row at the end declares a new variable.
 */
export function ContractEditor({
  state,
  content,
  issues,
}: {
  state: ContractFormState;
  content: Content;
  issues?: ErrorIssue[] | undefined;
}) {
  const used = usedNames(content);
  const rows = [...state.rows, blankRow()];
  const toolsError = issueAt(issues, "tools");
  const formatError = issueAt(issues, "responseFormat");
  return (
    <fieldset class="contract-editor" data-contract-editor>
      <legend>Variables</legend>
      <input type="hidden" name="contract" value="1" />
      <div class="table-scroll">
        <table class="variables-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Type</th>
              <th scope="col">Required</th>
              <th scope="col">Default</th>
              <th scope="col">Description</th>
              <th scope="col">Values (enum)</th>
            </tr>
          </thead>
          <tbody data-variable-rows>
            {rows.map((row, i) => (
              <RowFields row={row} index={i} unused={row.name !== "" && !used.has(row.name)} issues={issues} />
            ))}
          </tbody>
        </table>
      </div>
      <template data-variable-row-template>
        <RowFields row={{ ...blankRow(), suggested: "string" }} index="__N__" unused={false} issues={undefined} />
      </template>
      <p class="small muted">
        A <code>{"{{placeholder}}"}</code> that is not declared is a required string. A default makes a variable
        optional. Rows marked <em>new</em> are declared when you change them.
      </p>
      <JsonField
        name="tools"
        label="Tools"
        hint='OpenAI-style functions: [{"type": "function", "function": {"name", "description", "parameters"}}]'
        value={state.tools}
        error={toolsError}
      />
      <JsonField
        name="responseFormat"
        label="Response format"
        hint='{"type": "json_object"} or {"type": "json_schema", "json_schema": {"name", "schema", "strict"}}; empty for text'
        value={state.responseFormat}
        error={formatError}
      />
    </fieldset>
  );
}

const blankRow = (): VariableRow => ({
  name: "",
  type: "string",
  required: true,
  default: "",
  description: "",
  values: "",
  suggested: "",
});

function RowFields({
  row,
  index,
  unused,
  issues,
}: {
  row: VariableRow;
  index: number | string;
  unused: boolean;
  issues: ErrorIssue[] | undefined;
}) {
  const f = (field: string) => `cv.${index}.${field}`;
  const error = issueAt(issues, `cv.${index}`);
  const classes = [row.suggested ? "suggested" : "", unused ? "unused" : ""].filter(Boolean).join(" ");
  return (
    <tr class={classes || undefined} data-variable-row>
      <td>
        <input type="hidden" name={f("suggested")} value={row.suggested} />
        <input
          name={f("name")}
          value={row.name}
          aria-label="Variable name"
          placeholder="name"
          spellcheck={false}
          aria-invalid={error ? "true" : undefined}
        />
        {row.suggested ? <span class="tag tag-new">new</span> : null}
        {unused ? <span class="unused-note small">not in the text</span> : null}
        {error ? <p class="field-error small">{error}</p> : null}
      </td>
      <td>
        <select name={f("type")} aria-label="Type">
          {VARIABLE_TYPES.map((t) => (
            <option value={t} selected={t === row.type}>
              {t}
            </option>
          ))}
        </select>
      </td>
      <td class="center">
        <input type="checkbox" name={f("required")} value="on" checked={row.required} aria-label="Required" />
      </td>
      <td>
        <input name={f("default")} value={row.default} aria-label="Default" placeholder="none" spellcheck={false} />
      </td>
      <td>
        <input name={f("description")} value={row.description} aria-label="Description" />
      </td>
      <td>
        <input name={f("values")} value={row.values} aria-label="Enum values" placeholder="a, b, c" />
      </td>
    </tr>
  );
}

function JsonField({
  name,
  label,
  hint,
  value,
  error,
}: {
  name: string;
  label: string;
  hint: string;
  value: string;
  error: string | undefined;
}) {
  return (
    <details class="json-field" open={value.trim() !== "" || error !== undefined || undefined}>
      <summary>
        {label} {value.trim() === "" ? <span class="muted small">none</span> : null}
      </summary>
      <label for={name} class="field-label small muted">
        {hint}
      </label>
      <textarea
        id={name}
        name={name}
        rows={8}
        spellcheck={false}
        data-json-field
        aria-invalid={error ? "true" : undefined}
        aria-describedby={`${name}-error`}
      >
        {value}
      </textarea>
      <p id={`${name}-error`} class="field-error" aria-live="polite">
        {error ?? ""}
      </p>
    </details>
  );
}

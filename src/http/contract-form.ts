import type { ContractFormState, VariableRow } from "../../views/fragments/contract.js";
import { DomainError, type ErrorIssue } from "../domain/errors.js";
import { describeJsonError } from "../domain/json-syntax.js";
import { issueForPeople } from "./for-people.js";

/**
 * The editor's contract fields (views/fragments/contract.tsx): rows of `cv.N.name`, `.type`,
 * `.required` (a checkbox), `.default`, `.description`, `.values`, `.suggested`, and the `tools`
 * and `responseFormat` JSON texts. `contract=1` says the form carries them; a form without it
 * leaves the contract as it is.
 */
const ROW = /^cv\.(\d{1,3})\.name$/;
const text = (form: Record<string, unknown>, key: string) => {
  const value = form[key];
  return typeof value === "string" ? value : Array.isArray(value) && typeof value[0] === "string" ? value[0] : "";
};

/** The contract fields as typed, or null when the form has none. */
export function contractFormFields(form: Record<string, unknown>): ContractFormState | null {
  if (form.contract === undefined) return null;
  const indexes = Object.keys(form)
    .map((key) => ROW.exec(key)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
  const rows: VariableRow[] = indexes.map((n) => ({
    name: text(form, `cv.${n}.name`).trim(),
    type: text(form, `cv.${n}.type`) || "string",
    required: form[`cv.${n}.required`] !== undefined,
    default: text(form, `cv.${n}.default`),
    description: text(form, `cv.${n}.description`),
    values: text(form, `cv.${n}.values`),
    suggested: text(form, `cv.${n}.suggested`),
  }));
  return { rows, tools: text(form, "tools"), responseFormat: text(form, "responseFormat") };
}

/** Whether a form key belongs to the contract fields (kept out of the save's other input). */
export const isContractKey = (key: string) =>
  key === "contract" || key === "tools" || key === "responseFormat" || key.startsWith("cv.");

/** A suggested row left as offered: the placeholder stays undeclared (a required string all the same). */
const untouched = (row: VariableRow) =>
  row.suggested !== "" &&
  row.type === row.suggested &&
  row.required &&
  row.default === "" &&
  row.description.trim() === "" &&
  row.values.trim() === "";

/**
 * The save's contract input from the rows and JSON texts: rows with a name (but untouched
 * suggestions) become variables, their defaults read as their type. `rowOf[k]` is the row of
 * the k-th variable, so that the service's issues (`variables.k…`) land on their row. Text that
 * is not what its field needs (JSON with its line and column, a default of another type) is a
 * validation_failed naming the field.
 */
export function contractInput(state: ContractFormState): {
  input: { variables: unknown[]; tools: unknown; responseFormat: unknown };
  rowOf: number[];
} {
  const issues: ErrorIssue[] = [];
  const variables: unknown[] = [];
  const rowOf: number[] = [];
  state.rows.forEach((row, n) => {
    if (row.name === "" || untouched(row)) return;
    const entry: Record<string, unknown> = { name: row.name, type: row.type, required: row.required };
    if (row.default.trim() !== "") {
      const parsed = defaultOf(row.type, row.default);
      if ("error" in parsed) issues.push({ path: `cv.${n}.default`, message: parsed.error });
      else entry.default = parsed.value;
    }
    if (row.description.trim() !== "") entry.description = row.description;
    const values = row.values
      .split(",")
      .map((v) => v.trim())
      .filter(Boolean);
    if (values.length > 0 || row.type === "enum") entry.values = values;
    variables.push(entry);
    rowOf.push(n);
  });
  const tools = jsonField("tools", state.tools, [], issues);
  const responseFormat = jsonField("responseFormat", state.responseFormat, null, issues);
  if (issues.length > 0) throw new DomainError("validation_failed", issueText(issues[0] as ErrorIssue, state), issues);
  return { input: { variables, tools, responseFormat }, rowOf };
}

/** JSON typed by a person: its value, or where and why it is not JSON (a line and column). */
function parseJson(raw: string): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(raw) as unknown };
  } catch {
    return { ok: false, message: describeJsonError(raw) };
  }
}

function jsonField(path: string, raw: string, blank: unknown, issues: ErrorIssue[]): unknown {
  if (raw.trim() === "") return blank;
  const parsed = parseJson(raw);
  if (parsed.ok) return parsed.value;
  issues.push({ path, message: parsed.message });
  return blank;
}

function defaultOf(type: string, raw: string): { value: unknown } | { error: string } {
  const trimmed = raw.trim();
  switch (type) {
    case "number":
      return /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(trimmed)
        ? { value: Number(trimmed) }
        : { error: "The default must be a number" };
    case "boolean":
      return trimmed === "true" || trimmed === "false"
        ? { value: trimmed === "true" }
        : { error: "The default must be true or false" };
    case "json":
    case "messages": {
      const parsed = parseJson(raw);
      return parsed.ok ? { value: parsed.value } : { error: `The default: ${parsed.message}` };
    }
    default:
      return { value: raw };
  }
}

/** An issue of the editor's fields in words: which variable or JSON field, and what is wrong. */
export function issueText(issue: ErrorIssue, state: ContractFormState): string {
  const row = /^cv\.(\d+)/.exec(issue.path)?.[1];
  if (row !== undefined) return `Variable ${state.rows[Number(row)]?.name || Number(row) + 1}: ${issue.message}`;
  if (issue.path.startsWith("tools")) return `Tools (${issue.path}): ${issue.message}`;
  if (issue.path.startsWith("responseFormat")) return `Response format (${issue.path}): ${issue.message}`;
  return issueForPeople(issue);
}

/** The service's issues on `variables.k…` moved to their rows (`cv.N…`), where the editor shows them. */
export function issuesOnRows(issues: ErrorIssue[], rowOf: number[]): ErrorIssue[] {
  return issues.map((issue) => {
    const match = /^variables\.(\d+)(\..*)?$/.exec(issue.path);
    const row = match ? rowOf[Number(match[1])] : undefined;
    return row === undefined ? issue : { ...issue, path: `cv.${row}${match?.[2] ?? ""}` };
  });
}

import { parse as parseCsv } from "csv-parse/sync";
import { DomainError, type ErrorIssue } from "../domain/errors.js";
import { isVariableName } from "../domain/template.js";
import { parseInput } from "./parse.js";
import { MAX_TEST_CASES, testCaseInput } from "./testing.inputs.js";

/** An imported file is read up to this size (UTF-8); a larger one is refused whole (413). */
export const MAX_IMPORT_BYTES = 2 * 1024 * 1024;

export type DatasetFormat = "jsonl" | "csv";

export interface DatasetRow {
  /** The file's line where the row starts (1-based; a CSV header is line 1). */
  line: number;
  input: ReturnType<typeof parseInput<typeof testCaseInput>>;
}

/** Which format a file is in: said, told by its file name, or else JSON Lines when it starts with `{`. */
export function datasetFormat(content: string, said?: string, fileName?: string): DatasetFormat {
  const named = said?.trim().toLowerCase();
  if (named === "csv" || named === "jsonl") return named;
  if (named === "ndjson" || named === "json") return "jsonl";
  if (named) throw refused("format", `Unknown format "${said}": use jsonl or csv`);
  if (fileName && /\.csv$/i.test(fileName)) return "csv";
  if (fileName && /\.(jsonl|ndjson)$/i.test(fileName)) return "jsonl";
  return content.trimStart().startsWith("{") ? "jsonl" : "csv";
}

function refused(path: string, message: string, issues: ErrorIssue[] = [{ path, message }]): DomainError {
  return new DomainError("validation_failed", message, issues);
}

/**
 * Reads a dataset into test case inputs, all or nothing: the first bad row is 422 naming its
 * line (`issues[0].path` "line N", or "line N.field"). JSON Lines: one `{name, variables,
 * assertions, echoOutput?}` per line, blank lines skipped. CSV (RFC 4180): a header with `name`,
 * one column per variable, optional `expected` (a `contains` assertion); a variable called
 * `name` or `expected` is the column `var:name` (no variable name holds a colon).
 */
export function readDataset(content: string, format: DatasetFormat): DatasetRow[] {
  if (Buffer.byteLength(content, "utf8") > MAX_IMPORT_BYTES)
    throw new DomainError("payload_too_large", `The file is over ${MAX_IMPORT_BYTES / 1024 / 1024} MiB`);
  const text = content.replace(/^\uFEFF/, "");
  const rows = format === "csv" ? csvRows(text) : jsonlRows(text);
  if (rows.length === 0) throw refused("(input)", "The file holds no test cases");
  if (rows.length > MAX_TEST_CASES)
    throw refused(
      "(input)",
      `The file holds ${rows.length} test cases; a prompt holds at most ${MAX_TEST_CASES.toLocaleString("en")}`,
    );
  const seen = new Map<string, number>();
  for (const row of rows) {
    const earlier = seen.get(row.input.name);
    if (earlier !== undefined)
      throw refused(
        `line ${row.line}.name`,
        `Line ${row.line}: the name "${row.input.name}" is already on line ${earlier}`,
      );
    seen.set(row.input.name, row.line);
  }
  return rows;
}

/** One row checked by the same schema as a test case sent alone, its problems prefixed with its line. */
function checkRow(line: number, raw: unknown): DatasetRow {
  try {
    return { line, input: parseInput(testCaseInput, raw) };
  } catch (error) {
    if (!(error instanceof DomainError) || !error.issues) throw error;
    const issues = error.issues.map((i) => ({ path: `line ${line}.${i.path}`, message: i.message }));
    const first = error.issues[0];
    throw refused("", `Line ${line}: ${first ? `${first.path}: ${first.message}` : error.message}`, issues);
  }
}

function jsonlRows(text: string): DatasetRow[] {
  const rows: DatasetRow[] = [];
  const lines = text.split(/\r?\n/);
  for (const [index, source] of lines.entries()) {
    const line = index + 1;
    if (source.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(source);
    } catch (error) {
      const why = error instanceof Error ? error.message : "not JSON";
      throw refused(`line ${line}`, `Line ${line} is not JSON: ${why}`);
    }
    if (value === null || typeof value !== "object" || Array.isArray(value))
      throw refused(`line ${line}`, `Line ${line} is not a JSON object {name, variables, assertions}`);
    rows.push(checkRow(line, value));
    if (rows.length > MAX_TEST_CASES) break;
  }
  return rows;
}

function csvRows(text: string): DatasetRow[] {
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parseCsv(text, { info: true, skip_empty_lines: true, bom: true, relax_column_count: false }) as never;
  } catch (error) {
    const e = error as { message?: string; lines?: number };
    const line = e.lines ?? 1;
    throw refused(`line ${line}`, `Line ${line} is not valid CSV: ${e.message ?? "unreadable"}`);
  }
  const [head, ...body] = records;
  if (!head) return [];
  const header = head.record.map((h) => h.trim());
  const variableOf = (column: string) => column.replace(/^var:/, "");
  const nameAt = header.indexOf("name");
  if (nameAt < 0) throw refused("line 1", 'Line 1: the header needs a "name" column');
  const expectedAt = header.indexOf("expected");
  for (const [index, column] of header.entries()) {
    if (index === nameAt || index === expectedAt) continue;
    if (!isVariableName(variableOf(column)))
      throw refused("line 1", `Line 1: the column "${column}" is not a variable name (letters, digits, _ . -)`);
    const first = header.findIndex((o, i) => i !== nameAt && i !== expectedAt && variableOf(o) === variableOf(column));
    if (first !== index) throw refused("line 1", `Line 1: the variable "${variableOf(column)}" has two columns`);
  }
  const rows: DatasetRow[] = [];
  for (const { record, info } of body) {
    const variables: Record<string, string> = {};
    for (const [index, column] of header.entries())
      if (index !== nameAt && index !== expectedAt) variables[variableOf(column)] = record[index] ?? "";
    const expected = expectedAt >= 0 ? (record[expectedAt] ?? "") : "";
    const assertions = expected === "" ? [] : [{ type: "contains", value: expected }];
    // csv-parse counts lines up to the end of the record: a quoted value may span several.
    const line = info.lines - (record.join("").match(/\n/g)?.length ?? 0);
    rows.push(checkRow(line, { name: record[nameAt] ?? "", variables, assertions }));
    if (rows.length > MAX_TEST_CASES) break;
  }
  return rows;
}

/** Variables of the rows that the prompt's newest version does not know: kept, and warned about. */
export function unknownVariables(rows: DatasetRow[], known: Set<string>): ErrorIssue[] {
  const lineOf = new Map<string, number>();
  for (const row of rows)
    for (const name of Object.keys(row.input.variables))
      if (!known.has(name) && !lineOf.has(name)) lineOf.set(name, row.line);
  return [...lineOf].map(([name, line]) => ({
    path: `line ${line}.variables.${name}`,
    message: `The prompt does not declare the variable "${name}": kept, but its newest version does not use it`,
  }));
}

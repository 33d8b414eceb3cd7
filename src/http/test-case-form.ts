import type { Context } from "hono";
import type { TestCaseDraft } from "../../views/pages/test-cases.page.js";
import { DomainError, type ErrorIssue } from "../domain/errors.js";
import { describeJsonError } from "../domain/json-syntax.js";
import { parseInput } from "../services/parse.js";
import { testCaseInput } from "../services/testing.inputs.js";
import { isForm, readForm, readInput } from "./input.js";

const strings = (value: unknown): string[] =>
  (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter((v): v is string => typeof v === "string");

export interface TestCaseRead {
  input: Record<string, unknown>;
  /** The form as the user filled it in, to show again when the save is refused. */
  draft: TestCaseDraft;
  /** What is wrong before the schema can look (variables that are not JSON). */
  problems: ErrorIssue[];
}

/**
 * A test case from a JSON body, or from the test cases page's form: name, variables as JSON
 * text, rows of assertion type + value (a `json` row's value is ignored: it takes none), and
 * the echo output (blank: none).
 */
export async function readTestCase(c: Context): Promise<TestCaseRead> {
  if (!isForm(c)) {
    const input = await readInput(c);
    const draft = { name: String(input.name ?? ""), variables: "", assertions: [], echoOutput: "" };
    return { input, draft, problems: [] };
  }
  const form = await readForm(c, { all: true });
  const types = strings(form.a_type);
  const values = strings(form.a_value);
  const thresholds = strings(form.a_threshold);
  const rows = types
    .map((type, i) => ({
      type,
      value: type === "json" ? "" : (values[i] ?? ""),
      ...(type === "judge" && (thresholds[i] ?? "").trim() !== "" && { threshold: (thresholds[i] ?? "").trim() }),
    }))
    .filter((row) => row.type !== "");
  const first = (key: string) => strings(form[key])[0] ?? "";
  const draft = {
    name: first("name"),
    variables: first("variables"),
    assertions: rows,
    echoOutput: first("echoOutput"),
  };
  const problems: ErrorIssue[] = [];
  let variables: unknown = {};
  if (draft.variables.trim() !== "") {
    try {
      variables = JSON.parse(draft.variables);
    } catch {
      const why = describeJsonError(draft.variables);
      problems.push({
        path: "variables",
        message: `${why}. Give the variables as a JSON object, e.g. {"name": "Ada"}`,
      });
    }
  }
  const echoOutput = draft.echoOutput.trim() === "" ? null : draft.echoOutput;
  return { input: { name: draft.name, variables, assertions: rows, echoOutput }, draft, problems };
}

/**
 * Refuses a form with `problems` together with whatever else the schema finds in the rest of
 * it: every field's problem at once, not one per try.
 */
export function refuseEveryProblem({ input, problems }: TestCaseRead): never {
  let rest: ErrorIssue[] = [];
  try {
    parseInput(testCaseInput, input);
  } catch (error) {
    if (error instanceof DomainError) rest = error.issues ?? [];
  }
  const issues = [...problems, ...rest];
  throw new DomainError("validation_failed", `${issues[0]?.path}: ${issues[0]?.message}`, issues);
}

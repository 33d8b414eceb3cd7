/** The checks a test case makes on a provider's output (docs/rules.md, TEST). */
export const ASSERTION_TYPES = ["contains", "not-contains", "equals", "regex", "json", "max-length", "judge"] as const;
export type AssertionType = (typeof ASSERTION_TYPES)[number];

export type Assertion =
  | { type: "contains" | "not-contains" | "equals" | "regex"; value: string }
  | { type: "json"; value: null }
  | { type: "max-length"; value: number }
  | JudgeAssertion;

/** A rubric the stage environment's model grades the output against; passes at `score ≥ threshold`. */
export interface JudgeAssertion {
  type: "judge";
  value: string;
  threshold: number;
}

/** The assertions checked here, without a model. */
export type PlainAssertion = Exclude<Assertion, JudgeAssertion>;

export const DEFAULT_JUDGE_THRESHOLD = 0.7;
export const MAX_RUBRIC_CHARS = 10_000;

export interface AssertionResult {
  /** A test case's assertion, or `schema`: every output checked against a json_schema response format. */
  type: AssertionType | "schema";
  value: string | number | null;
  passed: boolean;
  message: string;
  /** A judge's grade: its score (0..1), its reason, the threshold it was held to, the grader's version. */
  score?: number;
  reason?: string;
  threshold?: number;
  grader?: string;
}

/** Flags a `/pattern/flags` value may carry; `g` and `y` are stateful and mean nothing for one test. */
const REGEX_LITERAL = /^\/(.+)\/([imsu]*)$/s;
export const MAX_REGEX_CHARS = 1000;

/**
 * A regex assertion's value is either a bare pattern (`^Dear \w+`) or a literal with flags
 * (`/^dear/i`). Answers the compiled expression or why it is not one.
 */
export function compileRegex(value: string): { ok: true; regex: RegExp } | { ok: false; error: string } {
  if (value.length > MAX_REGEX_CHARS)
    return { ok: false, error: `Keep the pattern under ${MAX_REGEX_CHARS} characters` };
  const literal = REGEX_LITERAL.exec(value);
  try {
    const regex = literal ? new RegExp(literal[1] as string, literal[2]) : new RegExp(value);
    return { ok: true, regex };
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/^Invalid regular expression: /, "") : "";
    return { ok: false, error: `Not a valid regular expression${reason ? `: ${reason}` : ""}` };
  }
}

/** How values appear in messages: quoted, and cut short so a message stays one readable line. */
export function quote(text: string, max = 80): string {
  const cut = [...text];
  return JSON.stringify(cut.length > max ? `${cut.slice(0, max).join("")}…` : text);
}

/** Code points, so an emoji counts as one character. */
export function characterCount(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** JSON output, allowing one surrounding Markdown code fence (models like to add one). */
export function parseJsonOutput(output: string): { ok: true; value: unknown } | { ok: false; error: string } {
  const trimmed = output.trim();
  const fenced = /^```[a-zA-Z]*\n([\s\S]*?)\n?```$/.exec(trimmed);
  try {
    return { ok: true, value: JSON.parse(fenced ? (fenced[1] as string) : trimmed) as unknown };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : "not JSON" };
  }
}

function result(assertion: PlainAssertion, passed: boolean, message: string): AssertionResult {
  return { type: assertion.type, value: assertion.value, passed, message };
}

/**
 * Tests a compiled regex against a text. A backtracking pattern can run for hours ("(a+)+$"), so
 * the runner passes one that works off the event loop under a time budget and rejects when the
 * budget is spent (docs/limits.md); tests may pass `(regex, text) => regex.test(text)`.
 */
export type RegexTester = (regex: RegExp, text: string) => Promise<boolean>;

/**
 * Checks one assertion against a case's output. Matching is case-sensitive; `equals` ignores
 * leading and trailing whitespace on both sides; `max-length` counts characters (code points).
 */
export async function evaluate(
  output: string,
  assertion: PlainAssertion,
  testRegex: RegexTester,
): Promise<AssertionResult> {
  switch (assertion.type) {
    case "contains": {
      const passed = output.includes(assertion.value);
      const message = passed
        ? `output contains ${quote(assertion.value)}`
        : `expected output to contain ${quote(assertion.value)}`;
      return result(assertion, passed, message);
    }
    case "not-contains": {
      const passed = !output.includes(assertion.value);
      const message = passed
        ? `output does not contain ${quote(assertion.value)}`
        : `expected output not to contain ${quote(assertion.value)}`;
      return result(assertion, passed, message);
    }
    case "equals": {
      const passed = output.trim() === assertion.value.trim();
      const message = passed
        ? `output equals ${quote(assertion.value)}`
        : `expected output to equal ${quote(assertion.value)}, got ${quote(output.trim())}`;
      return result(assertion, passed, message);
    }
    case "regex":
      return evaluateRegex(output, assertion.value, testRegex);
    case "json": {
      const parsed = parseJsonOutput(output);
      return parsed.ok
        ? result(assertion, true, "output is valid JSON")
        : result(assertion, false, `expected output to be valid JSON (${parsed.error})`);
    }
    case "max-length": {
      const count = characterCount(output);
      const passed = count <= assertion.value;
      const message = passed
        ? `output has ${count} characters, at most ${assertion.value}`
        : `expected output to have at most ${assertion.value} characters, got ${count}`;
      return result(assertion, passed, message);
    }
  }
}

async function evaluateRegex(output: string, pattern: string, testRegex: RegexTester): Promise<AssertionResult> {
  const assertion: PlainAssertion = { type: "regex", value: pattern };
  const compiled = compileRegex(pattern);
  if (!compiled.ok) return result(assertion, false, `${compiled.error}: ${quote(pattern)}`);
  const passed = await testRegex(compiled.regex, output);
  const message = passed ? `output matches ${quote(pattern)}` : `expected output to match ${quote(pattern)}`;
  return result(assertion, passed, message);
}

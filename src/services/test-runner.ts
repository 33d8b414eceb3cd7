import {
  type Assertion,
  type AssertionResult,
  evaluate,
  type JudgeAssertion,
  parseJsonOutput,
  type RegexTester,
} from "../domain/assertions.js";
import { type ChatMessage, transcript } from "../domain/chat.js";
import type { Config } from "../domain/content.js";
import { type Contract, EMPTY_CONTRACT, type Variable } from "../domain/contract.js";
import { jsonSyntaxError } from "../domain/json-syntax.js";
import { judgeMessage, parseGrade } from "../domain/judge.js";
import { type ModelSettings, modelSettings } from "../domain/model-settings.js";
import type { Content } from "../domain/prompt-content.js";
import { effectiveVariables, render as renderContent, valuesFromText } from "../domain/render.js";
import { caseStatus, runStatus, type TestStatus } from "../domain/test-outcome.js";
import type { CaseResult, Environment } from "../model/testing.model.js";
import { GRADER_SYSTEM_PROMPT, GRADER_VERSION, graderUserMessage } from "../providers/grader/judge.prompt.js";
import { type Provider, ProviderError } from "../providers/index.js";
import { schemaChecker } from "./json-schema.js";
import { RegexTimeout, regexRunner } from "./regex-worker.js";

/** Cases of one TEST call their provider at most this many at a time. */
export const CASE_CONCURRENCY = 4;
/** docs/limits.md: a stored output is cut to this many bytes (UTF-8), marker included; assertions see it all. */
export const MAX_STORED_OUTPUT_BYTES = 64 * 1024;

export interface PlannedCase {
  name: string;
  variables: Record<string, string>;
  assertions: Assertion[];
  /** What the echo provider answers instead of the rendered prompt; null: the prompt itself. */
  echoOutput: string | null;
}

export interface Execution {
  model: string;
  status: TestStatus;
  durationMs: number;
  results: CaseResult[];
}

/**
 * Runs every case against one provider, at most `concurrency` at a time, and never throws:
 * a missing variable, a bad config or a failed call is that case's `error`. No database is
 * touched here, so no write lock is held while providers think.
 */
export async function executeCases(
  plan: { content: Content; config: Config; contract?: Contract; environment: Environment; cases: PlannedCase[] },
  provider: Provider,
  options: {
    concurrency?: number;
    signal?: AbortSignal;
    testRegex?: RegexTester;
    owner?: string;
    /** Called as each case finishes (a comparison's progress). */
    onCase?: () => void;
  } = {},
): Promise<Execution> {
  const settings = modelSettings(plan.config, plan.environment.model);
  const started = performance.now();
  const contract = plan.contract ?? EMPTY_CONTRACT;
  const format = contract.responseFormat;
  const context = {
    content: plan.content,
    contract,
    declared: effectiveVariables(plan.content, contract),
    schema:
      format?.type === "json_schema"
        ? { name: format.json_schema.name, check: schemaChecker(format.json_schema.schema) }
        : null,
    settings,
    provider,
    timeoutMs: plan.environment.timeoutMs,
    environment: plan.environment,
    signal: options.signal,
    // Regexes queue as the prompt's: one prompt cannot take the whole regex pool.
    testRegex: options.testRegex ?? regexRunner.forRun(options.owner),
  };
  const results = await mapLimit(plan.cases, options.concurrency ?? CASE_CONCURRENCY, async (c) => {
    const result = await runCase(c, context);
    options.onCase?.();
    return result;
  });
  return {
    model: settings.model,
    status: runStatus(results),
    durationMs: Math.round(performance.now() - started),
    results,
  };
}

interface CaseContext {
  content: Content;
  contract: Contract;
  /** Every variable of the version, declared or a placeholder: found once per run. */
  declared: Variable[];
  /** A json_schema response format: every output is checked against it (a `schema` assertion). */
  schema: { name: string; check: (value: unknown) => string | null } | null;
  settings: ModelSettings;
  provider: Provider;
  timeoutMs: number;
  /** The stage environment: its default model is the judge's. */
  environment: Environment;
  signal: AbortSignal | undefined;
  testRegex: RegexTester;
}

/**
 * Lets the event loop run other requests and timers. Awaiting only promises never does (their
 * callbacks run as microtasks), so a TEST of 50 cases of 50 assertions on 1 MB outputs held the
 * loop for half a second; it now gives way before each case and each assertion (docs/limits.md).
 */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

type Rendered = { ok: true; messages: ChatMessage[]; text: string } | { ok: false; error: string };

/**
 * A case's prompt rendered with its variables by the renderer the render endpoints use
 * (docs/contract.md), each text value read as its declared type, variables the version does
 * not know ignored (test cases serve every version): the messages to send and the text echo
 * answers, or why the case cannot run.
 */
function render(content: Content, declared: Variable[], variables: Record<string, string>): Rendered {
  const values = valuesFromText(declared, variables);
  const outcome = renderContent(content, { variables: declared }, values, { strict: false, declared });
  if (outcome.ok) {
    const { rendered } = outcome;
    if (rendered.type === "text")
      return { ok: true, messages: [{ role: "user", content: rendered.body }], text: rendered.body };
    return { ok: true, messages: rendered.messages, text: transcript(rendered.messages) };
  }
  const types = new Map(declared.map((v) => [v.name, v.type]));
  const missing = outcome.issues.filter((i) => i.path.length === 2 && !Object.hasOwn(variables, i.path[1] as string));
  if (missing.length > 0) {
    const names = missing.map((i) => i.path[1]);
    return { ok: false, error: `Missing template variable${names.length > 1 ? "s" : ""}: ${names.join(", ")}` };
  }
  const errors = outcome.issues.map(({ path, message }) => {
    const name = path[1];
    if (name === undefined) return message;
    if (types.get(name) === "messages")
      return `The placeholder ${name} takes a JSON array of messages, e.g. [{"role": "user", "content": "Hi"}]${jsonProblem(variables[name] ?? "")}`;
    return `Variable ${name}: ${message}`;
  });
  return { ok: false, error: errors.join("; ") };
}

/** Where a placeholder's value stops being JSON, if that is what is wrong with it. */
function jsonProblem(value: string): string {
  const at = jsonSyntaxError(value);
  return at ? `; the value given is not valid JSON at line ${at.line}, column ${at.column}: ${at.problem}` : "";
}

async function runCase(c: PlannedCase, ctx: CaseContext): Promise<CaseResult> {
  await turn();
  const rendered = render(ctx.content, ctx.declared, c.variables);
  if (!rendered.ok) return failedCase(c.name, rendered.error, null);
  if (!ctx.settings.ok) return failedCase(c.name, ctx.settings.error, null);
  const { model, temperature, maxTokens } = ctx.settings;
  const started = performance.now();
  try {
    // Echo answers what it is sent: a case's echo output stands in for a model's answer. The
    // template was rendered all the same, so a missing variable still fails the case.
    const echoed = ctx.provider.name === "echo" && c.echoOutput !== null ? c.echoOutput : rendered.text;
    const completion = await ctx.provider.complete({
      messages: rendered.messages,
      text: echoed,
      model,
      temperature,
      maxTokens,
      tools: ctx.contract.tools,
      responseFormat: ctx.contract.responseFormat,
      timeoutMs: ctx.timeoutMs,
      signal: ctx.signal,
    });
    const latencyMs = Math.round(performance.now() - started);
    const assertions = await checkAll(completion.output, c.assertions, ctx);
    if (assertions instanceof CaseError) return failedCase(c.name, assertions.message, latencyMs);
    if (ctx.schema) assertions.push(checkSchema(completion.output, ctx.schema));
    const status = caseStatus(null, assertions);
    const output = storedOutput(completion.output);
    return { case: c.name, status, output, error: null, latencyMs, tokens: completion.tokens, assertions };
  } catch (error) {
    // A ProviderError's message is safe to show; anything else is a bug whose text may not be.
    const message = error instanceof ProviderError ? error.message : "The provider failed unexpectedly";
    return failedCase(c.name, message, Math.round(performance.now() - started));
  }
}

/** The output against the response schema: JSON (one Markdown fence allowed) that the schema accepts. */
function checkSchema(output: string, schema: NonNullable<CaseContext["schema"]>): AssertionResult {
  const parsed = parseJsonOutput(output);
  if (!parsed.ok)
    return { type: "schema", value: schema.name, passed: false, message: `The output is not JSON: ${parsed.error}` };
  const problem = schema.check(parsed.value);
  return problem
    ? { type: "schema", value: schema.name, passed: false, message: `Does not match schema ${schema.name}: ${problem}` }
    : { type: "schema", value: schema.name, passed: true, message: `Matches schema ${schema.name}` };
}

function failedCase(name: string, error: string, latencyMs: number | null): CaseResult {
  return { case: name, status: "error", output: null, error, latencyMs, tokens: null, assertions: [] };
}

/** Why a case could not be checked: a regex over its budget, a judge that could not grade. */
class CaseError {
  constructor(readonly message: string) {}
}

/** One assertion after the other, so a long output never holds the event loop for all of them. */
async function checkAll(
  output: string,
  assertions: Assertion[],
  ctx: CaseContext,
): Promise<AssertionResult[] | CaseError> {
  const results: AssertionResult[] = [];
  for (const assertion of assertions) {
    await turn();
    if (assertion.type === "judge") {
      const graded = await judge(output, assertion, ctx);
      if (graded instanceof CaseError) return graded;
      results.push(graded);
      continue;
    }
    try {
      results.push(await evaluate(output, assertion, ctx.testRegex));
    } catch (error) {
      if (error instanceof RegexTimeout) return new CaseError(error.message);
      throw error;
    }
  }
  return results;
}

/**
 * The judge (docs/evaluate.md#the-judge): the stage environment's model grades the output
 * against the rubric with the fixed grader prompt and answers `{score, reason}`. No model
 * (echo), a failed call or a malformed grade is the case's error, never a pass.
 */
async function judge(
  output: string,
  assertion: JudgeAssertion,
  ctx: CaseContext,
): Promise<AssertionResult | CaseError> {
  if (ctx.provider.name === "echo")
    return new CaseError(
      "A judge assertion needs a model: this stage's environment uses echo, which grades nothing (set its provider to openai in Settings)",
    );
  let answer: string;
  try {
    const user = graderUserMessage(assertion.value, output);
    const completion = await ctx.provider.complete({
      messages: [
        { role: "system", content: GRADER_SYSTEM_PROMPT },
        { role: "user", content: user },
      ],
      text: user,
      model: ctx.environment.model,
      temperature: 0,
      responseFormat: { type: "json_object" },
      timeoutMs: ctx.timeoutMs,
      signal: ctx.signal,
    });
    answer = completion.output;
  } catch (error) {
    const message = error instanceof ProviderError ? error.message : "The provider failed unexpectedly";
    return new CaseError(`The judge could not grade: ${message}`);
  }
  const parsed = parseGrade(answer);
  if (!parsed.ok) return new CaseError(parsed.error);
  const { score, reason } = parsed.grade;
  const { value, threshold } = assertion;
  const passed = score >= threshold;
  const message = judgeMessage(parsed.grade, threshold);
  return { type: "judge", value, passed, message, score, reason, threshold, grader: GRADER_VERSION };
}

/**
 * The output as stored: whole up to 64 KiB, else cut at a character boundary with a marker
 * saying how much was left out, the whole at most MAX_STORED_OUTPUT_BYTES.
 */
export function storedOutput(output: string): string {
  const bytes = Buffer.byteLength(output, "utf8");
  if (bytes <= MAX_STORED_OUTPUT_BYTES) return output;
  const marker = (kept: number) => `\n…[cut: ${(bytes - kept).toLocaleString("en")} more bytes not stored]`;
  const room = MAX_STORED_OUTPUT_BYTES - Buffer.byteLength(marker(0), "utf8");
  // Decoding a cut buffer could end in half a character: drop it (U+FFFD) rather than store it.
  const kept = Buffer.from(output, "utf8")
    .subarray(0, room)
    .toString("utf8")
    .replace(/\uFFFD$/, "");
  const keptBytes = Buffer.byteLength(kept, "utf8");
  return `${kept}${marker(keptBytes)}`;
}

/** Maps with at most `limit` calls in flight, keeping the input order. `fn` must not throw. */
async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

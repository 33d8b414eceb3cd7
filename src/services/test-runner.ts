import { type Assertion, evaluate } from "../domain/assertions.js";
import type { Config } from "../domain/content.js";
import { type ModelSettings, modelSettings } from "../domain/model-settings.js";
import { renderTemplate } from "../domain/template.js";
import { caseStatus, runStatus, type TestStatus } from "../domain/test-outcome.js";
import { type Provider, ProviderError } from "../providers/index.js";
import type { CaseResult, Environment } from "./testing.model.js";

/** Cases of one TEST call their provider at most this many at a time. */
export const CASE_CONCURRENCY = 4;
/** Outputs are stored up to this many characters; assertions see the whole output. */
export const MAX_STORED_OUTPUT = 100_000;

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
  plan: { body: string; config: Config; environment: Environment; cases: PlannedCase[] },
  provider: Provider,
  options: { concurrency?: number; signal?: AbortSignal } = {},
): Promise<Execution> {
  const settings = modelSettings(plan.config, plan.environment.model);
  const started = performance.now();
  const results = await mapLimit(plan.cases, options.concurrency ?? CASE_CONCURRENCY, (c) =>
    runCase(c, { body: plan.body, settings, provider, timeoutMs: plan.environment.timeoutMs, signal: options.signal }),
  );
  return {
    model: settings.model,
    status: runStatus(results),
    durationMs: Math.round(performance.now() - started),
    results,
  };
}

interface CaseContext {
  body: string;
  settings: ModelSettings;
  provider: Provider;
  timeoutMs: number;
  signal: AbortSignal | undefined;
}

async function runCase(c: PlannedCase, ctx: CaseContext): Promise<CaseResult> {
  const rendered = renderTemplate(ctx.body, c.variables);
  if (!rendered.ok) {
    const plural = rendered.missing.length > 1 ? "s" : "";
    return failedCase(c.name, `Missing template variable${plural}: ${rendered.missing.join(", ")}`, null);
  }
  if (!ctx.settings.ok) return failedCase(c.name, ctx.settings.error, null);
  const { model, temperature, maxTokens } = ctx.settings;
  const started = performance.now();
  try {
    // Echo answers what it is sent: a case's echo output stands in for a model's answer. The
    // template was rendered all the same, so a missing variable still fails the case.
    const echoed = ctx.provider.name === "echo" && c.echoOutput !== null ? c.echoOutput : rendered.text;
    const completion = await ctx.provider.complete({
      prompt: echoed,
      model,
      temperature,
      maxTokens,
      timeoutMs: ctx.timeoutMs,
      signal: ctx.signal,
    });
    const latencyMs = Math.round(performance.now() - started);
    const assertions = c.assertions.map((a) => evaluate(completion.output, a));
    const status = caseStatus(null, assertions);
    const output = storedOutput(completion.output);
    return { case: c.name, status, output, error: null, latencyMs, tokens: completion.tokens, assertions };
  } catch (error) {
    // A ProviderError's message is safe to show; anything else is a bug whose text may not be.
    const message = error instanceof ProviderError ? error.message : "The provider failed unexpectedly";
    return failedCase(c.name, message, Math.round(performance.now() - started));
  }
}

function failedCase(name: string, error: string, latencyMs: number | null): CaseResult {
  return { case: name, status: "error", output: null, error, latencyMs, tokens: null, assertions: [] };
}

function storedOutput(output: string): string {
  if (output.length <= MAX_STORED_OUTPUT) return output;
  const more = output.length - MAX_STORED_OUTPUT;
  return `${output.slice(0, MAX_STORED_OUTPUT)}\n…[${more.toLocaleString("en")} more characters not stored]`;
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

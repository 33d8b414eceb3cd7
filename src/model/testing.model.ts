import type { Assertion, AssertionResult } from "../domain/assertions.js";
import type { Stage } from "../domain/stage.js";
import type { RunFacts, TestStatus } from "../domain/test-outcome.js";

/** docs/api.md environment: the settings of one stage; `apiKeyEnv` is a variable NAME, never a key. */
export interface Environment {
  provider: "echo" | "openai";
  baseUrl: string;
  model: string;
  apiKeyEnv: string | null;
  timeoutMs: number;
  /** true: a passing run of this content; "no-regression": that and a comparison with nothing broken. */
  gate: boolean | "no-regression";
  /** How many people other than the requester approve a promotion into this stage (0–3; docs/reviews.md). */
  approvals: number;
}

export type Environments = Record<Stage, Environment>;

/**
 * docs/api.md test case. `value` is null for `json`. `echoOutput` is what the echo provider answers
 * for the case instead of the rendered prompt (null: the rendered prompt).
 */
export interface TestCase {
  id: number;
  name: string;
  variables: Record<string, string>;
  assertions: Assertion[];
  echoOutput: string | null;
}

/** Token counts as providers report them; null when the provider reports none (echo). */
export interface Tokens {
  prompt: number;
  completion: number;
  total: number;
}

/** One case of a run: `output` is null when no output was produced, `error` null when none. */
export interface CaseResult {
  case: string;
  status: TestStatus;
  output: string | null;
  error: string | null;
  latencyMs: number | null;
  tokens: Tokens | null;
  assertions: AssertionResult[];
}

/** docs/api.md test run; `version` is "2.3". */
export interface TestRun {
  id: number;
  version: string;
  revision: number;
  contentHash: string;
  stage: Stage;
  provider: "echo" | "openai";
  model: string;
  status: TestStatus;
  startedAt: string;
  durationMs: number;
  results: CaseResult[];
}

/** What the version page shows next to Test: the latest run and whether it still applies. */
export interface TestStatusView {
  latest: TestRun | null;
  /** True when the latest run tested this exact content in this version's current stage. */
  fresh: boolean;
  /** "passed on revision 3", "failed on revision 2 — edited since", "Not tested yet". */
  summary: string;
}

/** Whether a version may be promoted now, as the Promote button needs it. */
export interface GateStatus {
  /** The stage a promotion goes to; null on PROD. */
  target: Stage | null;
  /** Whether the target stage's environment has `gate: true`. */
  gated: boolean;
  allowed: boolean;
  /** Tooltip for a disabled Promote button ("Needs a passing test of this revision"), else null. */
  reason: string | null;
  /** A full sentence: what is missing and what to do, or which run satisfies the gate. */
  detail: string | null;
  /** The run the gate looked at: the latest of this content in the current stage, or null. */
  run: RunFacts | null;
}

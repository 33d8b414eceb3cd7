import type { EnvironmentRow, TestCaseRow, TestRunRow } from "../db/schema.js";
import type { Assertion, AssertionResult } from "../domain/assertions.js";
import type { Stage } from "../domain/stage.js";
import type { RunFacts, TestStatus } from "../domain/test-outcome.js";
import { formatVersion } from "../domain/version-number.js";
import type { Tokens } from "../providers/index.js";

/** SPEC §3 environment: the settings of one stage; `apiKeyEnv` is a variable NAME, never a key. */
export interface Environment {
  provider: "echo" | "openai";
  baseUrl: string;
  model: string;
  apiKeyEnv: string | null;
  timeoutMs: number;
  gate: boolean;
}

export type Environments = Record<Stage, Environment>;

/**
 * SPEC §3 test case. `value` is null for `json`. `echoOutput` is what the echo provider answers
 * for the case instead of the rendered prompt (null: the rendered prompt).
 */
export interface TestCase {
  id: number;
  name: string;
  variables: Record<string, string>;
  assertions: Assertion[];
  echoOutput: string | null;
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

/** SPEC §3 test run; `version` is "2.3". */
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

export function rowToEnvironment(row: EnvironmentRow): Environment {
  return {
    provider: row.provider,
    baseUrl: row.base_url,
    model: row.model,
    apiKeyEnv: row.api_key_env,
    timeoutMs: row.timeout_ms,
    gate: row.gate === 1,
  };
}

export function rowToTestCase(row: TestCaseRow): TestCase {
  return {
    id: row.id,
    name: row.name,
    variables: JSON.parse(row.variables) as Record<string, string>,
    assertions: JSON.parse(row.assertions) as Assertion[],
    echoOutput: row.echo_output,
  };
}

export function rowToTestRun(row: TestRunRow, version: { major: number; minor: number }): TestRun {
  return {
    id: row.id,
    version: formatVersion(version),
    revision: row.revision,
    contentHash: row.content_hash,
    stage: row.stage,
    provider: row.provider,
    model: row.model,
    status: row.status,
    startedAt: row.started_at,
    durationMs: row.duration_ms,
    results: JSON.parse(row.results) as CaseResult[],
  };
}

export function runFacts(row: TestRunRow): RunFacts {
  return {
    id: row.id,
    status: row.status,
    stage: row.stage,
    revision: row.revision,
    contentHash: row.content_hash,
  };
}

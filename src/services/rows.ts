import type { EnvironmentRow, RevisionRow, TestCaseRow, TestRunRow, VersionRow } from "../db/schema.js";
import type { PromptType } from "../domain/chat.js";
import { contentOf } from "../domain/prompt-content.js";
import { allowedActions } from "../domain/stage.js";
import type { RunFacts } from "../domain/test-outcome.js";
import { formatVersion } from "../domain/version-number.js";
import type { Environment, TestCase, TestRun } from "../model/testing.model.js";
import type { Revision, Version, VersionSummary } from "../model/version.model.js";
import type { CurrentVersionRow } from "../store/versions.store.js";
import { COLUMNS, readColumn, readContract } from "./columns.js";

/** The prompt a version belongs to, as far as reading its rows needs: its name, and what `body` holds. */
export interface PromptRef {
  name: string;
  type: PromptType;
}

/** Rows as stored (snake_case, JSON text, 0/1) → the model objects services hand out. */
export function rowToVersion(prompt: PromptRef, row: VersionRow): Version {
  const current = row.is_current === 1;
  return {
    id: row.id,
    promptId: row.prompt_id,
    prompt: prompt.name,
    version: formatVersion(row),
    seq: row.seq,
    major: row.major,
    minor: row.minor,
    stage: row.stage,
    current,
    ...contentOf(prompt.type, row.body),
    config: readColumn(COLUMNS.config, row.config, "config"),
    contract: readContract(row.variables, row.tools, row.response_format),
    revision: row.revision,
    contentHash: row.content_hash,
    createdFrom: row.created_from,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    editedAt: row.edited_at || row.created_at,
    actions: allowedActions({ stage: row.stage, current }),
  };
}

/** A rail row that carries its body (the one a preview diffs against) as a whole version. */
export function currentRowToVersion(prompt: PromptRef, row: CurrentVersionRow): Version | null {
  return row.body === null ? null : rowToVersion(prompt, { ...row, body: row.body });
}

export function rowToSummary(row: {
  seq: number;
  major: number;
  minor: number;
  stage: VersionRow["stage"];
  is_current: number;
  revision: number;
  created_from: string | null;
  updated_at: string;
  edited_at: string;
}): VersionSummary {
  return {
    version: formatVersion(row),
    seq: row.seq,
    stage: row.stage,
    current: row.is_current === 1,
    revision: row.revision,
    createdFrom: row.created_from,
    updatedAt: row.updated_at,
    editedAt: row.edited_at || row.updated_at,
  };
}

export function rowToEnvironment(row: EnvironmentRow): Environment {
  return {
    provider: row.provider,
    baseUrl: row.base_url,
    model: row.model,
    apiKeyEnv: row.api_key_env,
    timeoutMs: row.timeout_ms,
    gate: row.no_regression === 1 ? "no-regression" : row.gate === 1,
    approvals: row.approvals,
  };
}

export function rowToTestCase(row: TestCaseRow): TestCase {
  return {
    id: row.id,
    name: row.name,
    variables: readColumn(COLUMNS.variables, row.variables, "test case variables"),
    assertions: readColumn(COLUMNS.assertions, row.assertions, "assertions"),
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
    results: readColumn(COLUMNS.results, row.results, "test run results"),
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

/** A stored revision as the model hands it out: its content by the prompt's type. */
export function rowToRevision(type: PromptType, row: RevisionRow): Revision {
  return {
    revision: row.revision,
    ...contentOf(type, row.body),
    config: readColumn(COLUMNS.config, row.config, "config"),
    contract: readContract(row.variables, row.tools, row.response_format),
    contentHash: row.content_hash,
    savedAt: row.saved_at,
    actor: row.actor,
  };
}

import type { TestRunRow, VersionRow } from "../db/schema.js";
import { DomainError } from "../domain/errors.js";
import { contentOf } from "../domain/prompt-content.js";
import { effectiveVariables } from "../domain/render.js";
import type { Stage } from "../domain/stage.js";
import { AD_HOC, includesAdHoc, staleness } from "../domain/test-outcome.js";
import { formatVersion } from "../domain/version-number.js";
import type { TestRun, TestStatusView } from "../model/testing.model.js";
import type { Version } from "../model/version.model.js";
import { createProvider, type EnvLookup, processEnv } from "../providers/index.js";
import { findAdhocVariables, rememberAdhocVariables } from "../store/adhoc-variables.store.js";
import { appendEvent } from "../store/events.store.js";
import { listTestCases } from "../store/test-cases.store.js";
import { findTestRuns, insertTestRun, latestTestRun, listTestRunSizes } from "../store/test-runs.store.js";
import { findVersionById } from "../store/versions.store.js";
import { affordable } from "./byte-budget.js";
import { COLUMNS, readColumn, readContract } from "./columns.js";
import { type Actor, eventActor, isoNow, LOCAL, requireRole, requireVersion, type ServiceDeps } from "./context.js";
import { environmentOf } from "./environments.service.js";
import { idPageInput } from "./inputs.js";
import { parseInput } from "./parse.js";
import { rowToTestCase, rowToTestRun, rowToVersion } from "./rows.js";
import { gateStatus } from "./test-gate.js";
import { type Execution, executeCases, type PlannedCase } from "./test-runner.js";
import { MAX_VARIABLES, runInput } from "./testing.inputs.js";
import { inTransaction, type Tx } from "./transaction.js";

export interface TestingDeps extends ServiceDeps {
  /** Where API keys are read, by variable name, at call time; process.env unless injected. */
  env?: EnvLookup;
  /** The fetch the openai provider uses; global fetch unless injected. */
  fetch?: typeof fetch;
  /** Cases in flight at once per TEST. */
  concurrency?: number;
}

const MAX_REMEMBERED_BYTES = 1_000_000;
/** A page of runs loads whole runs until their stored results reach this size (at least one run): bounded answers. */
export const MAX_LIST_RESULT_BYTES = 512 * 1024;

type Variables = Record<string, string>;

/** The latest run of a version (any stage) and whether it still applies to its content and stage. */
export function statusView(version: Version, newest: TestRunRow | null): TestStatusView {
  const latest = newest ? rowToTestRun(newest, version) : null;
  return { latest, ...staleness(version, latest) };
}

/**
 * One input per variable (a chat prompt's placeholders included), in the order the content uses
 * them, prefilled from the variables remembered for the prompt (JSON text, or null when none).
 */
export function adHocInputs(names: string[], remembered: string | null): Variables {
  const values = remembered ? readColumn(COLUMNS.variables, remembered, "remembered variables") : {};
  return Object.fromEntries(names.map((name) => [name, values[name] ?? ""]));
}

/** What a run's execution produced, to store; `stage`: the environment it ran in (the version's own stage unless said). */
export interface StoredRun {
  startedAt: string;
  provider: "echo" | "openai";
  execution: Execution;
  stage?: Stage;
}

/**
 * Stores a run with its `version.tested` event in `tx`. The version may have been deleted,
 * edited or promoted while its cases ran: the run records what was actually tested (revision,
 * hash, stage), never the newer state; a deleted version is not_found.
 */
export async function storeRun(
  tx: Tx,
  tested: VersionRow,
  label: string,
  run: StoredRun,
  by: Actor,
  now: string,
): Promise<TestRun> {
  const still = await findVersionById(tx, tested.id);
  if (!still) throw new DomainError("not_found", `v${label} was deleted while its test ran; the run was not stored`);
  const { execution } = run;
  const stage = run.stage ?? tested.stage;
  const id = await insertTestRun(tx, {
    version_id: tested.id,
    revision: tested.revision,
    content_hash: tested.content_hash,
    stage,
    provider: run.provider,
    model: execution.model,
    status: execution.status,
    started_at: run.startedAt,
    duration_ms: execution.durationMs,
    results: JSON.stringify(execution.results),
  });
  await appendEvent(tx, {
    promptId: tested.prompt_id,
    at: now,
    ...eventActor(by),
    type: "version.tested",
    version: label,
    detail: {
      run: id,
      status: execution.status,
      stage,
      revision: tested.revision,
      contentHash: tested.content_hash,
      provider: run.provider,
      model: execution.model,
    },
  });
  // Built from what was just stored, not read back: reparsing megabytes of results held the
  // event loop for nothing.
  return {
    id,
    version: label,
    revision: tested.revision,
    contentHash: tested.content_hash,
    stage,
    provider: run.provider,
    model: execution.model,
    status: execution.status,
    startedAt: run.startedAt,
    durationMs: execution.durationMs,
    results: execution.results,
  };
}

export function createTestRunsService(deps: TestingDeps) {
  const { db } = deps;

  async function plan(promptId: number, variables: Variables | undefined): Promise<PlannedCase[]> {
    const testCases = (await listTestCases(db, promptId)).map(rowToTestCase);
    const cases: PlannedCase[] = testCases.map(({ name, variables, assertions, echoOutput }) => ({
      name,
      variables,
      assertions,
      echoOutput,
    }));
    if (!includesAdHoc(variables, testCases.length)) return cases;
    const given = variables && Object.keys(variables).length > 0 ? variables : await remembered(promptId);
    return [{ name: AD_HOC, variables: given, assertions: [], echoOutput: null }, ...cases];
  }

  async function remembered(promptId: number): Promise<Variables> {
    const text = await findAdhocVariables(db, promptId);
    return text ? readColumn(COLUMNS.variables, text, "remembered variables") : {};
  }

  async function store(
    tested: VersionRow,
    label: string,
    run: StoredRun,
    variables: Variables | undefined,
    by: Actor,
  ): Promise<TestRun> {
    const now = isoNow(deps);
    return inTransaction(db, async (tx) => {
      const stored = await storeRun(tx, tested, label, run, by, now);
      if (variables && Object.keys(variables).length > 0) await remember(tx, tested.prompt_id, variables, now);
      return stored;
    });
  }

  /** Newer values win; older names stay remembered unless that would grow past the limits. */
  async function remember(tx: Tx, promptId: number, variables: Variables, now: string): Promise<void> {
    const before = await findAdhocVariables(tx, promptId);
    const merged = { ...(before ? readColumn(COLUMNS.variables, before, "remembered variables") : {}), ...variables };
    const text = JSON.stringify(merged);
    const fits = Object.keys(merged).length <= MAX_VARIABLES && Buffer.byteLength(text) <= MAX_REMEMBERED_BYTES;
    await rememberAdhocVariables(tx, promptId, fits ? text : JSON.stringify(variables), now);
  }

  return {
    /**
     * TEST (docs/rules.md, TEST): runs every test case of the prompt, plus the ad-hoc case "ad-hoc" when
     * `variables` is a non-empty object (which is then remembered for the prompt) or the prompt
     * has no test cases (then the remembered variables feed it), against the version in its own
     * stage's environment, and stores the run with a `version.tested` event. Provider calls
     * happen outside any transaction; a failure or timeout is a case `error`, never a throw.
     * Throws not_found if the version is deleted before the run can be stored.
     */
    async run(promptName: string, version: string, input: unknown = {}, by: Actor = LOCAL): Promise<TestRun> {
      requireRole(by, "edit");
      const { variables } = parseInput(runInput, input);
      const { prompt, row } = await requireVersion(db, promptName, version);
      const environment = await environmentOf(db, row.stage);
      const cases = await plan(prompt.id, variables);
      const startedAt = isoNow(deps);
      const provider = createProvider(environment, {
        env: deps.env ?? processEnv,
        ...(deps.fetch && { fetch: deps.fetch }),
      });
      const content = contentOf(prompt.type, row.body);
      const config = readColumn(COLUMNS.config, row.config, "config");
      const contract = readContract(row.variables, row.tools, row.response_format);
      const execution = await executeCases({ content, config, contract, environment, cases }, provider, {
        owner: prompt.name,
        ...(deps.concurrency !== undefined && { concurrency: deps.concurrency }),
      });
      return store(row, formatVersion(row), { startedAt, provider: provider.name, execution }, variables, by);
    },

    /**
     * A version's runs, newest first; `cursor` continues below the last run of a page. A page
     * holds at most `limit` runs and stops early once their stored results pass
     * MAX_LIST_RESULT_BYTES, so a list of large runs never loads more than that at once.
     */
    async list(
      promptName: string,
      version: string,
      input: unknown = {},
    ): Promise<{ runs: TestRun[]; nextCursor: string | null }> {
      const { limit, cursor: before } = parseInput(idPageInput, input);
      const { row } = await requireVersion(db, promptName, version);
      const sizes = await listTestRunSizes(db, row.id, { before, limit: limit + 1 });
      const page = sizes.slice(0, Math.min(limit, affordable(sizes, MAX_LIST_RESULT_BYTES)));
      const rows = await findTestRuns(
        db,
        page.map((r) => r.id),
      );
      const last = page.at(-1);
      return {
        runs: rows.map((r) => rowToTestRun(r, row)),
        nextCursor: sizes.length > page.length && last ? String(last.id) : null,
      };
    },

    /** The latest run of a version (any stage) and whether it still applies to its content and stage. */
    async status(promptName: string, version: string): Promise<TestStatusView> {
      const { prompt, row } = await requireVersion(db, promptName, version);
      return statusView(rowToVersion(prompt, row), (await latestTestRun(db, row.id)) ?? null);
    },

    /** docs/rules.md, TEST gate, without throwing: whether Promote is allowed now, and why not. */
    async gateStatus(promptName: string, version: string) {
      const { prompt, row } = await requireVersion(db, promptName, version);
      return gateStatus(db, rowToVersion(prompt, row));
    },

    /** The ad-hoc inputs of a version's Test form (see adHocInputs). */
    async adHocVariables(promptName: string, version: string): Promise<Variables> {
      const { prompt, row } = await requireVersion(db, promptName, version);
      const subject = rowToVersion(prompt, row);
      const names = effectiveVariables(subject, subject.contract).map((v) => v.name);
      return adHocInputs(names, await findAdhocVariables(db, prompt.id));
    },
  };
}

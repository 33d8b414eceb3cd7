import type { VersionRow } from "../db/schema.js";
import type { Config } from "../domain/content.js";
import { DomainError } from "../domain/errors.js";
import { templateVariables } from "../domain/template.js";
import { AD_HOC, includesAdHoc, staleness } from "../domain/test-outcome.js";
import { formatVersion } from "../domain/version-number.js";
import { createProvider, type EnvLookup, processEnv } from "../providers/index.js";
import { findAdhocVariables, rememberAdhocVariables } from "../store/adhoc-variables.store.js";
import { appendEvent } from "../store/events.store.js";
import { listTestCases } from "../store/test-cases.store.js";
import { findTestRun, insertTestRun, latestTestRun, listTestRuns } from "../store/test-runs.store.js";
import { inTransaction, type Tx } from "../store/transaction.js";
import { findVersionById } from "../store/versions.store.js";
import { type Actor, isoNow, LOCAL, requireVersion, type ServiceDeps } from "./context.js";
import { environmentOf } from "./environments.service.js";
import { idPageInput } from "./inputs.js";
import { rowToVersion } from "./model.js";
import { parseInput } from "./parse.js";
import { type GateStatus, gateStatus } from "./test-gate.js";
import { type Execution, executeCases, type PlannedCase } from "./test-runner.js";
import { MAX_VARIABLES, type RunInput, runInput } from "./testing.inputs.js";
import { rowToTestCase, rowToTestRun, type TestRun } from "./testing.model.js";

export interface TestingDeps extends ServiceDeps {
  /** Where API keys are read, by variable name, at call time; process.env unless injected. */
  env?: EnvLookup;
  /** The fetch the openai provider uses; global fetch unless injected. */
  fetch?: typeof fetch;
  /** Cases in flight at once per TEST. */
  concurrency?: number;
}

/** What the version page shows next to Test: the latest run and whether it still applies. */
export interface TestStatusView {
  latest: TestRun | null;
  /** True when the latest run tested this exact content in this version's current stage. */
  fresh: boolean;
  /** "passed on revision 3", "failed on revision 2 — edited since", "Not tested yet". */
  summary: string;
}

const MAX_REMEMBERED_BYTES = 1_000_000;

type Variables = Record<string, string>;

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
    return text ? (JSON.parse(text) as Variables) : {};
  }

  async function store(
    tested: VersionRow,
    label: string,
    run: { startedAt: string; provider: "echo" | "openai"; execution: Execution },
    variables: Variables | undefined,
    by: Actor,
  ): Promise<TestRun> {
    const now = isoNow(deps);
    return inTransaction(db, async (tx) => {
      // The version may have been deleted, edited or promoted while its cases ran: the run
      // records what was actually tested (revision, hash, stage), never the newer state.
      const still = await findVersionById(tx, tested.id);
      if (!still)
        throw new DomainError("not_found", `v${label} was deleted while its test ran; the run was not stored`);
      const { execution } = run;
      const id = await insertTestRun(tx, {
        version_id: tested.id,
        revision: tested.revision,
        content_hash: tested.content_hash,
        stage: tested.stage,
        provider: run.provider,
        model: execution.model,
        status: execution.status,
        started_at: run.startedAt,
        duration_ms: execution.durationMs,
        results: JSON.stringify(execution.results),
      });
      if (variables && Object.keys(variables).length > 0) await remember(tx, tested.prompt_id, variables, now);
      await appendEvent(tx, {
        promptId: tested.prompt_id,
        at: now,
        actor: by.actor,
        type: "version.tested",
        version: label,
        detail: {
          run: id,
          status: execution.status,
          stage: tested.stage,
          revision: tested.revision,
          contentHash: tested.content_hash,
          provider: run.provider,
          model: execution.model,
        },
      });
      const row = await findTestRun(tx, id);
      if (!row) throw new Error(`test run ${id} vanished inside its own transaction`);
      return rowToTestRun(row, tested);
    });
  }

  /** Newer values win; older names stay remembered unless that would grow past the limits. */
  async function remember(tx: Tx, promptId: number, variables: Variables, now: string): Promise<void> {
    const before = await findAdhocVariables(tx, promptId);
    const merged = { ...(before ? (JSON.parse(before) as Variables) : {}), ...variables };
    const text = JSON.stringify(merged);
    const fits = Object.keys(merged).length <= MAX_VARIABLES && Buffer.byteLength(text) <= MAX_REMEMBERED_BYTES;
    await rememberAdhocVariables(tx, promptId, fits ? text : JSON.stringify(variables), now);
  }

  return {
    /**
     * TEST (SPEC §2): runs every test case of the prompt, plus the ad-hoc case "ad-hoc" when
     * `variables` is a non-empty object (which is then remembered for the prompt) or the prompt
     * has no test cases (then the remembered variables feed it), against the version in its own
     * stage's environment, and stores the run with a `version.tested` event. Provider calls
     * happen outside any transaction; a failure or timeout is a case `error`, never a throw.
     * Throws not_found if the version is deleted before the run can be stored.
     */
    async run(promptName: string, version: string, input: RunInput = {}, by: Actor = LOCAL): Promise<TestRun> {
      const { variables } = parseInput(runInput, input);
      const { prompt, row } = await requireVersion(db, promptName, version);
      const environment = await environmentOf(db, row.stage);
      const cases = await plan(prompt.id, variables);
      const startedAt = isoNow(deps);
      const provider = createProvider(environment, {
        env: deps.env ?? processEnv,
        ...(deps.fetch && { fetch: deps.fetch }),
      });
      const body = row.body;
      const config = JSON.parse(row.config) as Config;
      const execution = await executeCases({ body, config, environment, cases }, provider, {
        ...(deps.concurrency !== undefined && { concurrency: deps.concurrency }),
      });
      return store(row, formatVersion(row), { startedAt, provider: provider.name, execution }, variables, by);
    },

    /** A version's runs, newest first; `cursor` continues below the last run of a page. */
    async list(
      promptName: string,
      version: string,
      input: { limit?: number; cursor?: string } = {},
    ): Promise<{ runs: TestRun[]; nextCursor: string | null }> {
      const { limit, cursor: before } = parseInput(idPageInput, input);
      const { row } = await requireVersion(db, promptName, version);
      const rows = await listTestRuns(db, row.id, { before, limit: limit + 1 });
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        runs: page.map((r) => rowToTestRun(r, row)),
        nextCursor: rows.length > limit && last ? String(last.id) : null,
      };
    },

    /** The latest run of a version (any stage) and whether it still applies to its content and stage. */
    async status(promptName: string, version: string): Promise<TestStatusView> {
      const { row } = await requireVersion(db, promptName, version);
      const latest = await latestTestRun(db, row.id);
      const run = latest ? rowToTestRun(latest, row) : null;
      const { fresh, summary } = staleness({ stage: row.stage, contentHash: row.content_hash }, run);
      return { latest: run, fresh, summary };
    },

    /** SPEC §2 gate, without throwing: whether Promote is allowed now, and why not. */
    async gateStatus(promptName: string, version: string): Promise<GateStatus> {
      const { row } = await requireVersion(db, promptName, version);
      return gateStatus(db, rowToVersion(promptName, row));
    },

    /**
     * One input per template variable of the version, prefilled with the value remembered for
     * the prompt (or ""), in the order the template uses them.
     */
    async adHocVariables(promptName: string, version: string): Promise<Variables> {
      const { prompt, row } = await requireVersion(db, promptName, version);
      const values = await remembered(prompt.id);
      return Object.fromEntries(templateVariables(row.body).map((name) => [name, values[name] ?? ""]));
    },
  };
}

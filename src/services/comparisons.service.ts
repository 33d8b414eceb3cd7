import { structuredPatch } from "diff";
import { z } from "zod";
import type { ComparisonRow, PromptRow, VersionRow } from "../db/schema.js";
import type { AssertionResult } from "../domain/assertions.js";
import {
  type CaseChange,
  CHANGE_ORDER,
  caseChange,
  type SideTotals,
  sideTotals,
  summaryLine,
} from "../domain/comparison.js";
import { DomainError } from "../domain/errors.js";
import { contentOf } from "../domain/prompt-content.js";
import { nextStage, parseStage, type Stage } from "../domain/stage.js";
import type { TestStatus } from "../domain/test-outcome.js";
import { formatVersion } from "../domain/version-number.js";
import type {
  CaseSide,
  ComparedCase,
  Comparison,
  ComparisonItem,
  ComparisonSummary,
} from "../model/comparison.model.js";
import type { CaseResult, Tokens } from "../model/testing.model.js";
import { boundedProvider, Slots } from "../providers/bounded.js";
import { createProvider, processEnv } from "../providers/index.js";
import {
  failComparison,
  findComparison,
  finishComparison,
  insertComparison,
  latestComparison,
  listComparisons,
  updateProgress,
} from "../store/comparisons.store.js";
import { listTestCases } from "../store/test-cases.store.js";
import { findTestRuns } from "../store/test-runs.store.js";
import { inTransaction } from "../store/transaction.js";
import { findCurrent, findVersionById } from "../store/versions.store.js";
import { COLUMNS, readColumn, readContract, testStatusSchema, tokensSchema } from "./columns.js";
import { type Actor, isoNow, LOCAL, requirePrompt, requireRole, requireVersion } from "./context.js";
import { environmentOf } from "./environments.service.js";
import { idPageInput, pageInput } from "./inputs.js";
import { parseInput } from "./parse.js";
import { rowToTestCase } from "./rows.js";
import { executeCases, type PlannedCase } from "./test-runner.js";
import { storeRun, type TestingDeps } from "./test-runs.service.js";

/** Model calls in flight at once per stage environment, across every comparison. */
export const ENVIRONMENT_CONCURRENCY = 4;
/** A comparison that has not moved for this long was cut short (the server stopped under it). */
const INTERRUPTED_AFTER_MS = 25 * 60 * 1000;

const slotsByStage = new Map<Stage, Slots>();
function slotsOf(stage: Stage): Slots {
  const slots = slotsByStage.get(stage) ?? new Slots(ENVIRONMENT_CONCURRENCY);
  slotsByStage.set(stage, slots);
  return slots;
}

const versionText = z.string().trim().min(1, "Name a version, e.g. 2.1").max(30, "Not a version number");
export const comparisonInput = z.strictObject({
  candidate: versionText,
  /** A version of the same prompt ("1.3"), a stage's current version ("PROD"), or `{prompt, version}`; absent or "": the default. */
  baseline: z
    .union([
      versionText,
      z.literal("").transform(() => undefined),
      z.strictObject({ prompt: z.string().max(100), version: versionText }),
    ])
    .optional(),
});

const RANK: Record<Stage, number> = { DEV: 0, TST: 1, PROD: 2 };

/** What is stored per case: no outputs (they stay in the two runs). */
interface StoredSide {
  status: TestStatus;
  latencyMs: number | null;
  tokens: Tokens | null;
  score: number | null;
}
interface StoredCase {
  case: string;
  change: CaseChange;
  candidate: StoredSide;
  baseline: StoredSide;
}

/** `comparisons.cases` as compareResults writes it; read back through readColumn (services/columns.ts). */
const storedSideSchema: z.ZodType<StoredSide> = z.object({
  status: testStatusSchema,
  latencyMs: z.number().nullable(),
  tokens: tokensSchema.nullable(),
  score: z.number().nullable(),
});
const changeSchema = z.enum(Object.keys(CHANGE_ORDER) as [CaseChange, ...CaseChange[]]);
export const storedCasesSchema: z.ZodType<StoredCase[]> = z.array(
  z.object({ case: z.string(), change: changeSchema, candidate: storedSideSchema, baseline: storedSideSchema }),
);
const sideTotalsSchema: z.ZodType<SideTotals> = z.object({
  passed: z.int(),
  failed: z.int(),
  errors: z.int(),
  latencyMs: z.number().nullable(),
  tokens: z.number().nullable(),
});
/** `comparisons.summary` as a finished comparison writes it. */
export const summarySchema: z.ZodType<ComparisonSummary> = z.object({
  candidate: sideTotalsSchema,
  baseline: sideTotalsSchema,
  fixed: z.int(),
  broke: z.int(),
  same: z.int(),
  line: z.string(),
});

/** The mean score of a case's judges, or null when it has none. */
function scoreOf(result: CaseResult): number | null {
  const scores = result.assertions.flatMap((a) => (typeof a.score === "number" ? [a.score] : []));
  return scores.length ? Math.round((scores.reduce((n, s) => n + s, 0) / scores.length) * 1000) / 1000 : null;
}

const side = (r: CaseResult): StoredSide => ({
  status: r.status,
  latencyMs: r.latencyMs,
  tokens: r.tokens,
  score: scoreOf(r),
});

/** Case by case, broken first, then fixed, then the rest, each in test case order. */
export function compareResults(candidate: CaseResult[], baseline: CaseResult[]): StoredCase[] {
  const cases = candidate.map((c, index) => {
    const b = baseline[index] as CaseResult;
    return {
      index,
      stored: { case: c.case, change: caseChange(b.status, c.status), candidate: side(c), baseline: side(b) },
    };
  });
  cases.sort((x, y) => CHANGE_ORDER[x.stored.change] - CHANGE_ORDER[y.stored.change] || x.index - y.index);
  return cases.map((c) => c.stored);
}

/** The assertions whose verdict differs, matched by position (both sides ran the same test case). */
function changedAssertions(candidate: AssertionResult[], baseline: AssertionResult[]): ComparedCase["changed"] {
  const changed: ComparedCase["changed"] = [];
  const length = Math.max(candidate.length, baseline.length);
  for (let i = 0; i < length; i++) {
    const c = candidate[i];
    const b = baseline[i];
    const shown = c ?? b;
    if (!shown || (c && b && c.passed === b.passed)) continue;
    changed.push({ type: shown.type, value: shown.value, baseline: b?.passed ?? false, candidate: c?.passed ?? false });
  }
  return changed;
}

/** Outputs diffed line by line, bounded in time like Compare (a long, wholly different output gives up: null). */
function outputDiff(baseline: string | null, candidate: string | null) {
  if (baseline === null || candidate === null || baseline === candidate) return null;
  return (
    structuredPatch("baseline", "candidate", baseline, candidate, undefined, undefined, { context: 3, timeout: 50 }) ??
    null
  );
}

const GONE = "This run is no longer stored (a version keeps its latest 100 runs)";

function caseSide(stored: StoredSide, result: CaseResult | undefined): CaseSide {
  return {
    ...stored,
    output: result?.output ?? null,
    error: result ? result.error : GONE,
    assertions: result?.assertions ?? [],
  };
}

function parseSummary(row: { summary: string | null }): ComparisonSummary | null {
  return row.summary ? readColumn(summarySchema, row.summary, "comparison summary") : null;
}

/** A comparison row as a list shows it (no cases). */
export function itemFields(
  row: Pick<
    ComparisonRow,
    | "id"
    | "stage"
    | "status"
    | "candidate_version"
    | "baseline_version"
    | "total"
    | "progress"
    | "summary"
    | "error"
    | "actor"
    | "started_at"
    | "finished_at"
  > &
    Partial<Pick<ComparisonRow, "candidate_hash" | "baseline_hash" | "candidate_run_id" | "baseline_run_id">>,
  baselineStage: Stage | null = null,
): ComparisonItem {
  const summary = parseSummary(row);
  return {
    id: row.id,
    status: row.status,
    stage: row.stage,
    candidate: {
      version: row.candidate_version,
      contentHash: row.candidate_hash ?? "",
      run: row.candidate_run_id ?? null,
    },
    baseline: {
      version: row.baseline_version,
      stage: baselineStage,
      contentHash: row.baseline_hash ?? "",
      run: row.baseline_run_id ?? null,
    },
    progress: { done: row.progress, total: row.total },
    summary,
    error: row.error,
    actor: row.actor,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}

interface Prepared {
  prompt: PromptRow;
  candidate: VersionRow;
  baseline: VersionRow;
  cases: PlannedCase[];
}

export function createComparisonsService(deps: TestingDeps) {
  const { db } = deps;

  /** The default baseline: the current version of the stage the candidate would be promoted to, else current PROD. */
  async function defaultBaseline(prompt: PromptRow, candidate: VersionRow): Promise<VersionRow> {
    const target = nextStage(candidate.stage);
    const found = (target && (await findCurrent(db, prompt.id, target))) || (await findCurrent(db, prompt.id, "PROD"));
    if (!found)
      throw new DomainError(
        "validation_failed",
        `${prompt.name} has no current ${target && target !== "PROD" ? `${target} or ` : ""}PROD version to compare with: name a baseline`,
        [{ path: "baseline", message: "Name the version to compare with" }],
      );
    return found;
  }

  async function prepare(promptName: string, input: unknown): Promise<Prepared> {
    const { candidate: candidateText, baseline: wanted } = parseInput(comparisonInput, input);
    const { prompt, row: candidate } = await requireVersion(db, promptName, candidateText);
    let baseline: VersionRow;
    if (wanted === undefined) baseline = await defaultBaseline(prompt, candidate);
    else if (typeof wanted === "object") {
      if (wanted.prompt !== prompt.name)
        throw new DomainError(
          "validation_failed",
          `The baseline must be a version of ${prompt.name}: a comparison runs ${prompt.name}'s test cases on both sides`,
          [{ path: "baseline.prompt", message: `Name a version of ${prompt.name}` }],
        );
      baseline = (await requireVersion(db, promptName, wanted.version)).row;
    } else if (parseStage(wanted)) {
      const stage = parseStage(wanted) as Stage;
      const current = await findCurrent(db, prompt.id, stage);
      if (!current)
        throw new DomainError("validation_failed", `${prompt.name} has no current ${stage} version to compare with`, [
          { path: "baseline", message: `${stage} has no current version` },
        ]);
      baseline = current;
    } else baseline = (await requireVersion(db, promptName, wanted)).row;
    const label = `v${formatVersion(candidate)}`;
    if (baseline.id === candidate.id)
      throw new DomainError("validation_failed", `${label} cannot be compared with itself: name another baseline`, [
        { path: "baseline", message: "Name a version other than the candidate" },
      ]);
    if (RANK[baseline.stage] < RANK[candidate.stage])
      throw new DomainError(
        "validation_failed",
        `Both run in ${candidate.stage}'s environment, which v${formatVersion(baseline)} (${baseline.stage}) has not reached: compare with a version in ${candidate.stage} or later`,
        [{ path: "baseline", message: `Name a version in ${candidate.stage} or a later stage` }],
      );
    const cases = (await listTestCases(db, prompt.id)).map(rowToTestCase);
    if (cases.length === 0)
      throw new DomainError(
        "validation_failed",
        `${prompt.name} has no test cases to compare on: add or import some first`,
        [{ path: "(input)", message: "Add test cases first" }],
      );
    return {
      prompt,
      candidate,
      baseline,
      cases: cases.map(({ name, variables, assertions, echoOutput }) => ({ name, variables, assertions, echoOutput })),
    };
  }

  /** Runs both sides and stores them with the comparison, in one transaction; never rejects. */
  async function execute(id: number, p: Prepared, by: Actor): Promise<void> {
    try {
      const stage = p.candidate.stage;
      const environment = await environmentOf(db, stage);
      const provider = boundedProvider(
        createProvider(environment, { env: deps.env ?? processEnv, ...(deps.fetch && { fetch: deps.fetch }) }),
        slotsOf(stage),
      );
      let done = 0;
      let written = Promise.resolve();
      let lastWrite = 0;
      const onCase = () => {
        done++;
        const now = Date.now();
        if (now - lastWrite < 250) return;
        lastWrite = now;
        const progress = done;
        written = written.then(() => updateProgress(db, id, progress, isoNow(deps))).catch(() => {});
      };
      const startedAt = isoNow(deps);
      const run = (row: VersionRow) =>
        executeCases(
          {
            content: contentOf(p.prompt.type, row.body),
            config: readColumn(COLUMNS.config, row.config, "config"),
            contract: readContract(row.variables, row.tools, row.response_format),
            environment,
            cases: p.cases,
          },
          provider,
          { owner: p.prompt.name, onCase, ...(deps.concurrency !== undefined && { concurrency: deps.concurrency }) },
        );
      const [candidate, baseline] = await Promise.all([run(p.candidate), run(p.baseline)]);
      await written;
      const cases = compareResults(candidate.results, baseline.results);
      const counts = { fixed: 0, broke: 0, same: 0 };
      for (const c of cases) counts[c.change]++;
      const sides: { candidate: SideTotals; baseline: SideTotals } = {
        candidate: sideTotals(candidate.results),
        baseline: sideTotals(baseline.results),
      };
      const line = summaryLine(
        formatVersion(p.candidate),
        { version: formatVersion(p.baseline), stage: p.baseline.stage },
        counts,
        sides,
      );
      const summary: ComparisonSummary = { ...sides, ...counts, line };
      await inTransaction(db, async (tx) => {
        const now = isoNow(deps);
        const common = { startedAt, provider: provider.name, stage };
        const c = await storeRun(
          tx,
          p.candidate,
          formatVersion(p.candidate),
          { ...common, execution: candidate },
          by,
          now,
        );
        const b = await storeRun(
          tx,
          p.baseline,
          formatVersion(p.baseline),
          { ...common, execution: baseline },
          by,
          now,
        );
        await finishComparison(tx, id, {
          candidate_run_id: c.id,
          baseline_run_id: b.id,
          ...counts,
          cases: JSON.stringify(cases),
          summary: JSON.stringify(summary),
          finished_at: now,
        });
      });
    } catch (error) {
      const message = error instanceof DomainError ? error.message : "The comparison failed unexpectedly";
      await failComparison(db, id, message, isoNow(deps)).catch(() => {});
    }
  }

  /** A running comparison that has not moved for INTERRUPTED_AFTER_MS is recorded as cut short. */
  async function settleInterrupted(row: ComparisonRow): Promise<ComparisonRow> {
    const now = deps.now ? deps.now() : new Date();
    if (row.status !== "running" || now.getTime() - Date.parse(row.updated_at) < INTERRUPTED_AFTER_MS) return row;
    const error = "Interrupted: the server stopped before the comparison finished; run it again";
    await failComparison(db, row.id, error, now.toISOString());
    return { ...row, status: "error", error, finished_at: now.toISOString() };
  }

  async function requireComparison(
    promptName: string,
    id: string | number,
  ): Promise<{ prompt: PromptRow; row: ComparisonRow }> {
    const prompt = await requirePrompt(db, promptName);
    const n = typeof id === "number" ? id : /^\d{1,15}$/.test(id) ? Number(id) : Number.NaN;
    const row = Number.isSafeInteger(n) && n > 0 ? await findComparison(db, prompt.id, n) : undefined;
    if (!row) throw new DomainError("not_found", `${prompt.name} has no comparison ${JSON.stringify(String(id))}`);
    return { prompt, row: await settleInterrupted(row) };
  }

  const service = {
    /**
     * Starts a comparison (docs/evaluate.md#comparisons): the candidate and the baseline (by
     * default the current version of the stage the candidate would be promoted to, else current
     * PROD) over every test case, in the candidate's stage environment. Answers once the
     * comparison is recorded as running; `done` settles when both runs are stored (never rejects).
     * 422: the baseline is the candidate, in another prompt, or in an earlier stage; no test cases.
     */
    async start(promptName: string, input: unknown, by: Actor = LOCAL): Promise<{ id: number; done: Promise<void> }> {
      requireRole(by, "edit");
      const prepared = await prepare(promptName, input);
      const now = isoNow(deps);
      const { candidate, baseline } = prepared;
      const id = await insertComparison(db, {
        prompt_id: prepared.prompt.id,
        stage: candidate.stage,
        candidate_id: candidate.id,
        candidate_version: formatVersion(candidate),
        candidate_hash: candidate.content_hash,
        baseline_id: baseline.id,
        baseline_version: formatVersion(baseline),
        baseline_hash: baseline.content_hash,
        status: "running",
        total: prepared.cases.length * 2,
        actor: by.actor,
        started_at: now,
        updated_at: now,
      });
      return { id, done: execute(id, prepared, by) };
    },

    /** Runs a comparison to its end and answers it (the first page of its cases). */
    async create(promptName: string, input: unknown, by: Actor = LOCAL): Promise<Comparison> {
      const { id, done } = await service.start(promptName, input, by);
      await done;
      return service.get(promptName, id);
    },

    /** One comparison with a page of its cases (`cursor`: how many cases came before), broken first. */
    async get(promptName: string, id: string | number, paging: unknown = {}): Promise<Comparison> {
      const { limit, cursor } = parseInput(offsetPageInput, paging);
      const { prompt, row } = await requireComparison(promptName, id);
      const baselineRow = await findVersionById(db, row.baseline_id);
      const item = itemFields(row, baselineRow?.stage ?? null);
      const stored = row.cases ? readColumn(storedCasesSchema, row.cases, "comparison cases") : [];
      const offset = cursor ?? 0;
      const shown = stored.slice(offset, offset + limit);
      const runs = await findTestRuns(
        db,
        [row.candidate_run_id, row.baseline_run_id].filter((r): r is number => r !== null),
      );
      const resultsOf = (runId: number | null) => {
        const run = runs.find((r) => r.id === runId);
        const results = run ? readColumn(COLUMNS.results, run.results, "test run results") : [];
        return new Map(results.map((r) => [r.case, r]));
      };
      const candidateResults = resultsOf(row.candidate_run_id);
      const baselineResults = resultsOf(row.baseline_run_id);
      const cases = shown.map((c): ComparedCase => {
        const cr = candidateResults.get(c.case);
        const br = baselineResults.get(c.case);
        return {
          case: c.case,
          change: c.change,
          candidate: caseSide(c.candidate, cr),
          baseline: caseSide(c.baseline, br),
          changed: changedAssertions(cr?.assertions ?? [], br?.assertions ?? []),
          diff: outputDiff(br?.output ?? null, cr?.output ?? null),
        };
      });
      const nextCursor = offset + limit < stored.length ? String(offset + limit) : null;
      return { ...item, prompt: prompt.name, cases, nextCursor };
    },

    /** A prompt's comparisons, newest first (no cases). */
    async list(
      promptName: string,
      paging: unknown = {},
    ): Promise<{ comparisons: ComparisonItem[]; nextCursor: string | null }> {
      const { limit, cursor } = parseInput(idPageInput, paging);
      const prompt = await requirePrompt(db, promptName);
      const rows = await listComparisons(db, prompt.id, { before: cursor, limit: limit + 1 });
      const page = rows.slice(0, limit);
      return {
        comparisons: page.map((r) => itemFields(r)),
        nextCursor: rows.length > limit ? String(page.at(-1)?.id) : null,
      };
    },

    /** The newest finished comparison of exactly this content of a version (what its review and version pages link to). */
    async latestOf(promptName: string, version: string): Promise<ComparisonItem | null> {
      const { row } = await requireVersion(db, promptName, version);
      const found = await latestComparison(db, { candidateId: row.id, candidateHash: row.content_hash });
      return found ? itemFields(found) : null;
    },
  };
  return service;
}

/** Pages of a comparison's cases: `cursor` is how many cases came before. */
const offsetPageInput = pageInput.extend({
  cursor: z
    .string()
    .regex(/^\d{1,5}$/, "Not a cursor of this list")
    .transform(Number)
    .optional(),
});

export type ComparisonsService = ReturnType<typeof createComparisonsService>;

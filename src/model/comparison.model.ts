import type { StructuredPatch } from "diff";
import type { AssertionResult } from "../domain/assertions.js";
import type { CaseChange, SideTotals } from "../domain/comparison.js";
import type { Stage } from "../domain/stage.js";
import type { TestStatus } from "../domain/test-outcome.js";
import type { Tokens } from "./testing.model.js";

/** One side of one case: what the run stored, and the judge's score (the mean of its judges), if any. */
export interface CaseSide {
  status: TestStatus;
  output: string | null;
  error: string | null;
  latencyMs: number | null;
  tokens: Tokens | null;
  score: number | null;
  assertions: AssertionResult[];
}

export interface ComparedCase {
  case: string;
  change: CaseChange;
  candidate: CaseSide;
  baseline: CaseSide;
  /** The assertions whose verdict differs between the two sides ("the assertion that changed"). */
  changed: Array<{ type: string; value: string | number | null; baseline: boolean; candidate: boolean }>;
  /** The baseline's output against the candidate's, line by line; null when equal or either is missing. */
  diff: StructuredPatch | null;
}

export interface ComparisonSummary {
  candidate: SideTotals;
  baseline: SideTotals;
  fixed: number;
  broke: number;
  same: number;
  /** "v2.1 vs PROD v1.3: 47 same, 2 fixed, 1 broke; p50 latency −120 ms; tokens +8%". */
  line: string;
}

/** A candidate against a baseline over every test case, run in the candidate's stage environment. */
export interface Comparison {
  id: number;
  prompt: string;
  status: "running" | "done" | "error";
  /** The environment both ran in: the candidate's stage. */
  stage: Stage;
  candidate: { version: string; contentHash: string; run: number | null };
  baseline: { version: string; stage: Stage | null; contentHash: string; run: number | null };
  progress: { done: number; total: number };
  summary: ComparisonSummary | null;
  /** A page of the cases, broken first; the outputs come from the two runs while they are kept. */
  cases: ComparedCase[];
  nextCursor: string | null;
  error: string | null;
  actor: string;
  startedAt: string;
  finishedAt: string | null;
}

/** A comparison in a list: no cases. */
export type ComparisonItem = Omit<Comparison, "cases" | "nextCursor" | "prompt">;

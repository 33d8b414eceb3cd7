import type { TestStatus } from "./test-outcome.js";

/** What a change did to one case: the baseline passed and the candidate does not (broke), the reverse (fixed), or neither. */
export type CaseChange = "fixed" | "broke" | "same";

/** A case passes only as `passed`; a failure and an error both count as not passing. */
export function caseChange(baseline: TestStatus, candidate: TestStatus): CaseChange {
  if (baseline === "passed" && candidate !== "passed") return "broke";
  if (baseline !== "passed" && candidate === "passed") return "fixed";
  return "same";
}

/** The order a reviewer reads cases in: broken first, then fixed, then the rest; by name within each. */
export const CHANGE_ORDER: Record<CaseChange, number> = { broke: 0, fixed: 1, same: 2 };

export interface SideTotals {
  passed: number;
  failed: number;
  errors: number;
  /** The median latency of the cases that called a model, in ms; null when none did. */
  latencyMs: number | null;
  /** Tokens of every case together; null when the provider reported none. */
  tokens: number | null;
}

/** Totals of one side of a comparison. */
export function sideTotals(
  cases: Array<{ status: TestStatus; latencyMs: number | null; tokens: { total: number } | null }>,
): SideTotals {
  const latencies = cases.flatMap((c) => (c.latencyMs === null ? [] : [c.latencyMs])).sort((a, b) => a - b);
  const counted = cases.filter((c) => c.tokens !== null);
  return {
    passed: cases.filter((c) => c.status === "passed").length,
    failed: cases.filter((c) => c.status === "failed").length,
    errors: cases.filter((c) => c.status === "error").length,
    latencyMs: median(latencies),
    tokens: counted.length ? counted.reduce((n, c) => n + (c.tokens?.total ?? 0), 0) : null,
  };
}

function median(sorted: number[]): number | null {
  if (sorted.length === 0) return null;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : Math.round(((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2);
}

/**
 * The one line a reviewer reads first: "v2.1 vs PROD v1.3: 47 same, 2 fixed, 1 broke; p50
 * latency −120 ms; tokens +8%". Latency and tokens are left out when either side has none.
 */
export function summaryLine(
  candidate: string,
  baseline: { version: string; stage: string },
  counts: { same: number; fixed: number; broke: number },
  sides: { candidate: SideTotals; baseline: SideTotals },
): string {
  const parts = [`${counts.same} same, ${counts.fixed} fixed, ${counts.broke} broke`];
  const a = sides.baseline;
  const b = sides.candidate;
  if (a.latencyMs !== null && b.latencyMs !== null) parts.push(`p50 latency ${signed(b.latencyMs - a.latencyMs)} ms`);
  if (a.tokens !== null && b.tokens !== null && a.tokens > 0)
    parts.push(`tokens ${signed(Math.round(((b.tokens - a.tokens) / a.tokens) * 100))}%`);
  return `v${candidate} vs ${baseline.stage} v${baseline.version}: ${parts.join("; ")}`;
}

/** +8, −120, ±0: a real minus sign, as people write differences. */
function signed(n: number): string {
  if (n === 0) return "±0";
  return n > 0 ? `+${n}` : `−${Math.abs(n)}`;
}

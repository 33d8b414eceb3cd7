/**
 * How deep the hardening suites go. `npm test` runs them sized for the default run; `npm run
 * test:deep` sets PROMPTRAIL_TEST_DEEP=1 and runs them deep. A suite's own variable (such as
 * PROMPTRAIL_FUZZ_RUNS) wins over both.
 */
export const DEEP = process.env.PROMPTRAIL_TEST_DEEP === "1";

/** The number of runs: the suite's own variable when set, else `deep` or `normal`. */
export function runs(variable: string | null, normal: number, deep: number): number {
  const set = variable ? process.env[variable] : undefined;
  if (set !== undefined && set !== "") {
    const n = Number(set);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${variable} must be a whole number of runs, not "${set}"`);
    return n;
  }
  return DEEP ? deep : normal;
}

/**
 * A setup file of every project (vitest.config.ts): under test:deep, fast-check's properties that
 * name no number of runs run 1000 instead of 100.
 */
if (DEEP) {
  const fc = await import("fast-check");
  fc.configureGlobal({ numRuns: 1000 });
}

import type { Stage } from "./stage.js";

/** The verdict of one case and of one run (docs/rules.md, TEST). */
export type TestStatus = "passed" | "failed" | "error";

/** The name of the case a TEST builds from the request's variables; no test case may take it. */
export const AD_HOC = "ad-hoc";

/** A case errs when it could not be run (missing variables, provider failure), else fails on any failed assertion. */
export function caseStatus(error: string | null, assertions: Array<{ passed: boolean }>): TestStatus {
  if (error !== null) return "error";
  return assertions.every((a) => a.passed) ? "passed" : "failed";
}

/** A run is `error` if any case erred, else `failed` if any case failed, else `passed`. */
export function runStatus(cases: Array<{ status: TestStatus }>): TestStatus {
  if (cases.some((c) => c.status === "error")) return "error";
  if (cases.some((c) => c.status === "failed")) return "failed";
  return "passed";
}

/**
 * Whether a TEST includes the ad-hoc case: when the request carries a non-empty `variables`
 * object, or when the prompt has no test cases at all (a TEST always runs something).
 */
export function includesAdHoc(requestVariables: Record<string, string> | undefined, testCaseCount: number): boolean {
  return (requestVariables !== undefined && Object.keys(requestVariables).length > 0) || testCaseCount === 0;
}

/** The facts of a run the gate and the staleness label read. */
export interface RunFacts {
  id: number;
  status: TestStatus;
  stage: Stage;
  revision: number;
  contentHash: string;
}

export const GATE_REASON = "Needs a passing test of this revision";
export const REGRESSION_REASON = "Needs a comparison of this revision that broke nothing";

export type GateDecision =
  | { gated: false; allowed: true; reason: null }
  | { gated: true; allowed: boolean; reason: string | null; detail: string; run: RunFacts | null };

/**
 * docs/rules.md, TEST gate: promoting into a gated stage needs the latest run made in the version's current
 * stage for its current contentHash to have passed. `latest` is that run (or null when none).
 */
export function gateDecision(
  version: { version: string; stage: Stage; revision: number; contentHash: string },
  target: Stage,
  gate: boolean,
  latest: RunFacts | null,
): GateDecision {
  if (!gate) return { gated: false, allowed: true, reason: null };
  const subject = `v${version.version} revision ${version.revision} in ${version.stage}`;
  if (latest && latest.status === "passed") {
    return { gated: true, allowed: true, reason: null, detail: `${subject} passed run ${latest.id}`, run: latest };
  }
  const why = latest ? `its latest test of this revision ${latest.status}` : "it has no test of this revision";
  const detail = `${target} requires a passing test before promotion: ${subject} — ${why}. Run TEST in ${version.stage} first`;
  return { gated: true, allowed: false, reason: GATE_REASON, detail, run: latest };
}

/** "passed on revision 3", "failed on revision 2 — edited since", "passed in DEV on revision 3 — not tested in TST yet". */
export function staleness(
  version: { stage: Stage; contentHash: string },
  latest: RunFacts | null,
): { fresh: boolean; summary: string } {
  if (!latest) return { fresh: false, summary: "Not tested yet" };
  const edited = latest.contentHash !== version.contentHash;
  const moved = latest.stage !== version.stage;
  const where = moved ? ` in ${latest.stage}` : "";
  const base = `${latest.status}${where} on revision ${latest.revision}`;
  if (edited) return { fresh: false, summary: `${base} — edited since` };
  if (moved) return { fresh: false, summary: `${base} — not tested in ${version.stage} yet` };
  return { fresh: true, summary: base };
}

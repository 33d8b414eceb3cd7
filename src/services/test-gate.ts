import type { Kysely } from "kysely";
import type { Database, TestRunRow, VersionRow } from "../db/schema.js";
import { DomainError } from "../domain/errors.js";
import { promotionTarget, type Stage } from "../domain/stage.js";
import { type GateDecision, gateDecision, REGRESSION_REASON } from "../domain/test-outcome.js";
import { formatVersion } from "../domain/version-number.js";
import type { GateStatus } from "../model/testing.model.js";
import type { Version } from "../model/version.model.js";
import { latestComparison } from "../store/comparisons.store.js";
import { latestTestRun } from "../store/test-runs.store.js";
import { findCurrent } from "../store/versions.store.js";
import { environmentOf } from "./environments.service.js";
import { runFacts } from "./rows.js";
import type { PromotionCheck } from "./versions.service.js";

/**
 * The gate's decision for promoting `version` into `target`, read from `db` (a transaction or
 * not). `newest`, when the caller already holds the version's newest run, spares a query
 * whenever that run is also the newest of its current stage and content (the gate's run).
 */
export async function decideGate(
  db: Kysely<Database>,
  version: Version,
  target: Stage,
  newest?: TestRunRow | null,
): Promise<GateDecision> {
  const environment = await environmentOf(db, target);
  if (!environment.gate) return gateDecision(version, target, false, null);
  const applies = newest && newest.stage === version.stage && newest.content_hash === version.contentHash;
  if (environment.gate === "no-regression") {
    const current = await findCurrent(db, version.promptId, target);
    if (current) return regressionGate(db, version, target, current);
  }
  const latest = applies
    ? newest
    : await latestTestRun(db, version.id, { stage: version.stage, contentHash: version.contentHash });
  return gateDecision(version, target, true, latest ? runFacts(latest) : null);
}

/**
 * The no-regression gate (docs/evaluate.md#the-no-regression-gate): the newest finished
 * comparison of this exact content, made in the version's current stage, against the exact
 * content of the target's current version, broke nothing. Cases that fail on both sides do
 * not hold a promotion back; a case that passed there and does not here does. A target with no
 * current version has nothing to compare with: a passing run is needed then, as for `gate: true`.
 */
async function regressionGate(
  db: Kysely<Database>,
  version: Version,
  target: Stage,
  current: VersionRow,
): Promise<GateDecision> {
  const subject = `v${version.version} revision ${version.revision} in ${version.stage}`;
  const base = `${target} v${formatVersion(current)}`;
  const found = await latestComparison(db, {
    candidateId: version.id,
    candidateHash: version.contentHash,
    stage: version.stage,
    baselineId: current.id,
    baselineHash: current.content_hash,
  });
  if (found && found.broke === 0) {
    const detail = `${subject} broke nothing against ${base} (comparison ${found.id})`;
    return { gated: true, allowed: true, reason: null, detail, run: null };
  }
  const why = found
    ? `its latest comparison with ${base} (comparison ${found.id}) broke ${found.broke} case${found.broke === 1 ? "" : "s"}`
    : `it has no comparison of this revision with ${base}`;
  const detail = `${target} requires a comparison with ${base} that breaks nothing: ${subject} — ${why}. Run Compare with ${target} in ${version.stage} first`;
  return { gated: true, allowed: false, reason: REGRESSION_REASON, detail, run: null };
}

/**
 * docs/rules.md, TEST gate, run inside promote's transaction: promoting INTO a stage whose environment has
 * `gate: true` needs the latest run made in the version's CURRENT stage for its CURRENT
 * contentHash to have passed; otherwise 409 tests_required. A run made in an earlier stage does
 * not count, and an edit (new contentHash) needs a new run.
 */
export const testGate: PromotionCheck = async (tx, version, target) => {
  const decision = await decideGate(tx, version, target);
  if (!decision.allowed) throw new DomainError("tests_required", decision.detail);
};

/** The same decision without throwing, for disabling the Promote button with a reason. */
export async function gateStatus(
  db: Kysely<Database>,
  version: Version,
  newest?: TestRunRow | null,
): Promise<GateStatus> {
  const promotion = promotionTarget(version);
  if (!promotion.ok) {
    const reason = "Production versions cannot be promoted";
    return { target: null, gated: false, allowed: false, reason, detail: promotion.reason, run: null };
  }
  const { target } = promotion;
  const decision = await decideGate(db, version, target, newest);
  if (!decision.gated) return { target, gated: false, allowed: true, reason: null, detail: null, run: null };
  const { allowed, reason, detail, run } = decision;
  return { target, gated: true, allowed, reason, detail, run };
}

import type { Kysely } from "kysely";
import type { Database, TestRunRow } from "../db/schema.js";
import { DomainError } from "../domain/errors.js";
import { promotionTarget, type Stage } from "../domain/stage.js";
import { type GateDecision, gateDecision } from "../domain/test-outcome.js";
import type { GateStatus } from "../model/testing.model.js";
import type { Version } from "../model/version.model.js";
import { latestTestRun } from "../store/test-runs.store.js";
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
  const latest = applies
    ? newest
    : await latestTestRun(db, version.id, { stage: version.stage, contentHash: version.contentHash });
  return gateDecision(version, target, true, latest ? runFacts(latest) : null);
}

/**
 * SPEC §2 gate, run inside promote's transaction: promoting INTO a stage whose environment has
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

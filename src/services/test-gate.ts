import type { Kysely } from "kysely";
import type { Database } from "../db/schema.js";
import { DomainError } from "../domain/errors.js";
import type { Stage } from "../domain/stage.js";
import { type GateDecision, gateDecision, type RunFacts } from "../domain/test-outcome.js";
import { latestTestRun } from "../store/test-runs.store.js";
import { environmentOf } from "./environments.service.js";
import type { Version } from "./model.js";
import { runFacts } from "./testing.model.js";
import type { PromotionCheck } from "./versions.service.js";

/** Whether a version may be promoted now, as the Promote button needs it. */
export interface GateStatus {
  /** The stage a promotion goes to; null on PROD. */
  target: Stage | null;
  /** Whether the target stage's environment has `gate: true`. */
  gated: boolean;
  allowed: boolean;
  /** Tooltip for a disabled Promote button ("Needs a passing test of this revision"), else null. */
  reason: string | null;
  /** A full sentence: what is missing and what to do, or which run satisfies the gate. */
  detail: string | null;
  /** The run the gate looked at: the latest of this content in the current stage, or null. */
  run: RunFacts | null;
}

/** The gate's decision for promoting `version` into `target`, read from `db` (a transaction or not). */
export async function decideGate(db: Kysely<Database>, version: Version, target: Stage): Promise<GateDecision> {
  const environment = await environmentOf(db, target);
  if (!environment.gate) return gateDecision(version, target, false, null);
  const latest = await latestTestRun(db, version.id, { stage: version.stage, contentHash: version.contentHash });
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
export async function gateStatus(db: Kysely<Database>, version: Version): Promise<GateStatus> {
  const target = version.actions.promote;
  if (!target) {
    const reason = "Production versions cannot be promoted";
    return { target: null, gated: false, allowed: false, reason, detail: reason, run: null };
  }
  const decision = await decideGate(db, version, target);
  if (!decision.gated) return { target, gated: false, allowed: true, reason: null, detail: null, run: null };
  const { allowed, reason, detail, run } = decision;
  return { target, gated: true, allowed, reason, detail, run };
}

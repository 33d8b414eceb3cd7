import { DomainError } from "./errors.js";

/** The three stages a version moves through, forward only. */
export const STAGES = ["DEV", "TST", "PROD"] as const;
export type Stage = (typeof STAGES)[number];

export function isStage(value: string): value is Stage {
  return (STAGES as readonly string[]).includes(value);
}

/** Stage parameters are case-insensitive ("prod" → "PROD"); null when not a stage. */
export function parseStage(value: string): Stage | null {
  const upper = value.toUpperCase();
  return isStage(upper) ? upper : null;
}

/** DEV → TST → PROD; PROD has no next stage (R7: no demotion, ever). */
export function nextStage(stage: Stage): Stage | null {
  if (stage === "DEV") return "TST";
  if (stage === "TST") return "PROD";
  return null;
}

export type PromotionTarget = { ok: true; target: Stage } | { ok: false; reason: string };

/**
 * R7: where promoting `version` goes — the next stage — or why it cannot. `to`, when given, is
 * the stage the caller means (the Promote button names it); any other answer is a refusal, so a
 * page left open on "Promote to TST" can never push a version already in TST on to PROD. The
 * service, the preview, the confirm page and the TEST gate all ask this one function.
 */
export function promotionTarget(version: { version: string; stage: Stage }, to?: string | null): PromotionTarget {
  const target = nextStage(version.stage);
  if (!target) return { ok: false, reason: `v${version.version} is in PROD: production versions cannot be promoted` };
  if (to && to.toUpperCase() !== target) {
    const reason = `v${version.version} is in ${version.stage} now, so it would go to ${target}, not ${to.toUpperCase()}. Nothing was changed`;
    return { ok: false, reason };
  }
  return { ok: true, target };
}

/** The target of `promotionTarget`, or 409 invalid_transition with its reason. */
export function requirePromotionTarget(version: { version: string; stage: Stage }, to?: string | null): Stage {
  const decision = promotionTarget(version, to);
  if (!decision.ok) throw new DomainError("invalid_transition", decision.reason);
  return decision.target;
}

/**
 * R7 as a promotion request states it: `to` may be left out only for DEV → TST. A move into
 * PROD must be named (`to: "PROD"`), so a bare promote that is retried or repeated (a double
 * click, a client's retry, six concurrent requests) stops in TST and never reaches production
 * by accident: 422 validation_failed, saying so. PROD itself stays 409 invalid_transition.
 */
export function requirePromotion(version: { version: string; stage: Stage }, to?: string | null): Stage {
  const target = requirePromotionTarget(version, to);
  if (target === "PROD" && !to) {
    const message = `v${version.version} is in TST: a move into PROD must be named. Send "to": "PROD" to promote it to production`;
    throw new DomainError("validation_failed", message, [{ path: "to", message }]);
  }
  return target;
}

/** One button of the version page: whether it may be pressed and, if not, why. */
export interface Action {
  allowed: boolean;
  reason: string | null;
}

export interface AllowedActions {
  edit: Action;
  test: Action;
  /** The stage a promotion goes to, or null on PROD (the button is not shown). */
  promote: Stage | null;
  createNew: Action;
  delete: Action;
  /** Shown only on versions that are not current (R10). */
  makeCurrent: Action;
}

const yes: Action = { allowed: true, reason: null };
const no = (reason: string): Action => ({ allowed: false, reason });

export const REASONS = {
  editProd: "Cannot edit production versions",
  deleteNotDev: "Only DEV drafts that are not current can be deleted",
  deleteCurrent: "Only DEV drafts that are not current can be deleted",
  alreadyCurrent: (stage: Stage) => `Already the current ${stage} version`,
} as const;

/**
 * The button table of docs/rules.md, computed once for a version. Pages, the JSON `actions` field
 * and the server-side checks all read it.
 */
export function allowedActions(version: { stage: Stage; current: boolean }): AllowedActions {
  const { stage, current } = version;
  return {
    edit: stage === "PROD" ? no(REASONS.editProd) : yes,
    test: yes,
    promote: nextStage(stage),
    createNew: yes,
    delete: stage !== "DEV" ? no(REASONS.deleteNotDev) : current ? no(REASONS.deleteCurrent) : yes,
    makeCurrent: current ? no(REASONS.alreadyCurrent(stage)) : yes,
  };
}

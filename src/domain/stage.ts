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
 * The button table of SPEC §1, computed once for a version. Pages, the JSON `actions` field
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

import { type Role, roleAllows } from "./roles.js";

/** Where a review stands: open until applied, rejected, withdrawn, or made stale by a change. */
export const REVIEW_STATES = ["open", "applied", "rejected", "withdrawn", "stale"] as const;
export type ReviewState = (typeof REVIEW_STATES)[number];

/** The most approvals a stage may ask for. */
export const MAX_APPROVALS = 3;

/** A reviewer's comment, at most this many characters (a rejection needs one). */
export const MAX_REVIEW_COMMENT = 2000;

export interface ReviewAction {
  allowed: boolean;
  /** Why not, in a sentence a person reads next to the disabled button. */
  reason: string | null;
}

export interface ReviewActions {
  approve: ReviewAction;
  reject: ReviewAction;
  withdraw: ReviewAction;
}

const yes: ReviewAction = { allowed: true, reason: null };
const no = (reason: string): ReviewAction => ({ allowed: false, reason });

/**
 * The two-person rule: who may do what to a review. Approve and reject: a releaser or an admin
 * who did not ask for it, once each (one vote per person). Withdraw: the requester or an admin.
 * Nothing once the review is closed. `role` null is open mode, where the only actor asked.
 */
export function reviewActions(
  review: { state: ReviewState; requestedBy: string; voters: readonly string[] },
  actor: string,
  role: Role | null,
): ReviewActions {
  if (review.state !== "open") {
    const closed = no(`This review is ${review.state}: nothing more can be done with it`);
    return { approve: closed, reject: closed, withdraw: closed };
  }
  const release = roleAllows(role, "release");
  const own = actor === review.requestedBy;
  const vote = !release.allowed
    ? no(
        release.reason?.replace("Promoting to PROD and rolling PROD back", "Reviewing") ??
          "Reviewing needs the releaser role",
      )
    : own
      ? no("You asked for this review: someone else must approve or reject it")
      : review.voters.includes(actor)
        ? no("You have already reviewed this request")
        : yes;
  const withdraw = own || role === "admin" ? yes : no("Only the person who asked, or an admin, can withdraw it");
  return { approve: vote, reject: vote, withdraw };
}

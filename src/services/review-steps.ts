import type { ReviewVoteRow, VersionRow } from "../db/schema.js";
import type { Stage } from "../domain/stage.js";
import { formatVersion } from "../domain/version-number.js";
import type { Review } from "../model/review.model.js";
import { appendEvent, type EventType } from "../store/events.store.js";
import { closeReview, insertMoves, type ReviewListRow, reviewsGoneStale } from "../store/reviews.store.js";
import type { Tx } from "../store/transaction.js";
import { setStageAndCurrent, touchCurrent } from "../store/versions.store.js";
import { type Actor, eventActor } from "./context.js";
import { environmentWithin } from "./environments.service.js";

/** How many approvals a promotion into `stage` needs (0: none, the promotion happens at once). */
export async function approvalsFor(tx: Tx, stage: Stage): Promise<number> {
  return (await environmentWithin(tx, stage)).approvals;
}

export function rowToReview(row: ReviewListRow, votes: ReviewVoteRow[]): Review {
  const mine = votes.filter((v) => v.review_id === row.id);
  const of = (kind: "approve" | "reject") =>
    mine.filter((v) => v.kind === kind).map((v) => ({ by: v.voter, at: v.at, comment: v.comment }));
  const base =
    row.base_major === null || row.base_minor === null
      ? null
      : formatVersion({ major: row.base_major, minor: row.base_minor });
  return {
    id: row.id,
    prompt: row.prompt,
    version: formatVersion(row),
    from: row.from_stage,
    to: row.to_stage,
    state: row.state,
    requestedBy: row.requested_by,
    requestedAt: row.requested_at,
    contentHash: row.content_hash,
    base,
    needed: row.needed,
    approvals: of("approve"),
    rejections: of("reject"),
    appliedAt: row.state === "applied" ? row.closed_at : null,
    closedAt: row.closed_at,
  };
}

/** The detail every review event carries. */
export const reviewDetail = (row: ReviewListRow) => ({ review: row.id, from: row.from_stage, to: row.to_stage });

/** Appends one review event: `review.requested`, `.approved`, `.rejected`, `.withdrawn` or `.stale`. */
export async function reviewEvent(
  tx: Tx,
  step: { row: ReviewListRow; type: EventType; by: Actor; now: string; detail?: Record<string, unknown> },
): Promise<void> {
  const { row } = step;
  await appendEvent(tx, {
    promptId: row.prompt_id,
    at: step.now,
    ...eventActor(step.by),
    type: step.type,
    version: formatVersion(row),
    detail: { ...reviewDetail(row), ...step.detail },
  });
}

/**
 * Closes reviews a change has made stale — their approvals count for nothing — each with a
 * `review.stale` event by the actor of that change, saying why.
 */
export async function markStale(tx: Tx, rows: ReviewListRow[], why: string, now: string, by: Actor) {
  for (const row of rows) {
    if (await closeReview(tx, row.id, "stale", now))
      await reviewEvent(tx, { row, type: "review.stale", by, now, detail: { why } });
  }
}

/**
 * R4/R7/R10: `row` becomes the current version of `stage` (the one it replaces keeps its stage);
 * every pointer that moves is written to the audit (with the review that allowed it), and the
 * open reviews into `stage` whose base is no longer current go stale.
 */
export async function movePointer(
  tx: Tx,
  move: { row: VersionRow; stage: Stage; now: string; by: Actor; review?: number },
): Promise<{ stored: VersionRow; replaced: string | null }> {
  const { row, stage, now, by } = move;
  const label = formatVersion(row);
  const replacedNumber = await touchCurrent(tx, row.prompt_id, stage, now);
  const replaced = replacedNumber ? formatVersion(replacedNumber) : null;
  const stored = await setStageAndCurrent(tx, row, stage, now);
  const audit = { prompt_id: row.prompt_id, at: now, actor: by.actor, review_id: move.review ?? null };
  await insertMoves(tx, [
    ...(row.stage !== stage && row.is_current === 1
      ? [{ ...audit, stage: row.stage, from_version: label, to_version: null }]
      : []),
    { ...audit, stage, from_version: replaced, to_version: label },
  ]);
  if (stage !== "DEV") {
    const stale = await reviewsGoneStale(tx, { promptId: row.prompt_id, stage, current: row.id });
    await markStale(tx, stale, `${stage} now points at v${label}`, now, by);
  }
  return { stored, replaced };
}

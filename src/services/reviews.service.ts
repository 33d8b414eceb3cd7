import { z } from "zod";
import { DomainError } from "../domain/errors.js";
import { MAX_REVIEW_COMMENT, REVIEW_STATES, reviewActions } from "../domain/reviews.js";
import { promotePermission } from "../domain/roles.js";
import { parseStage, requirePromotion, STAGES, type Stage } from "../domain/stage.js";
import type { Review, ReviewEvidence, StageMove } from "../model/review.model.js";
import type { Version } from "../model/version.model.js";
import { latestComparison } from "../store/comparisons.store.js";
import {
  closeReview,
  findOpenReview,
  findReview,
  insertReview,
  insertVote,
  listMoves,
  listReviews,
  listVotes,
  type ReviewListRow,
} from "../store/reviews.store.js";
import { latestTestRun } from "../store/test-runs.store.js";
import { findVersionById } from "../store/versions.store.js";
import { diffVersions } from "./compare.service.js";
import { itemFields } from "./comparisons.service.js";
import { type Actor, isoNow, LOCAL, requirePrompt, requireRole, requireVersion, type ServiceDeps } from "./context.js";
import { idPageInput, promoteInput } from "./inputs.js";
import { parseInput } from "./parse.js";
import { approvalsFor, reviewEvent, rowToReview } from "./review-steps.js";
import { rowToTestRun, rowToVersion } from "./rows.js";
import { inTransaction, type Tx } from "./transaction.js";
import type { createVersionsService } from "./versions.service.js";

const comment = z.string().max(MAX_REVIEW_COMMENT, `A comment is at most ${MAX_REVIEW_COMMENT} characters`);
const approveInput = z.strictObject({ comment: comment.optional() });
const rejectInput = z.strictObject({
  comment: comment.refine((text) => text.trim() !== "", "Say why: a rejection needs a comment"),
});
const listInput = idPageInput.extend({
  state: z.enum(REVIEW_STATES, "Use open, applied, rejected, withdrawn or stale").optional(),
});
const auditInput = idPageInput.extend({
  prompt: z.string().max(100).optional(),
  stage: z
    .string()
    .transform((s, ctx) => {
      const stage = parseStage(s);
      if (stage) return stage;
      ctx.addIssue({ code: "custom", message: `Use ${STAGES.join(", ")}` });
      return z.NEVER;
    })
    .optional(),
});

/** What `promote` did: moved the version at once, or opened (or found) the review it needs. */
export type PromoteOutcome =
  | { kind: "promoted"; version: Version }
  | { kind: "review"; review: Review; created: boolean };

type Versions = ReturnType<typeof createVersionsService>;

export function createReviewsService(deps: ServiceDeps, versions: Versions) {
  const { db } = deps;

  async function load(tx: Tx, id: number): Promise<{ row: ReviewListRow; review: Review }> {
    const row = await findReview(tx, id);
    if (!row) throw new DomainError("not_found", `No review #${id}`);
    return { row, review: rowToReview(row, await listVotes(tx, [id])) };
  }

  const reviewId = (id: string) => {
    const n = /^[1-9]\d{0,15}$/.test(id) ? Number(id) : Number.NaN;
    if (!Number.isSafeInteger(n)) throw new DomainError("not_found", `No review "${id}"`);
    return n;
  };

  /** 409 unless open; 403 unless the two-person rule lets `by` do `what`. */
  function requireMay(review: Review, by: Actor, what: "approve" | "reject" | "withdraw") {
    if (review.state !== "open")
      throw new DomainError(
        "invalid_transition",
        `Review #${review.id} is ${review.state}: it can no longer be changed`,
      );
    const voters = [...review.approvals, ...review.rejections].map((v) => v.by);
    const decision = reviewActions({ ...review, voters }, by.actor, by.role)[what];
    if (!decision.allowed) throw new DomainError("forbidden", decision.reason ?? "You may not do this");
  }

  async function vote(row: ReviewListRow, by: Actor, kind: "approve" | "reject", text: string, now: string, tx: Tx) {
    await insertVote(tx, { review_id: row.id, voter: by.actor, kind, at: now, comment: text });
  }

  /** The last approval needed: re-checks every promotion rule, then promotes as the requester. */
  async function apply(tx: Tx, row: ReviewListRow, now: string): Promise<void> {
    const version = await findVersionById(tx, row.version_id);
    if (!version || version.content_hash !== row.content_hash)
      throw new DomainError("invalid_transition", `Review #${row.id} is stale: the version changed`);
    const { review } = await load(tx, row.id);
    if (!(await closeReview(tx, row.id, "applied", now)))
      throw new DomainError("invalid_transition", `Review #${row.id} is no longer open`);
    const { prompt } = await requireVersion(tx, row.prompt, review.version);
    const requester: Actor = { actor: row.requested_by, role: null };
    const approvers = review.approvals.map((a) => a.by);
    await versions.promoteIn(tx, {
      prompt,
      row: version,
      to: row.to_stage,
      by: requester,
      review: { id: row.id, approvers },
    });
  }

  return {
    /**
     * Promote, or ask for review: into a stage whose environment needs approvals, nothing moves —
     * a review bound to the version's content and to the stage's current version is opened (or
     * the open one answered), after the same checks a promotion makes (role, target, gate).
     */
    async promote(name: string, version: string, input: unknown = {}, by: Actor = LOCAL): Promise<PromoteOutcome> {
      const { to } = parseInput(promoteInput, input);
      return inTransaction(db, async (tx) => {
        const { prompt, row } = await requireVersion(tx, name, version);
        const subject = rowToVersion(prompt, row);
        requireRole(by, promotePermission(subject.stage));
        const target = requirePromotion(subject, to);
        const needed = await approvalsFor(tx, target);
        if (needed === 0) return { kind: "promoted", version: await versions.promoteIn(tx, { prompt, row, to, by }) };
        const open = await findOpenReview(tx, row.id, target);
        if (open) return { kind: "review", review: rowToReview(open, await listVotes(tx, [open.id])), created: false };
        await versions.checkPromotion(tx, subject, target);
        const now = isoNow(deps);
        const base = target === "TST" ? prompt.current_tst : prompt.current_prod;
        const id = await insertReview(tx, {
          prompt_id: prompt.id,
          version_id: row.id,
          from_stage: row.stage as "DEV" | "TST",
          to_stage: target as "TST" | "PROD",
          requested_by: by.actor,
          requested_at: now,
          content_hash: row.content_hash,
          base_version_id: base,
          needed,
        });
        const { row: created, review } = await load(tx, id);
        await reviewEvent(tx, {
          row: created,
          type: "review.requested",
          by,
          now,
          detail: { needed, contentHash: row.content_hash, base: review.base },
        });
        return { kind: "review", review, created: true };
      });
    },

    async get(id: string): Promise<Review> {
      return (await load(db, reviewId(id))).review;
    },

    /**
     * The review with its evidence: the diff against its base, the contract changes, the latest
     * test and the newest finished comparison of exactly its content (docs/reviews.md).
     */
    async evidence(id: string): Promise<{ review: Review; evidence: ReviewEvidence }> {
      const { row, review } = await load(db, reviewId(id));
      const { prompt, row: versionRow } = await requireVersion(db, row.prompt, review.version);
      const version = rowToVersion(prompt, versionRow);
      const base = review.base ? rowToVersion(prompt, (await requireVersion(db, row.prompt, review.base)).row) : null;
      const comparison = base ? await diffVersions(base, version) : null;
      const content = { contentHash: row.content_hash };
      const [run, compared] = await Promise.all([
        latestTestRun(db, row.version_id, content),
        latestComparison(db, { candidateId: row.version_id, candidateHash: row.content_hash }),
      ]);
      return {
        review,
        evidence: {
          version,
          comparison,
          latestRun: run ? rowToTestRun(run, versionRow) : null,
          latestComparison: compared ? itemFields(compared) : null,
        },
      };
    },

    /** Reviews newest first (`state` filters), one page at a time. */
    async list(input: unknown = {}): Promise<{ reviews: Review[]; nextCursor: string | null }> {
      const { limit, cursor, state } = parseInput(listInput, input);
      const rows = await listReviews(db, { state, before: cursor, limit: limit + 1 });
      const page = rows.slice(0, limit);
      const votes = await listVotes(
        db,
        page.map((r) => r.id),
      );
      const last = page.at(-1);
      return {
        reviews: page.map((r) => rowToReview(r, votes)),
        nextCursor: rows.length > limit && last ? String(last.id) : null,
      };
    },

    /** The open reviews of one version (its page shows them). */
    async openFor(versionId: number): Promise<Review[]> {
      const rows = await listReviews(db, { state: "open", versionId, limit: 10 });
      const votes = await listVotes(
        db,
        rows.map((r) => r.id),
      );
      return rows.map((r) => rowToReview(r, votes));
    },

    /** Counts an approval (once per person, never the requester's); the last one needed applies the promotion. */
    async approve(id: string, input: unknown = {}, by: Actor = LOCAL): Promise<Review> {
      requireRole(by, "release");
      const parsed = parseInput(approveInput, input);
      return inTransaction(db, async (tx) => {
        const now = isoNow(deps);
        const { row, review } = await load(tx, reviewId(id));
        requireMay(review, by, "approve");
        await vote(row, by, "approve", parsed.comment?.trim() ?? "", now, tx);
        const approvals = review.approvals.length + 1;
        await reviewEvent(tx, {
          row,
          type: "review.approved",
          by,
          now,
          detail: { comment: parsed.comment?.trim() ?? "", approvals, needed: row.needed },
        });
        if (approvals >= row.needed) await apply(tx, row, now);
        return (await load(tx, row.id)).review;
      });
    },

    /** Closes the review `rejected`, with the reviewer's reason. */
    async reject(id: string, input: unknown = {}, by: Actor = LOCAL): Promise<Review> {
      requireRole(by, "release");
      const parsed = parseInput(rejectInput, input);
      return inTransaction(db, async (tx) => {
        const now = isoNow(deps);
        const { row, review } = await load(tx, reviewId(id));
        requireMay(review, by, "reject");
        await vote(row, by, "reject", parsed.comment.trim(), now, tx);
        await closeReview(tx, row.id, "rejected", now);
        await reviewEvent(tx, { row, type: "review.rejected", by, now, detail: { comment: parsed.comment.trim() } });
        return (await load(tx, row.id)).review;
      });
    },

    /** Closes the review `withdrawn`: the requester changed their mind (or an admin cleans up). */
    async withdraw(id: string, by: Actor = LOCAL): Promise<Review> {
      // Only someone who could ask (an editor at least) can have asked; the rest is checked below.
      requireRole(by, "edit");
      return inTransaction(db, async (tx) => {
        const now = isoNow(deps);
        const { row, review } = await load(tx, reviewId(id));
        requireMay(review, by, "withdraw");
        await closeReview(tx, row.id, "withdrawn", now);
        await reviewEvent(tx, { row, type: "review.withdrawn", by, now });
        return (await load(tx, row.id)).review;
      });
    },

    /** The audit: every move of a stage pointer, newest first, optionally of one prompt and one stage. */
    async audit(input: unknown = {}): Promise<{ moves: StageMove[]; nextCursor: string | null }> {
      const { limit, cursor, prompt, stage } = parseInput(auditInput, input);
      const promptId = prompt ? (await requirePrompt(db, prompt)).id : undefined;
      const rows = await listMoves(db, {
        promptId,
        stage: stage as Stage | undefined,
        before: cursor,
        limit: limit + 1,
      });
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      const moves = page.map((m) => ({
        at: m.at,
        prompt: m.prompt,
        stage: m.stage,
        from: m.from_version,
        to: m.to_version,
        actor: m.actor,
        review: m.review_id,
      }));
      return { moves, nextCursor: rows.length > limit && last ? String(last.id) : null };
    },
  };
}

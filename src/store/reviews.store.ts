import type { Insertable, Kysely } from "kysely";
import type { Database, ReviewsTable, ReviewVoteRow, StageMovesTable } from "../db/schema.js";
import type { ReviewState } from "../domain/reviews.js";
import type { Stage } from "../domain/stage.js";

type Db = Kysely<Database>;

/** A review with what its page names: the prompt, the version's number and the base's. */
export interface ReviewListRow {
  id: number;
  prompt_id: number;
  prompt: string;
  version_id: number;
  major: number;
  minor: number;
  from_stage: "DEV" | "TST";
  to_stage: "TST" | "PROD";
  state: ReviewState;
  requested_by: string;
  requested_at: string;
  content_hash: string;
  base_version_id: number | null;
  base_major: number | null;
  base_minor: number | null;
  needed: number;
  closed_at: string | null;
}

function reviewQuery(db: Db) {
  return db
    .selectFrom("reviews as r")
    .innerJoin("prompts as p", "p.id", "r.prompt_id")
    .innerJoin("versions as v", "v.id", "r.version_id")
    .leftJoin("versions as b", "b.id", "r.base_version_id")
    .select([
      "r.id",
      "r.prompt_id",
      "p.name as prompt",
      "r.version_id",
      "v.major",
      "v.minor",
      "r.from_stage",
      "r.to_stage",
      "r.state",
      "r.requested_by",
      "r.requested_at",
      "r.content_hash",
      "r.base_version_id",
      "b.major as base_major",
      "b.minor as base_minor",
      "r.needed",
      "r.closed_at",
    ]);
}

export async function insertReview(db: Db, row: Insertable<ReviewsTable>): Promise<number> {
  const { id } = await db.insertInto("reviews").values(row).returning("id").executeTakeFirstOrThrow();
  return id;
}

export function findReview(db: Db, id: number): Promise<ReviewListRow | undefined> {
  return reviewQuery(db).where("r.id", "=", id).executeTakeFirst() as Promise<ReviewListRow | undefined>;
}

/** Reviews newest first, keyset-paginated by id; `state` filters, `versionId` narrows to one version. */
export function listReviews(
  db: Db,
  opts: { state?: ReviewState | undefined; versionId?: number; before?: number | undefined; limit: number },
): Promise<ReviewListRow[]> {
  let query = reviewQuery(db).orderBy("r.id", "desc").limit(opts.limit);
  if (opts.state) query = query.where("r.state", "=", opts.state);
  if (opts.versionId !== undefined) query = query.where("r.version_id", "=", opts.versionId);
  if (opts.before !== undefined) query = query.where("r.id", "<", opts.before);
  return query.execute() as Promise<ReviewListRow[]>;
}

export function findOpenReview(db: Db, versionId: number, to: Stage): Promise<ReviewListRow | undefined> {
  return reviewQuery(db)
    .where("r.version_id", "=", versionId)
    .where("r.to_stage", "=", to as "TST" | "PROD")
    .where("r.state", "=", "open")
    .executeTakeFirst() as Promise<ReviewListRow | undefined>;
}

/** The votes of these reviews, oldest first. */
export function listVotes(db: Db, reviewIds: number[]): Promise<ReviewVoteRow[]> {
  if (reviewIds.length === 0) return Promise.resolve([]);
  return db.selectFrom("review_votes").selectAll().where("review_id", "in", reviewIds).orderBy("id").execute();
}

export async function insertVote(
  db: Db,
  vote: { review_id: number; voter: string; kind: "approve" | "reject"; at: string; comment: string },
): Promise<void> {
  await db.insertInto("review_votes").values(vote).execute();
}

/** Closes an open review; false when it was no longer open (another request closed it first). */
export async function closeReview(db: Db, id: number, state: Exclude<ReviewState, "open">, at: string) {
  const done = await db
    .updateTable("reviews")
    .set({ state, closed_at: at })
    .where("id", "=", id)
    .where("state", "=", "open")
    .executeTakeFirst();
  return Number(done.numUpdatedRows) === 1;
}

/**
 * Open reviews that a change makes stale: those of a version whose content changed
 * (`versionId`), or those into a stage whose current version is no longer their base.
 */
export function reviewsGoneStale(
  db: Db,
  change: { versionId: number; contentHash: string } | { promptId: number; stage: Stage; current: number },
): Promise<ReviewListRow[]> {
  let query = reviewQuery(db).where("r.state", "=", "open");
  if ("versionId" in change)
    query = query.where("r.version_id", "=", change.versionId).where("r.content_hash", "<>", change.contentHash);
  else
    query = query
      .where("r.prompt_id", "=", change.promptId)
      .where("r.to_stage", "=", change.stage as "TST" | "PROD")
      .where((eb) => eb.or([eb("r.base_version_id", "is", null), eb("r.base_version_id", "<>", change.current)]));
  return query.execute() as Promise<ReviewListRow[]>;
}

/** Audit rows for the pointers one change moves, in one statement. */
export async function insertMoves(db: Db, moves: Insertable<StageMovesTable>[]): Promise<void> {
  await db.insertInto("stage_moves").values(moves).execute();
}

export interface MoveListRow {
  id: number;
  at: string;
  prompt: string;
  stage: Stage;
  from_version: string | null;
  to_version: string | null;
  actor: string;
  review_id: number | null;
}

/** The audit, newest first, keyset-paginated by id, optionally of one prompt and one stage. */
export function listMoves(
  db: Db,
  opts: { promptId?: number | undefined; stage?: Stage | undefined; before?: number | undefined; limit: number },
): Promise<MoveListRow[]> {
  let query = db
    .selectFrom("stage_moves as m")
    .innerJoin("prompts as p", "p.id", "m.prompt_id")
    .select(["m.id", "m.at", "p.name as prompt", "m.stage", "m.from_version", "m.to_version", "m.actor", "m.review_id"])
    .orderBy("m.id", "desc")
    .limit(opts.limit);
  if (opts.promptId !== undefined) query = query.where("m.prompt_id", "=", opts.promptId);
  if (opts.stage) query = query.where("m.stage", "=", opts.stage);
  if (opts.before !== undefined) query = query.where("m.id", "<", opts.before);
  return query.execute();
}

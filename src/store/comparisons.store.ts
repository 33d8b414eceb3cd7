import type { Insertable, Kysely } from "kysely";
import type { ComparisonRow, ComparisonsTable, Database } from "../db/schema.js";
import type { Stage } from "../domain/stage.js";

type Db = Kysely<Database>;

export async function insertComparison(db: Db, row: Insertable<ComparisonsTable>): Promise<number> {
  const { id } = await db.insertInto("comparisons").values(row).returning("id").executeTakeFirstOrThrow();
  return id;
}

/** How many case runs have finished; only while the comparison runs. */
export async function updateProgress(db: Db, id: number, progress: number, now: string): Promise<void> {
  await db
    .updateTable("comparisons")
    .set({ progress, updated_at: now })
    .where("id", "=", id)
    .where("status", "=", "running")
    .execute();
}

export async function finishComparison(
  db: Db,
  id: number,
  outcome: Pick<
    ComparisonsTable,
    "candidate_run_id" | "baseline_run_id" | "fixed" | "broke" | "same" | "cases" | "summary" | "finished_at"
  >,
): Promise<void> {
  await db
    .updateTable("comparisons")
    .set((eb) => ({ ...outcome, status: "done", progress: eb.ref("total"), updated_at: outcome.finished_at ?? "" }))
    .where("id", "=", id)
    .where("status", "=", "running")
    .execute();
}

export async function failComparison(db: Db, id: number, error: string, now: string): Promise<void> {
  await db
    .updateTable("comparisons")
    .set({ status: "error", error, finished_at: now, updated_at: now })
    .where("id", "=", id)
    .where("status", "=", "running")
    .execute();
}

export function findComparison(db: Db, promptId: number, id: number): Promise<ComparisonRow | undefined> {
  return db
    .selectFrom("comparisons")
    .selectAll()
    .where("prompt_id", "=", promptId)
    .where("id", "=", id)
    .executeTakeFirst();
}

/** A prompt's comparisons, newest first, without their cases. */
export function listComparisons(db: Db, promptId: number, page: { before?: number | undefined; limit: number }) {
  let query = db
    .selectFrom("comparisons")
    .select([
      "id",
      "stage",
      "status",
      "candidate_version",
      "baseline_version",
      "total",
      "progress",
      "fixed",
      "broke",
      "same",
      "summary",
      "error",
      "actor",
      "started_at",
      "finished_at",
    ])
    .where("prompt_id", "=", promptId);
  if (page.before !== undefined) query = query.where("id", "<", page.before);
  return query.orderBy("id", "desc").limit(page.limit).execute();
}

/** The newest finished comparison of exactly this content of a version, made in `stage`, against this content of a baseline (null: any baseline). */
export function latestComparison(
  db: Db,
  of: { candidateId: number; candidateHash: string; stage?: Stage; baselineId?: number; baselineHash?: string },
): Promise<ComparisonRow | undefined> {
  let query = db
    .selectFrom("comparisons")
    .selectAll()
    .where("candidate_id", "=", of.candidateId)
    .where("candidate_hash", "=", of.candidateHash)
    .where("status", "=", "done");
  if (of.stage) query = query.where("stage", "=", of.stage);
  if (of.baselineId !== undefined) query = query.where("baseline_id", "=", of.baselineId);
  if (of.baselineHash !== undefined) query = query.where("baseline_hash", "=", of.baselineHash);
  return query.orderBy("id", "desc").limit(1).executeTakeFirst();
}

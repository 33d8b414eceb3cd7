import type { Kysely } from "kysely";
import type { Database, NewVersionRow, VersionRow } from "../db/schema.js";
import type { Stage } from "../domain/stage.js";
import type { VersionNumber } from "../domain/version-number.js";

type Db = Kysely<Database>;

export async function insertVersion(db: Db, row: NewVersionRow): Promise<number> {
  const inserted = await db.insertInto("versions").values(row).returning("id").executeTakeFirstOrThrow();
  return inserted.id;
}

export function findVersion(db: Db, promptId: number, n: VersionNumber): Promise<VersionRow | undefined> {
  return db
    .selectFrom("versions")
    .selectAll()
    .where("prompt_id", "=", promptId)
    .where("major", "=", n.major)
    .where("minor", "=", n.minor)
    .executeTakeFirst();
}

export function findVersionById(db: Db, id: number): Promise<VersionRow | undefined> {
  return db.selectFrom("versions").selectAll().where("id", "=", id).executeTakeFirst();
}

/** Every version of a prompt, newest number first. */
export function listVersions(db: Db, promptId: number): Promise<VersionRow[]> {
  return db
    .selectFrom("versions")
    .selectAll()
    .where("prompt_id", "=", promptId)
    .orderBy("major", "desc")
    .orderBy("minor", "desc")
    .execute();
}

export function findCurrent(db: Db, promptId: number, stage: Stage): Promise<VersionRow | undefined> {
  return db
    .selectFrom("versions")
    .selectAll()
    .where("prompt_id", "=", promptId)
    .where("stage", "=", stage)
    .where("is_current", "=", 1)
    .executeTakeFirst();
}

/** The current version number of each stage for several prompts at once (list pages). */
export function currentNumbers(db: Db, promptIds: number[]) {
  if (promptIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom("versions")
    .select(["prompt_id", "stage", "major", "minor"])
    .where("prompt_id", "in", promptIds)
    .where("is_current", "=", 1)
    .execute();
}

/** The prompt column that points at the current version of each stage. */
const POINTER = { DEV: "current_dev", TST: "current_tst", PROD: "current_prod" } as const;

async function pointStage(db: Db, promptId: number, stage: Stage, id: number | null): Promise<void> {
  await db
    .updateTable("prompts")
    .set({ [POINTER[stage]]: id })
    .where("id", "=", promptId)
    .execute();
}

async function touchVersion(db: Db, id: number, now: string): Promise<void> {
  await db.updateTable("versions").set({ updated_at: now }).where("id", "=", id).execute();
}

/**
 * Leaves `stage` with no current version. The current version of a stage is its prompt's
 * pointer (versions.is_current follows it, by trigger). PROD's is never cleared — the database
 * refuses a PROD left without one — so for PROD this does nothing and setStageAndCurrent swaps
 * the pointer to the new version in one statement.
 */
export async function clearCurrent(db: Db, promptId: number, stage: Stage, now: string): Promise<void> {
  if (stage === "PROD") return;
  const current = await findCurrent(db, promptId, stage);
  if (!current) return;
  await pointStage(db, promptId, stage, null);
  await touchVersion(db, current.id, now);
}

/**
 * Moves version `id` into `stage` (or keeps it there) and makes it the stage's current version.
 * A version current in the stage it leaves stops being current there first (R7), and the
 * version it replaces in `stage` keeps its stage and loses only the flag.
 */
export async function setStageAndCurrent(db: Db, id: number, stage: Stage, now: string): Promise<void> {
  const row = await findVersionById(db, id);
  if (!row) return;
  if (row.stage !== stage) {
    if (row.is_current === 1) await pointStage(db, row.prompt_id, row.stage, null);
    await db.updateTable("versions").set({ stage, updated_at: now }).where("id", "=", id).execute();
  }
  const replaced = await findCurrent(db, row.prompt_id, stage);
  await pointStage(db, row.prompt_id, stage, id);
  await touchVersion(db, id, now);
  if (replaced && replaced.id !== id) await touchVersion(db, replaced.id, now);
}

/**
 * Writes new content only if the version is still at `expectedRevision` (R6); answers whether
 * it did, so a concurrent save is detected inside the same transaction.
 */
export async function updateContent(
  db: Db,
  id: number,
  expectedRevision: number,
  content: { body: string; config: string; contentHash: string },
  now: string,
): Promise<boolean> {
  const result = await db
    .updateTable("versions")
    .set({
      body: content.body,
      config: content.config,
      content_hash: content.contentHash,
      revision: expectedRevision + 1,
      updated_at: now,
    })
    .where("id", "=", id)
    .where("revision", "=", expectedRevision)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

export async function deleteVersion(db: Db, id: number): Promise<void> {
  await db.deleteFrom("versions").where("id", "=", id).execute();
}

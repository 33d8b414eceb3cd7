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

/** The numbers of a prompt's versions that exist now (deleted drafts are gone). */
export function versionNumbers(db: Db, promptId: number) {
  return db.selectFrom("versions").select(["major", "minor"]).where("prompt_id", "=", promptId).execute();
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

/** How many DEV versions (drafts, current or not) each of several prompts has; absent means none. */
export function draftCounts(db: Db, promptIds: number[]) {
  if (promptIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom("versions")
    .select((eb) => ["prompt_id", eb.fn.countAll<number>().as("drafts")])
    .where("prompt_id", "in", promptIds)
    .where("stage", "=", "DEV")
    .groupBy("prompt_id")
    .execute();
}

export async function clearCurrent(db: Db, promptId: number, stage: Stage, now: string): Promise<void> {
  await db
    .updateTable("versions")
    .set({ is_current: 0, updated_at: now })
    .where("prompt_id", "=", promptId)
    .where("stage", "=", stage)
    .where("is_current", "=", 1)
    .execute();
}

export async function setStageAndCurrent(db: Db, id: number, stage: Stage, now: string): Promise<void> {
  await db.updateTable("versions").set({ stage, is_current: 1, updated_at: now }).where("id", "=", id).execute();
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
      edited_at: now,
    })
    .where("id", "=", id)
    .where("revision", "=", expectedRevision)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

export async function deleteVersion(db: Db, id: number): Promise<void> {
  await db.deleteFrom("versions").where("id", "=", id).execute();
}

import type { Kysely } from "kysely";
import type { Database, RevisionRow } from "../db/schema.js";

type Db = Kysely<Database>;

export async function insertRevision(db: Db, row: Omit<RevisionRow, "id">): Promise<void> {
  await db.insertInto("revisions").values(row).execute();
}

/** Every saved state of a version, newest first, the current one included. */
export function listRevisions(db: Db, versionId: number): Promise<RevisionRow[]> {
  return db
    .selectFrom("revisions")
    .selectAll()
    .where("version_id", "=", versionId)
    .orderBy("revision", "desc")
    .execute();
}

export function findRevision(db: Db, versionId: number, revision: number): Promise<RevisionRow | undefined> {
  return db
    .selectFrom("revisions")
    .selectAll()
    .where("version_id", "=", versionId)
    .where("revision", "=", revision)
    .executeTakeFirst();
}

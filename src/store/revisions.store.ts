import type { Insertable, Kysely } from "kysely";
import type { Database, RevisionRow, RevisionsTable } from "../db/schema.js";

type Db = Kysely<Database>;

export async function insertRevision(db: Db, row: Omit<Insertable<RevisionsTable>, "id">): Promise<void> {
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

/**
 * One page of a version's revisions, newest first, below revision `before` when given, as
 * numbers and the size of their content: a list decides from these how many it can afford.
 */
export function listRevisionSizes(
  db: Db,
  versionId: number,
  opts: { before?: number | undefined; limit: number },
): Promise<Array<{ revision: number; bytes: number }>> {
  let query = db
    .selectFrom("revisions")
    .select((eb) => [
      "revision",
      eb(eb.fn<number>("length", ["body"]), "+", eb.fn<number>("length", ["config"])).as("bytes"),
    ])
    .where("version_id", "=", versionId)
    .orderBy("revision", "desc")
    .limit(opts.limit);
  if (opts.before !== undefined) query = query.where("revision", "<", opts.before);
  return query.execute();
}

/** A version's revisions from `newest` down to `oldest`, both included, newest first. */
export function listRevisionRange(db: Db, versionId: number, newest: number, oldest: number): Promise<RevisionRow[]> {
  return db
    .selectFrom("revisions")
    .selectAll()
    .where("version_id", "=", versionId)
    .where("revision", "<=", newest)
    .where("revision", ">=", oldest)
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

import type { Insertable, Kysely } from "kysely";
import type { Database, TestRunRow, TestRunsTable } from "../db/schema.js";
import type { Stage } from "../domain/stage.js";

type Db = Kysely<Database>;

/** Runs are append-only: a trigger refuses UPDATE, and DELETE except with their version. */
export async function insertTestRun(db: Db, row: Insertable<TestRunsTable>): Promise<number> {
  const inserted = await db.insertInto("test_runs").values(row).returning("id").executeTakeFirstOrThrow();
  return inserted.id;
}

/** A version's runs, newest first, keyset-paginated by id. */
export function listTestRuns(
  db: Db,
  versionId: number,
  opts: { before?: number | undefined; limit: number },
): Promise<TestRunRow[]> {
  let query = db
    .selectFrom("test_runs")
    .selectAll()
    .where("version_id", "=", versionId)
    .orderBy("id", "desc")
    .limit(opts.limit);
  if (opts.before !== undefined) query = query.where("id", "<", opts.before);
  return query.execute();
}

/** The newest run of a version, optionally only among runs made in `stage` of `contentHash`. */
export function latestTestRun(
  db: Db,
  versionId: number,
  only: { stage?: Stage; contentHash?: string } = {},
): Promise<TestRunRow | undefined> {
  let query = db.selectFrom("test_runs").selectAll().where("version_id", "=", versionId);
  if (only.stage) query = query.where("stage", "=", only.stage);
  if (only.contentHash) query = query.where("content_hash", "=", only.contentHash);
  return query.orderBy("id", "desc").limit(1).executeTakeFirst();
}

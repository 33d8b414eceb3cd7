import type { Insertable, Kysely } from "kysely";
import type { Database, TestRunRow, TestRunsTable } from "../db/schema.js";
import type { Stage } from "../domain/stage.js";

type Db = Kysely<Database>;

/** Runs are append-only: a trigger refuses UPDATE, and DELETE except with their version. */
export async function insertTestRun(db: Db, row: Insertable<TestRunsTable>): Promise<number> {
  const inserted = await db.insertInto("test_runs").values(row).returning("id").executeTakeFirstOrThrow();
  return inserted.id;
}

/**
 * A version's runs, newest first, keyset-paginated by id, as ids and the size of their stored
 * results: a list decides from these how many whole runs it can afford to load.
 */
export function listTestRunSizes(
  db: Db,
  versionId: number,
  opts: { before?: number | undefined; limit: number },
): Promise<Array<{ id: number; bytes: number }>> {
  let query = db
    .selectFrom("test_runs")
    .select((eb) => ["id", eb.fn<number>("length", ["results"]).as("bytes")])
    .where("version_id", "=", versionId)
    .orderBy("id", "desc")
    .limit(opts.limit);
  if (opts.before !== undefined) query = query.where("id", "<", opts.before);
  return query.execute();
}

/** Runs by id, newest first. */
export function findTestRuns(db: Db, ids: number[]): Promise<TestRunRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom("test_runs").selectAll().where("id", "in", ids).orderBy("id", "desc").execute();
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

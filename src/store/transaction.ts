import { type Kysely, sql } from "kysely";
import type { Database } from "../db/schema.js";
import { isPostgres, refusalOf } from "./refusals.js";

/** The advisory lock key every writing transaction takes on PostgreSQL. */
const WRITE_LOCK = 0x7072_7477; // "prtw"

export type Tx = Kysely<Database>;

/**
 * R13: runs `work` as one transaction. BEGIN IMMEDIATE takes the write lock up front, so two
 * processes changing the same file queue on busy_timeout instead of failing on a lock upgrade;
 * any throw rolls everything back. A rule the database enforces surfaces as a DatabaseRefusal.
 *
 * On PostgreSQL (SPEC §10) a transaction-level advisory lock plays BEGIN IMMEDIATE's part: every
 * writing transaction of every instance queues on it, and under READ COMMITTED each statement
 * after it sees everything committed before, so the rules' read-check-write sequences (one
 * current per stage, the revision a save expects, max_minor) hold across instances exactly as
 * they do on one SQLite file. Reads never wait for it.
 */
export async function inTransaction<T>(db: Kysely<Database>, work: (tx: Tx) => Promise<T>): Promise<T> {
  const postgres = isPostgres(db);
  return db.connection().execute(async (tx) => {
    if (postgres) {
      // One round trip: without parameters the driver sends both statements as one simple query.
      await sql.raw(`BEGIN; SELECT pg_advisory_xact_lock(${WRITE_LOCK})`).execute(tx);
    } else await sql`BEGIN IMMEDIATE`.execute(tx);
    try {
      const result = await work(tx);
      await sql`COMMIT`.execute(tx);
      return result;
    } catch (error) {
      // SQLite may already have rolled back (e.g. disk full); the first error is the one to tell.
      await sql`ROLLBACK`.execute(tx).catch(() => undefined);
      throw (await refusalOf(tx, error).catch(() => null)) ?? error;
    }
  });
}

import { type Kysely, sql } from "kysely";
import type { Database } from "../db/schema.js";
import { refusalOf } from "./refusals.js";

export type Tx = Kysely<Database>;

/**
 * R13: runs `work` as one transaction. BEGIN IMMEDIATE takes the write lock up front, so two
 * processes changing the same file queue on busy_timeout instead of failing on a lock upgrade;
 * any throw rolls everything back. A rule the database enforces surfaces as a DatabaseRefusal.
 */
export async function inTransaction<T>(db: Kysely<Database>, work: (tx: Tx) => Promise<T>): Promise<T> {
  return db.connection().execute(async (tx) => {
    await sql`BEGIN IMMEDIATE`.execute(tx);
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

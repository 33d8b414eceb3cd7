import { type Kysely, sql } from "kysely";
import { engineOf } from "./connect.js";
import type { Database } from "./schema.js";

/**
 * Runs `work` on one connection as one transaction that holds the write lock from its first
 * statement, on either engine: BEGIN IMMEDIATE on SQLite, so that two processes changing one
 * file queue on busy_timeout instead of failing on a lock upgrade; on PostgreSQL a
 * transaction-level advisory lock on `key` (a constant of ours), which every writer of every
 * instance queues on. Any throw rolls everything back; `failed` may turn the error into another
 * while the connection is still held (the store reads the schema to name a refused rule).
 */
export async function underWriteLock<T>(
  db: Kysely<Database>,
  key: number,
  work: (conn: Kysely<Database>) => Promise<T>,
  failed: (conn: Kysely<Database>, error: unknown) => Promise<unknown> = async (_, error) => error,
): Promise<T> {
  const postgres = engineOf(db) === "postgres";
  return db.connection().execute(async (conn) => {
    // One round trip: without parameters the driver sends both statements as one simple query.
    if (postgres) await sql.raw(`BEGIN; SELECT pg_advisory_xact_lock(${Math.trunc(key)})`).execute(conn);
    else await sql`BEGIN IMMEDIATE`.execute(conn);
    try {
      const result = await work(conn);
      await sql`COMMIT`.execute(conn);
      return result;
    } catch (error) {
      // SQLite may already have rolled back (e.g. disk full); the first error is the one to tell.
      await sql`ROLLBACK`.execute(conn).catch(() => undefined);
      throw await failed(conn, error);
    }
  });
}

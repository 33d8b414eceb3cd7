import type { Kysely } from "kysely";
import type { Database } from "../db/schema.js";
import { underWriteLock } from "../db/write-lock.js";
import { refusalOf } from "./refusals.js";

/** The advisory lock key every writing transaction takes on PostgreSQL. */
const WRITE_LOCK = 0x7072_7477; // "prtw"

export type Tx = Kysely<Database>;

const transactions = new WeakSet<Kysely<Database>>();

/** Whether `db` is the connection of a transaction inTransaction runs (what it reads stays read). */
export const isTransaction = (db: Kysely<Database>): boolean => transactions.has(db);

/**
 * R13: runs `work` as one transaction. BEGIN IMMEDIATE takes the write lock up front, so two
 * processes changing the same file queue on busy_timeout instead of failing on a lock upgrade;
 * any throw rolls everything back. A rule the database enforces surfaces as a DatabaseRefusal.
 *
 * On PostgreSQL (db/write-lock.ts) a transaction-level advisory lock plays BEGIN IMMEDIATE's part: every
 * writing transaction of every instance queues on it, and under READ COMMITTED each statement
 * after it sees everything committed before, so the rules' read-check-write sequences (one
 * current per stage, the revision a save expects, max_minor) hold across instances exactly as
 * they do on one SQLite file. Reads never wait for it.
 */
export function inTransaction<T>(db: Kysely<Database>, work: (tx: Tx) => Promise<T>): Promise<T> {
  return underWriteLock(
    db,
    WRITE_LOCK,
    (tx) => {
      transactions.add(tx);
      return work(tx);
    },
    async (tx, error) => (await refusalOf(tx, error).catch(() => null)) ?? error,
  );
}

import { type Kysely, sql } from "kysely";

/**
 * The change stream reads the event log by id and resumes after the last id a client saw, so an
 * event must never commit with an id below one already visible: a reader would skip it. Every
 * writing transaction of the app takes one advisory lock before it writes (src/store/
 * transaction.ts), so ids are handed out in commit order. This trigger makes the rule the
 * database's: any INSERT into events, raw SQL included, first takes that same lock — before a
 * single id is drawn, since a statement trigger fires before its rows are made — and so queues
 * behind the writer in progress. For the app's own transactions it is a no-op (the lock is
 * held already). SQLite needs no twin: its one writer draws ids and commits in the same order.
 */
const WRITE_LOCK = 0x7072_7477; // "prtw": the key src/store/transaction.ts takes

export async function up(db: Kysely<any>): Promise<void> {
  await sql
    .raw(
      `CREATE FUNCTION promptrail_events_in_commit_order() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         PERFORM pg_advisory_xact_lock(${WRITE_LOCK});
         RETURN NULL;
       END $$`,
    )
    .execute(db);
  await sql
    .raw(
      `CREATE TRIGGER events_in_commit_order BEFORE INSERT ON events
       FOR EACH STATEMENT EXECUTE FUNCTION promptrail_events_in_commit_order()`,
    )
    .execute(db);
}

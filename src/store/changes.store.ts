import type { Db, PostgresDb, SqliteDb } from "../db/connect.js";

/**
 * Whether anything a cached answer depends on may have changed: a number that moves whenever
 * someone commits such a change, on this instance or any other, read as of a moment after the
 * call. Answers kept while it stays the same are exactly what the database would answer now.
 */
export interface Changes {
  read(): Promise<number>;
}

export function changesOf(db: Db): Changes {
  return db.engine === "sqlite" ? sqliteChanges(db) : postgresChanges(db);
}

/**
 * SQLite: the commit watch (the wal-index header, one pread), which sees every commit by any
 * connection of any process on the file. Each commit seen moves the number on.
 */
function sqliteChanges(db: SqliteDb): Changes {
  const changed = db.watchCommits();
  let generation = 0;
  return {
    read() {
      if (changed()) generation += 1;
      return Promise.resolve(generation);
    },
  };
}

/** The one-row counter that triggers bump in every transaction that changes what caches hold. */
const COUNTER = { name: "promptrail_changes", text: "SELECT n FROM promptrail_changes WHERE id = 1" };

/**
 * PostgreSQL: the change counter, read with one query that serves every read waiting for it. A
 * read that arrives while a query is in flight waits for the next one — sent after it arrived,
 * so it sees every change acknowledged before the read came in (linearizable) — and that next
 * query serves all reads that came in meanwhile: one round trip per batch, not per request.
 */
export function postgresChanges(db: PostgresDb): Changes {
  return sharedQuery(async () => {
    const { rows } = await db.pool.query<{ n: number }>(COUNTER);
    return Number(rows[0]?.n ?? 0);
  });
}

/**
 * Shares `query` among concurrent callers: each gets the answer of a query sent after it called.
 * At most one query is in flight and at most one is waiting to be sent.
 */
export function sharedQuery(query: () => Promise<number>): Changes {
  let inFlight: Promise<number> | undefined;
  let next: Promise<number> | undefined;
  function send(): Promise<number> {
    const sent = query();
    inFlight = sent;
    const done = () => {
      if (inFlight === sent) inFlight = undefined;
    };
    sent.then(done, done);
    return sent;
  }
  return {
    read() {
      if (!inFlight) return send();
      // The query in flight was sent before this call: wait for the one after it.
      next ??= inFlight
        .then(
          () => undefined,
          () => undefined,
        )
        .then(() => {
          next = undefined;
          return send();
        });
      return next;
    },
  };
}

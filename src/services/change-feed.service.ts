import type { Db } from "../db/connect.js";
import { type Change, stagesAfter } from "../domain/changes.js";
import { changesAfter, latestSeq, promotionsOf } from "../store/change-log.store.js";

/** Where a subscriber's changes go (the HTTP layer frames them as Server-Sent Events). */
export interface ChangeSink {
  /** Called once, before any change: the stream carries the changes after `seq`. */
  open(seq: number): void;
  /** Changes in order, each once, none at or before the subscriber's cursor. */
  send(changes: Change[]): void;
  heartbeat(): void;
  /** The feed is done with this subscriber (the server stops, or reading the log failed). */
  end(): void;
  /** Resolves when the subscriber can take more: a catch-up reads its next batch only then. */
  ready(): Promise<void>;
}

export interface ChangeFeed {
  /**
   * Follows the log for `sink`: the changes after `after`, or (null, or an id the log has not
   * reached) after the newest change now. Answers the function that unsubscribes.
   */
  subscribe(after: number | null, sink: ChangeSink): Promise<() => void>;
  /** Ends every stream and refuses new ones: the server is stopping. */
  close(): void;
  readonly subscribers: number;
}

export interface ChangeFeedOptions {
  db: Db;
  /** How often the log is looked at (on SQLite only after a commit, a 96-byte read). */
  pollMs?: number;
  /** How often every stream gets a comment line that keeps it open. */
  heartbeatMs?: number;
  /** Changes read per query. */
  batch?: number;
  /** A failure reading the log; told once per run of failures. */
  onError?: (error: unknown) => void;
}

interface Subscriber {
  cursor: number;
  /** Caught up: takes what the feed reads. Until then it reads the log on its own. */
  live: boolean;
  sink: ChangeSink;
}

/**
 * The change stream's engine, one per server: a single reader of the event log, however many
 * subscribers. While anyone listens it asks every `pollMs` whether anything was committed (the
 * commit watch on SQLite; on PostgreSQL, which other instances write too, it reads the log
 * itself, one indexed range query) and hands what it read to every subscriber that is caught
 * up. A subscriber that starts behind (Last-Event-ID) reads the log on its own, a batch at a
 * time as fast as it takes them, then joins. The order of `seq` is the order of commits:
 * every writing transaction takes one lock (SQLite's writer, PostgreSQL's advisory lock), and
 * an event is only ever written inside one, so a change read once never has an older one
 * committing behind it.
 */
export function createChangeFeed(options: ChangeFeedOptions): ChangeFeed {
  const { db, pollMs = 100, heartbeatMs = 15_000, batch = 200 } = options;
  const onError =
    options.onError ?? ((error: unknown) => console.error("change stream: reading the log failed:", error));
  const subscribers = new Set<Subscriber>();
  const changed = db.watchCommits();
  /** The newest change the feed has read; null while nobody listens. */
  let head: number | null = null;
  let starting: Promise<number> | null = null;
  let timers: NodeJS.Timeout[] = [];
  let polling = false;
  /** A read failed after the commit watch said "changed": read again at the next tick. */
  let dirty = false;
  let failing = false;
  let closed = false;

  async function read(after: number): Promise<Change[]> {
    const logged = await changesAfter(db.kysely, after, batch);
    const last = logged.at(-1);
    if (!last) return [];
    return stagesAfter(logged, await promotionsOf(db.kysely, logged, last.seq));
  }

  function failed(error: unknown): void {
    if (!failing) onError(error);
    failing = true;
  }

  function deliver(sub: Subscriber, changes: Change[]): void {
    const fresh = changes.filter((c) => c.seq > sub.cursor);
    const last = fresh.at(-1);
    if (!last) return;
    sub.cursor = last.seq;
    sub.sink.send(fresh);
  }

  async function poll(): Promise<void> {
    if (polling || head === null) return;
    polling = true;
    try {
      if (!changed() && !dirty) return;
      dirty = false;
      for (;;) {
        const changes = await read(head);
        const last = changes.at(-1);
        if (head === null || !last) break;
        head = last.seq;
        for (const sub of subscribers) if (sub.live) deliver(sub, changes);
        if (changes.length < batch) break;
      }
      failing = false;
    } catch (error) {
      dirty = true;
      failed(error);
    } finally {
      polling = false;
    }
  }

  function start(): Promise<number> {
    if (head !== null) return Promise.resolve(head);
    starting ??= latestSeq(db.kysely).then(
      (seq) => {
        starting = null;
        head = seq;
        const every = (ms: number, work: () => void) => setInterval(work, ms).unref();
        timers = [
          every(pollMs, () => void poll()),
          every(heartbeatMs, () => {
            for (const sub of subscribers) sub.sink.heartbeat();
          }),
        ];
        return seq;
      },
      (error: unknown) => {
        starting = null;
        throw error;
      },
    );
    return starting;
  }

  function stopIfIdle(): void {
    if (subscribers.size > 0) return;
    for (const timer of timers) clearInterval(timer);
    timers = [];
    head = null;
  }

  function drop(sub: Subscriber): void {
    if (!subscribers.delete(sub)) return;
    stopIfIdle();
  }

  /** Reads the log from the subscriber's cursor until it reaches the feed's, then joins it. */
  async function catchUp(sub: Subscriber): Promise<void> {
    try {
      while (subscribers.has(sub) && head !== null) {
        if (sub.cursor >= head) {
          sub.live = true;
          return;
        }
        const changes = await read(sub.cursor);
        if (!subscribers.has(sub)) return;
        if (changes.length === 0) {
          sub.live = true;
          return;
        }
        deliver(sub, changes);
        await sub.sink.ready();
      }
    } catch (error) {
      failed(error);
      drop(sub);
      sub.sink.end();
    }
  }

  return {
    async subscribe(after, sink) {
      if (closed) {
        sink.end();
        return () => undefined;
      }
      // An id past the newest change is no change of this log (another registry's, or one
      // restored from an older backup): waiting for the log to reach it would hide what comes.
      const latest = await latestSeq(db.kysely);
      const cursor = after === null || after > latest ? latest : after;
      // The feed may stop meanwhile (its last subscriber left): from the check on, no await.
      while (head === null && !closed) await start();
      const current = head;
      if (closed || current === null) {
        sink.end();
        return () => undefined;
      }
      const sub: Subscriber = { cursor, live: false, sink };
      subscribers.add(sub);
      sink.open(cursor);
      if (cursor >= current) sub.live = true;
      else void catchUp(sub);
      return () => drop(sub);
    },
    close() {
      closed = true;
      const all = [...subscribers];
      subscribers.clear();
      stopIfIdle();
      for (const sub of all) sub.sink.end();
    },
    get subscribers() {
      return subscribers.size;
    },
  };
}

import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import { parseStoredMessages } from "../domain/chat.js";
import { type Config, chatContentHash, contentHash, type Json } from "../domain/content.js";
import { type CommitWatch, dataVersionWatch, walIndexWatch } from "./commit-watch.js";
import type { Database } from "./schema.js";

export interface Db {
  /** The query builder every store function takes. */
  kysely: Kysely<Database>;
  /** The raw connection, for raw SQL in tests and tools. */
  sqlite: SQLite.Database;
  /**
   * A second, read-only connection for prepared statements on hot read paths: it sees only
   * committed data, never the middle of a transaction open on the main connection.
   */
  reader(): SQLite.Database;
  /**
   * A new watcher of commits: each call of the function it answers says whether any connection
   * (ours or another process's) committed since its previous call. Exact and cheap: see commit-watch.ts.
   */
  watchCommits(): CommitWatch;
  close(): Promise<void>;
}

let nativeBinding: string | undefined;

/** The single executable unpacks better-sqlite3's addon and points every connection at it. */
export function useNativeBinding(path: string): void {
  nativeBinding = path;
}

export interface ConnectOptions {
  /** Called with the SQL of every statement run through the query builder (benchmarks, tests). */
  onQuery?: (sql: string) => void;
}

/**
 * Opens (and creates, with its folder) the SQLite file with the pragmas the rules rely on:
 * WAL for concurrent readers, foreign keys for cascades, a busy timeout so that concurrent
 * writers queue instead of failing, and synchronous=FULL so that a committed change survives a
 * power cut.
 */
export function connect(file: string, options: ConnectOptions = {}): Db {
  if (file !== ":memory:") mkdirSync(dirname(file), { recursive: true });
  const sqlite = new SQLite(file, nativeBinding ? { nativeBinding } : {});
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("synchronous = FULL");
  registerFunctions(sqlite);
  const { onQuery } = options;
  const kysely = new Kysely<Database>({
    dialect: new SqliteDialect({ database: sqlite }),
    ...(onQuery && {
      log: (event) => {
        if (event.level === "query") onQuery(event.query.sql);
      },
    }),
  });
  let reader: SQLite.Database | undefined;
  let wal: ReturnType<typeof walIndexWatch> | undefined;
  const db: Db = {
    kysely,
    sqlite,
    reader() {
      if (!reader) {
        reader = new SQLite(file, { readonly: true, fileMustExist: true, ...(nativeBinding ? { nativeBinding } : {}) });
        registerFunctions(reader);
      }
      return reader;
    },
    watchCommits() {
      if (wal === undefined) wal = walIndexWatch(db.reader());
      return wal ? wal.watch() : dataVersionWatch(db.reader());
    },
    async close() {
      wal?.close();
      reader?.close();
      await kysely.destroy();
    },
  };
  return db;
}

/**
 * Functions the schema's triggers call (migrations/202612010100_hardening.ts,
 * 202612010600_chat_and_seq.ts). SQLite has no sha256, so R3's content hash is checked with
 * the app's own: a connection without it (the sqlite3 shell) cannot write versions or
 * revisions at all, which is a refusal too. Null for a config that is not a JSON object, and
 * for chat, for a body that is not 1–100 well-formed messages as canonical JSON (SPEC §8), so
 * the trigger refuses it.
 */
function registerFunctions(sqlite: SQLite.Database): void {
  sqlite.function("promptrail_content_hash", { deterministic: true }, (body: unknown, config: unknown) => {
    const parsed = typeof body === "string" ? configOf(config) : null;
    return parsed && contentHash(body as string, parsed);
  });
  sqlite.function("promptrail_chat_hash", { deterministic: true }, (body: unknown, config: unknown) => {
    const parsed = configOf(config);
    const messages = parsed && typeof body === "string" ? parseStoredMessages(body) : null;
    return parsed && messages && chatContentHash(messages as unknown as Json[], parsed);
  });
}

function configOf(config: unknown): Config | null {
  if (typeof config !== "string") return null;
  try {
    const parsed: unknown = JSON.parse(config);
    return parsed === null || typeof parsed !== "object" || Array.isArray(parsed) ? null : (parsed as Config);
  } catch {
    return null;
  }
}

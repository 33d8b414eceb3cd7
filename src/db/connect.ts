import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import type { Database } from "./schema.js";

export interface Db {
  /** The query builder every store function takes. */
  kysely: Kysely<Database>;
  /** The raw connection, for prepared statements on hot paths. */
  sqlite: SQLite.Database;
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** Path to the native addon, for the single executable (see scripts/build-sea.mjs). */
  nativeBinding?: string;
}

/**
 * Opens (and creates, with its folder) the SQLite file with the pragmas the rules rely on:
 * WAL for concurrent readers, foreign keys for cascades, a busy timeout so that concurrent
 * writers queue instead of failing, and synchronous=FULL so that a committed change survives a
 * power cut.
 */
export function connect(file: string, options: ConnectOptions = {}): Db {
  if (file !== ":memory:") mkdirSync(dirname(file), { recursive: true });
  const sqlite = new SQLite(file, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("synchronous = FULL");
  const kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { kysely, sqlite, close: () => kysely.destroy() };
}

import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, PostgresDialect, type SqliteDatabase, SqliteDialect } from "kysely";
import pg from "pg";
import { parseStoredMessages } from "../domain/chat.js";
import { type Config, chatContentHash, contentHash } from "../domain/content.js";
import { parseStoredContract } from "../domain/contract.js";
import { hashOf } from "../domain/prompt-content.js";
import { type CommitWatch, dataVersionWatch, walIndexWatch } from "./commit-watch.js";
import type { Database } from "./schema.js";

/** The two engines (docs/postgresql.md): the embedded SQLite file, or a PostgreSQL server shared by many instances. */
export type Engine = "sqlite" | "postgres";

/**
 * The engine of every query builder connect() and connectPostgres() made, decided there and
 * nowhere else. Keyed by the builder's adapter, which the builders of its connections and
 * transactions share.
 */
const ENGINES = new WeakMap<object, Engine>();

function opened<T extends Db>(db: T): T {
  ENGINES.set(db.kysely.getExecutor().adapter, db.engine);
  return db;
}

/**
 * The engine a query builder (or a connection or transaction of it) runs on, as connect() or
 * connectPostgres() decided it. Throws for a builder neither made: no engine is ever guessed.
 */
export function engineOf(db: Kysely<Database>): Engine {
  const engine = ENGINES.get(db.getExecutor().adapter);
  if (!engine)
    throw new Error("This query builder was not opened by connect() or connectPostgres(): its engine is unknown");
  return engine;
}

/** What every caller needs of a database, whichever the engine. */
interface DbBase {
  engine: Engine;
  /** The query builder every store function takes. */
  kysely: Kysely<Database>;
  /**
   * A new watcher of commits: each call of the function it answers says whether any connection
   * (ours or another process's) may have committed since its previous call, so caches in front
   * of the database are never stale.
   */
  watchCommits(): CommitWatch;
  close(): Promise<void>;
}

export type Db = SqliteDb | PostgresDb;

export interface SqliteDb extends DbBase {
  engine: "sqlite";
  /** The raw connection, for raw SQL in tests and tools. */
  sqlite: SQLite.Database;
  /**
   * A second, read-only connection for prepared statements on hot read paths: it sees only
   * committed data, never the middle of a transaction open on the main connection.
   */
  reader(): SQLite.Database;
}

/**
 * A PostgreSQL database (docs/postgresql.md). Any number of instances may share it, so nothing is cached
 * in front of it: `watchCommits` answers "changed" every time and every read asks the server.
 */
export interface PostgresDb extends DbBase {
  engine: "postgres";
  pool: pg.Pool;
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

/** How many distinct statements a SQLite connection keeps prepared. */
const PREPARED_STATEMENTS = 256;

/**
 * The connection as Kysely sees it, with each statement prepared once: Kysely prepares every query
 * it runs, and preparing was about a sixth of the server's CPU on a write (a promote runs 17
 * statements; docs/performance.md). The newest 256 distinct SQL texts stay prepared. A statement
 * is never shared while it runs: Kysely runs one at a time on this connection, to its end
 * (`all` or `run`; nothing here streams).
 */
function preparedOnce(sqlite: SQLite.Database): SqliteDatabase {
  const prepared = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql) {
      let statement = prepared.get(sql);
      if (statement) {
        prepared.delete(sql);
      } else {
        statement = sqlite.prepare(sql);
        if (prepared.size >= PREPARED_STATEMENTS) prepared.delete(prepared.keys().next().value as string);
      }
      prepared.set(sql, statement);
      return statement;
    },
  };
}

/**
 * Opens (and creates, with its folder) the SQLite file with the pragmas the rules rely on:
 * WAL for concurrent readers, foreign keys for cascades, a busy timeout so that concurrent
 * writers queue instead of failing, and synchronous=FULL so that a committed change survives a
 * power cut.
 */
export function connect(file: string, options: ConnectOptions = {}): SqliteDb {
  if (file !== ":memory:") mkdirSync(dirname(file), { recursive: true });
  const sqlite = new SQLite(file, nativeBinding ? { nativeBinding } : {});
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("synchronous = FULL");
  registerFunctions(sqlite);
  const { onQuery } = options;
  const kysely = new Kysely<Database>({
    dialect: new SqliteDialect({ database: preparedOnce(sqlite) }),
    ...(onQuery && {
      log: (event) => {
        if (event.level === "query") onQuery(event.query.sql);
      },
    }),
  });
  let reader: SQLite.Database | undefined;
  let wal: ReturnType<typeof walIndexWatch> | undefined;
  const db: SqliteDb = {
    engine: "sqlite",
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
  return opened(db);
}

/** Counts (bigint) and numerics come back as JS numbers, as SQLite gives them. */
const NUMBER_TYPES = new Set<number>([pg.types.builtins.INT8, pg.types.builtins.NUMERIC]);
const types = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    NUMBER_TYPES.has(oid) ? Number : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/**
 * Connects to PostgreSQL at `url` with a small pool. Nothing is held in memory that another
 * instance could change, so reads are never stale across instances (docs/postgresql.md).
 */
export function connectPostgres(url: string, options: ConnectOptions & { max?: number } = {}): PostgresDb {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, types });
  // An idle client losing its server (a restart) must not take the process down; the next query reconnects.
  pool.on("error", () => undefined);
  const { onQuery } = options;
  const kysely = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    ...(onQuery && {
      log: (event) => {
        if (event.level === "query") onQuery(event.query.sql);
      },
    }),
  });
  return opened<PostgresDb>({
    engine: "postgres",
    kysely,
    pool,
    watchCommits: () => () => true,
    close: () => kysely.destroy(),
  });
}

/** Where a registry lives: the SQLite file, or the PostgreSQL URL when one is given. */
export interface DatabaseTarget {
  dbFile: string;
  databaseUrl: string | null;
}

/** Opens the database a verb's settings name. */
export function open(target: DatabaseTarget): Db {
  return target.databaseUrl ? connectPostgres(target.databaseUrl) : connect(target.dbFile);
}

/** The database as a message names it: the file, or the URL without its password. */
export function describeTarget(target: DatabaseTarget): string {
  if (!target.databaseUrl) return target.dbFile;
  try {
    const url = new URL(target.databaseUrl);
    if (url.password) url.password = "***";
    return url.toString();
  } catch {
    return "the PostgreSQL database";
  }
}

/**
 * Functions the schema's triggers call (migrations/202612010100_hardening.ts,
 * 202612010600_chat_and_seq.ts). SQLite has no sha256, so R3's content hash is checked with
 * the app's own: a connection without it (the sqlite3 shell) cannot write versions or
 * revisions at all, which is a refusal too. Null for a config that is not a JSON object, and
 * for chat, for a body that is not 1–100 well-formed messages as canonical JSON (docs/rules.md, chat prompts), so
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
    return parsed && messages && chatContentHash(messages, parsed);
  });
  // The prompt contract (migrations/202612090000_contract.ts): 1 when the three columns are a
  // well-formed contract in stored form; the hash of a version or revision with its contract.
  // A save asks about the same contract four times (the version's and the revision's hash and
  // contract triggers): the last answer is kept.
  let last: { key: unknown[]; contract: ReturnType<typeof parseStoredContract> } | null = null;
  const contractOf = (variables: unknown, tools: unknown, responseFormat: unknown) => {
    const key = [variables, tools, responseFormat];
    if (!last || key.some((v, i) => v !== last?.key[i]))
      last = { key, contract: parseStoredContract(variables, tools, responseFormat) };
    return last.contract;
  };
  sqlite.function("promptrail_contract_ok", { deterministic: true }, (variables, tools, responseFormat) =>
    contractOf(variables, tools, responseFormat) ? 1 : 0,
  );
  sqlite.function(
    "promptrail_version_hash",
    { deterministic: true },
    (type: unknown, body: unknown, config: unknown, variables: unknown, tools: unknown, responseFormat: unknown) => {
      const parsed = typeof body === "string" ? configOf(config) : null;
      const contract = contractOf(variables, tools, responseFormat);
      if (!parsed || !contract) return null;
      if (type !== "chat") return hashOf({ type: "text", body: body as string }, parsed, contract);
      const messages = parseStoredMessages(body as string);
      return messages && hashOf({ type: "chat", messages }, parsed, contract);
    },
  );
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

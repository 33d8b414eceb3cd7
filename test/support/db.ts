import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { type ConnectOptions, connect, connectPostgres, type Db, type SqliteDb } from "../../src/db/connect.js";
import { migrateToLatest } from "../../src/db/migrate.js";
import { createServices } from "../../src/services/index.js";
import type { PromotionCheck } from "../../src/services/versions.service.js";
import { afterEveryTest } from "./cleanups.js";
import { createMigratedTestDatabase } from "./pg-databases.js";

/**
 * The engine the suite runs on: SQLite unless PROMPTRAIL_TEST_ENGINE=postgres (vitest's
 * `postgres` project, docs/postgresql.md), where every fresh database is a new PostgreSQL database.
 */
export const TEST_ENGINE = process.env.PROMPTRAIL_TEST_ENGINE === "postgres" ? "postgres" : "sqlite";

/** Where a test's database lives, and how it is removed. */
interface Place {
  /** The SQLite file, or on PostgreSQL the database's URL. */
  file: string;
  dir: string;
  drop: () => Promise<void>;
}

/** A test's database, on the engine the suite runs on: `engine` says which, as it does in the app. */
export type TestDb = Db & Place;

const opened: TestDb[] = [];

afterEveryTest(async () => {
  for (const db of opened.splice(0)) await dispose(db);
});

async function dispose(db: TestDb): Promise<void> {
  await db.close();
  await db.drop();
}

async function openDb(options: ConnectOptions = {}): Promise<TestDb> {
  return TEST_ENGINE === "postgres" ? openPostgres(options) : openSqlite(options);
}

/**
 * A SQLite file migrated once per worker and closed (so it is one file, its WAL folded in): each
 * fresh database is a copy of it, as each PostgreSQL one is a copy of a migrated template
 * database. Migrating every test's file cost 30–40 ms a test.
 */
let migrated: Promise<string> | undefined;

function migratedFile(): Promise<string> {
  migrated ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), "promptrail-template-"));
    process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, "promptrail.db");
    const db = connect(file);
    await migrateToLatest(db.kysely);
    await db.close();
    return file;
  })();
  return migrated;
}

async function openSqlite(options: ConnectOptions): Promise<SqliteDb & Place> {
  const dir = mkdtempSync(join(tmpdir(), "promptrail-test-"));
  const file = join(dir, "promptrail.db");
  copyFileSync(await migratedFile(), file);
  const db = connect(file, options);
  return Object.assign(db, { file, dir, drop: async () => rmSync(dir, { recursive: true, force: true }) });
}

async function openPostgres(options: ConnectOptions): Promise<TestDb> {
  const { url, drop } = await createMigratedTestDatabase();
  const db = connectPostgres(url, { ...options, max: 4 });
  return Object.assign(db, { file: url, dir: "", drop });
}

/**
 * The SQLite connection of a test's database, for tests that read the file with raw SQL; such
 * tests stay out of the `postgres` project (vitest.config.ts), and on PostgreSQL this throws.
 */
export function sqliteOf(db: Db): SqliteDb {
  if (db.engine !== "sqlite") throw new Error("This test reads the SQLite file directly: it runs on SQLite only");
  return db;
}

/** A fresh, migrated database (a SQLite file in its own temp folder), closed and removed after the test. */
export async function freshDb(options: ConnectOptions = {}): Promise<TestDb> {
  const db = await openDb(options);
  opened.push(db);
  return db;
}

/** A fresh, migrated SQLite file whatever the suite's engine: for the tests about the file itself. */
export async function freshSqliteDb(options: ConnectOptions = {}): Promise<SqliteDb & Place> {
  const db = await openSqlite(options);
  opened.push(db);
  return db;
}

/**
 * The environment that points the command line or a server process at a test's database: the
 * SQLite file, or on PostgreSQL its URL (which is what `file` holds there).
 */
export function databaseEnv(db: TestDb): { PROMPTRAIL_DB: string } | { PROMPTRAIL_DATABASE_URL: string } {
  return TEST_ENGINE === "postgres" ? { PROMPTRAIL_DATABASE_URL: db.file } : { PROMPTRAIL_DB: db.file };
}

/**
 * A connection of its own to a test's database, as another process or instance would open it
 * (the SQLite file again, or a new pool on the PostgreSQL database); the caller closes it.
 */
export function connectAgain(db: TestDb): Db {
  return TEST_ENGINE === "postgres" ? connectPostgres(db.file, { max: 2 }) : connect(db.file);
}

export interface ServiceOptions {
  /** A pinned clock. */
  now?: () => Date;
  /** Checks run inside every promotion (the TEST gate, or a test's own). */
  promotionChecks?: PromotionCheck[];
}

/** Services over a fresh database, with the database for raw SQL checks. */
export async function freshServices(options: ServiceOptions = {}) {
  const db = await freshDb();
  return { db, ...createServices({ db, ...options }) };
}

export type TestServices = Awaited<ReturnType<typeof freshServices>>;

/** Services over a fresh SQLite file, with its connection for raw SQL: for the tests about the file itself. */
export async function freshSqliteServices(options: ServiceOptions = {}) {
  const db = await freshSqliteDb();
  return { db, ...createServices({ db, ...options }) };
}

/**
 * One database for every test of a file (for tests that must leave it unchanged), set up once by
 * `setup`, closed after the last test. Answers a getter, valid inside tests.
 */
export function sharedServices(setup: (s: TestServices) => Promise<void>): () => TestServices {
  let shared: TestServices | undefined;
  beforeAll(async () => {
    const db = await openDb();
    shared = { db, ...createServices({ db }) };
    await setup(shared);
  });
  afterAll(async () => {
    if (shared) await dispose(shared.db);
  });
  return () => {
    if (!shared) throw new Error("sharedServices is only ready inside tests");
    return shared;
  };
}

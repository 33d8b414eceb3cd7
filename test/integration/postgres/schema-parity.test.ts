import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { beforeAll, describe, expect, test } from "vitest";
import { connect, connectPostgres } from "../../../src/db/connect.js";
import { migrateToLatest } from "../../../src/db/migrate.js";
import { createMigratedTestDatabase } from "../../support/pg-databases.js";

/**
 * SPEC §10: PostgreSQL holds the schema the SQLite migrations build, to the column: the same
 * tables, columns, nullability and triggers (each rule under its SQLite name, R12).
 */
type Column = { table: string; column: string; notNull: boolean };
type Shape = { columns: Column[]; triggers: string[] };

/**
 * PostgreSQL's triggers for what SQLite guarantees by itself: `events_in_commit_order` makes an
 * insert into the log queue on the writers' lock, which SQLite's single writer always does.
 */
const POSTGRES_ONLY = new Set(["events_in_commit_order"]);

/** Bookkeeping that is no part of the schema: SQLite's own, and the migration ledger. */
const BOOKKEEPING = new Set(["sqlite_sequence", "kysely_migration", "kysely_migration_lock"]);
/**
 * PostgreSQL's change counter (instances tell from it whether their caches are stale), its
 * guard and the triggers that bump it: SQLite has its own counter, the WAL index's.
 */
const CHANGE_COUNTER = new Set(["promptrail_changes"]);
const isCounterTrigger = (name: string) => name === "promptrail_changes_kept" || name.endsWith("_bump_changes");

let sqlite: Shape;
let postgres: Shape;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), "promptrail-parity-"));
  const db = connect(join(dir, "promptrail.db"));
  try {
    await migrateToLatest(db.kysely);
    const tables = (
      db.sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{
        name: string;
      }>
    )
      .map((t) => t.name)
      .filter((name) => !BOOKKEEPING.has(name));
    const columns = tables.flatMap((table) =>
      (db.sqlite.pragma(`table_info(${table})`) as Array<{ name: string; notnull: number; pk: number }>).map((c) => ({
        table,
        column: c.name,
        // A primary key is never null in practice (the app writes none); PostgreSQL says so.
        notNull: c.notnull === 1 || c.pk > 0,
      })),
    );
    const triggers = (
      db.sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name").all() as Array<{
        name: string;
      }>
    ).map((t) => t.name);
    sqlite = { columns, triggers };
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }

  const database = await createMigratedTestDatabase();
  const kysely = connectPostgres(database.url, { max: 4 }).kysely;
  try {
    const columns = (
      await sql<{ table_name: string; column_name: string; is_nullable: string }>`
        SELECT table_name, column_name, is_nullable FROM information_schema.columns
        WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`.execute(kysely)
    ).rows
      .filter((c) => !BOOKKEEPING.has(c.table_name) && !CHANGE_COUNTER.has(c.table_name))
      .map((c) => ({ table: c.table_name, column: c.column_name, notNull: c.is_nullable === "NO" }));
    const triggers = (
      await sql<{ tgname: string }>`
        SELECT tgname FROM pg_trigger WHERE NOT tgisinternal ORDER BY tgname COLLATE "C"`.execute(kysely)
    ).rows
      .map((t) => t.tgname)
      .filter((name) => !isCounterTrigger(name));
    postgres = { columns, triggers };
  } finally {
    await kysely.destroy();
    await database.drop();
  }
});

describe("PostgreSQL schema parity with SQLite (SPEC §10)", () => {
  test("the same tables with the same columns, in the same order", () => {
    const byTable = (columns: Column[]) => {
      const tables = new Map<string, string[]>();
      for (const c of columns) tables.set(c.table, [...(tables.get(c.table) ?? []), c.column]);
      return Object.fromEntries([...tables].sort(([a], [b]) => (a < b ? -1 : 1)));
    };
    expect(Object.keys(byTable(sqlite.columns))).toHaveLength(16);
    expect(byTable(postgres.columns)).toEqual(byTable(sqlite.columns));
  });

  test("the same nullability, column by column", () => {
    const key = (c: Column) => `${c.table}.${c.column} ${c.notNull ? "NOT NULL" : "NULL"}`;
    expect(postgres.columns.map(key).sort()).toEqual(sqlite.columns.map(key).sort());
  });

  test("every SQLite trigger has its PostgreSQL twin of the same name, and no other but PostgreSQL's own", () => {
    expect(sqlite.triggers.length).toBeGreaterThan(60);
    expect(postgres.triggers.filter((t) => !POSTGRES_ONLY.has(t))).toEqual([...sqlite.triggers].sort());
    expect(postgres.triggers.filter((t) => POSTGRES_ONLY.has(t))).toEqual([...POSTGRES_ONLY]);
  });
});

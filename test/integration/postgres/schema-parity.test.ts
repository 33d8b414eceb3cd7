import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type SQLite from "better-sqlite3";
import { type Kysely, sql } from "kysely";
import { beforeAll, describe, expect, test } from "vitest";
import { connect, connectPostgres } from "../../../src/db/connect.js";
import { migrateToLatest } from "../../../src/db/migrate.js";
import type { Database } from "../../../src/db/schema.js";
import { createMigratedTestDatabase } from "../../support/pg-databases.js";

/**
 * PostgreSQL holds the schema the SQLite migrations build (the same rules on both engines,
 * rules.md#same-rules-both-engines), compared in a normalised form: the same tables, columns
 * and nullability; the same triggers by name; the same CHECK constraints by name; the same
 * primary keys, unique constraints and unique indexes by their columns (and partial predicate);
 * the same other indexes by name and columns; the same foreign keys with their ON DELETE.
 *
 * Not compared, because the two dialects cannot be put in one form: a CHECK's or a trigger's
 * expression (GLOB and json_type against regular expressions and PL/pgSQL), column types
 * (SQLite's affinities), defaults and collations. What those expressions do is held to the same
 * outcome by the one table of forbidden writes (test/support/forbidden-writes.ts), which both
 * engines run.
 */
type Column = { table: string; column: string; notNull: boolean };
type Shape = {
  columns: Column[];
  triggers: string[];
  checks: string[];
  /** `table (cols) PRIMARY KEY` / `table (cols) UNIQUE [WHERE …]`: the names differ by design (rules.md). */
  keys: string[];
  indexes: string[];
  foreignKeys: string[];
};

/**
 * PostgreSQL's triggers for what SQLite guarantees by itself or has no statement for, by name:
 * `events_in_commit_order` makes an insert into the log queue on the writers' lock, which
 * SQLite's single writer always does; the `*_no_truncate` guards refuse TRUNCATE, which SQLite
 * does not have (its DELETE without WHERE fires the delete triggers).
 */
const POSTGRES_ONLY = [
  "comparisons_no_truncate",
  "environments_no_truncate",
  "events_in_commit_order",
  "events_no_truncate",
  "prompts_no_truncate",
  "review_votes_no_truncate",
  "reviews_no_truncate",
  "revisions_no_truncate",
  "stage_moves_no_truncate",
  "test_runs_no_truncate",
  "users_no_truncate",
  "versions_no_truncate",
];

/** Bookkeeping that is no part of the schema: SQLite's own, and the migration ledger. */
const BOOKKEEPING = new Set(["sqlite_sequence", "kysely_migration", "kysely_migration_lock"]);
/**
 * PostgreSQL's change counter (instances tell from it whether their caches are stale), its
 * guard and the triggers that bump it: SQLite has its own counter, the WAL index's.
 */
const CHANGE_COUNTER = new Set(["promptrail_changes"]);
const isCounterTrigger = (name: string) => name === "promptrail_changes_kept" || name.endsWith("_bump_changes");
/**
 * CHECKs SQLite holds without a name, by the name PostgreSQL gives them: a column added by
 * ALTER TABLE with its CHECK inline (migrations are frozen; naming it on SQLite means
 * rebuilding the table). Listed by name, so that no new one goes unnoticed.
 */
const UNNAMED_ON_SQLITE: Record<string, string> = {
  "sign_in_failures: unnamed CHECK on name_forgiven": "sign_in_failures: sign_in_failures_name_forgiven",
};
const outsideSchema = (table: string) => BOOKKEEPING.has(table) || CHANGE_COUNTER.has(table);

/** A partial index's predicate without the parentheses and spaces each engine adds or drops. */
/** PostgreSQL spells a literal in a partial index with its cast (`'open'::text`); SQLite does not. */
const predicate = (where: string | null) => (where ? ` WHERE ${where.replace(/::\w+|[()\s]/g, "").toLowerCase()}` : "");

/** A CREATE TABLE's parts at the top level: column definitions and table constraints. */
function topLevelParts(createTable: string): string[] {
  const body = createTable.slice(createTable.indexOf("(") + 1, createTable.lastIndexOf(")"));
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch === "'") quoted = !quoted;
    else if (quoted) continue;
    else if (ch === "(") depth++;
    else if (ch === ")") depth--;
    else if (ch === "," && depth === 0) {
      parts.push(body.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(body.slice(start).trim());
  return parts;
}

/**
 * SQLite keeps CHECKs only in the CREATE TABLE text: a named one by its name, an unnamed one on
 * a column as `unnamed CHECK on <column>` (SQLite then reports it by its expression).
 */
function sqliteChecks(table: string, createTable: string): string[] {
  const names: string[] = [];
  for (const part of topLevelParts(createTable)) {
    const named = [...part.matchAll(/\bCONSTRAINT\s+"?(\w+)"?\s+CHECK\b/gi)].map((m) => m[1] as string);
    names.push(...named);
    const checks = part.match(/\bCHECK\s*\(/gi)?.length ?? 0;
    if (checks > named.length) {
      if (/^(CONSTRAINT|CHECK)\b/i.test(part)) names.push(`${table} unnamed CHECK`);
      else names.push(`unnamed CHECK on ${part.split(/\s+/)[0]?.replaceAll('"', "")}`);
    }
  }
  return names.map((name) => `${table}: ${name}`);
}

function sqliteShape(db: SQLite.Database): Shape {
  const all = <T>(query: string, ...args: unknown[]) => db.prepare(query).all(...args) as T[];
  const tables = all<{ name: string; sql: string }>(
    "SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name",
  ).filter((t) => !outsideSchema(t.name));
  const shape: Shape = { columns: [], triggers: [], checks: [], keys: [], indexes: [], foreignKeys: [] };
  for (const { name: table, sql: createTable } of tables) {
    const info = db.pragma(`table_info(${table})`) as Array<{ name: string; notnull: number; pk: number }>;
    // A primary key is never null in practice (the app writes none); PostgreSQL says so.
    shape.columns.push(...info.map((c) => ({ table, column: c.name, notNull: c.notnull === 1 || c.pk > 0 })));
    const pk = info.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk);
    if (pk.length) shape.keys.push(`${table} (${pk.map((c) => c.name).join(", ")}) PRIMARY KEY`);
    shape.checks.push(...sqliteChecks(table, createTable));
    for (const index of db.pragma(`index_list(${table})`) as Array<{ name: string; unique: number; origin: string }>) {
      if (index.origin === "pk") continue;
      const columns = (db.pragma(`index_info("${index.name}")`) as Array<{ seqno: number; name: string }>)
        .sort((a, b) => a.seqno - b.seqno)
        .map((c) => c.name)
        .join(", ");
      const text = db.prepare("SELECT sql FROM sqlite_master WHERE name = ?").pluck().get(index.name) as string | null;
      const where = text?.match(/\bWHERE\b(.*)$/is)?.[1] ?? null;
      if (index.unique) shape.keys.push(`${table} (${columns}) UNIQUE${predicate(where)}`);
      else shape.indexes.push(`${index.name}: ${table} (${columns})${predicate(where)}`);
    }
    const keys = db.pragma(`foreign_key_list(${table})`) as Array<{
      id: number;
      seq: number;
      table: string;
      from: string;
      to: string | null;
      on_delete: string;
    }>;
    for (const id of new Set(keys.map((k) => k.id))) {
      const parts = keys.filter((k) => k.id === id).sort((a, b) => a.seq - b.seq);
      const onDelete = parts[0]?.on_delete === "NO ACTION" ? "" : ` ON DELETE ${parts[0]?.on_delete}`;
      shape.foreignKeys.push(
        `${table} (${parts.map((k) => k.from).join(", ")}) REFERENCES ${parts[0]?.table} (${parts.map((k) => k.to ?? "id").join(", ")})${onDelete}`,
      );
    }
  }
  shape.triggers = all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name").map(
    (t) => t.name,
  );
  return shape;
}

async function postgresShape(db: Kysely<Database>): Promise<Shape> {
  const columns = (
    await sql<{ table_name: string; column_name: string; is_nullable: string }>`
      SELECT table_name, column_name, is_nullable FROM information_schema.columns
      WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`.execute(db)
  ).rows
    .filter((c) => !outsideSchema(c.table_name))
    .map((c) => ({ table: c.table_name, column: c.column_name, notNull: c.is_nullable === "NO" }));
  const triggers = (
    await sql<{ tgname: string }>`
      SELECT tgname FROM pg_trigger WHERE NOT tgisinternal ORDER BY tgname COLLATE "C"`.execute(db)
  ).rows
    .map((t) => t.tgname)
    .filter((name) => !isCounterTrigger(name));
  const checks = (
    await sql<{ table: string; name: string }>`
      SELECT rel.relname AS table, con.conname AS name FROM pg_constraint con
      JOIN pg_class rel ON rel.oid = con.conrelid JOIN pg_namespace n ON n.oid = rel.relnamespace
      WHERE n.nspname = 'public' AND con.contype = 'c'`.execute(db)
  ).rows
    .filter((c) => !outsideSchema(c.table))
    .map((c) => `${c.table}: ${c.name}`);
  const indexes = (
    await sql<{
      table: string;
      name: string;
      unique: boolean;
      primary: boolean;
      columns: string;
      where: string | null;
    }>`
      SELECT t.relname AS table, i.relname AS name, ix.indisunique AS unique, ix.indisprimary AS primary,
        (SELECT string_agg(a.attname, ', ' ORDER BY k.n) FROM unnest(ix.indkey) WITH ORDINALITY k(attnum, n)
          JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum) AS columns,
        pg_get_expr(ix.indpred, ix.indrelid) AS where
      FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = 'public'`.execute(db)
  ).rows.filter((i) => !outsideSchema(i.table));
  const foreignKeys = (
    await sql<{ table: string; definition: string }>`
      SELECT rel.relname AS table, pg_get_constraintdef(con.oid) AS definition FROM pg_constraint con
      JOIN pg_class rel ON rel.oid = con.conrelid JOIN pg_namespace n ON n.oid = rel.relnamespace
      WHERE n.nspname = 'public' AND con.contype = 'f'`.execute(db)
  ).rows.map((f) => {
    const [, from, target, to, onDelete] =
      f.definition.match(/^FOREIGN KEY \(([^)]*)\) REFERENCES (\w+)\(([^)]*)\)(?: ON DELETE (\w+))?/) ?? [];
    return `${f.table} (${from}) REFERENCES ${target} (${to})${onDelete ? ` ON DELETE ${onDelete}` : ""}`;
  });
  return {
    columns,
    triggers,
    checks,
    keys: indexes
      .filter((i) => i.unique)
      .map((i) => `${i.table} (${i.columns}) ${i.primary ? "PRIMARY KEY" : `UNIQUE${predicate(i.where)}`}`),
    indexes: indexes.filter((i) => !i.unique).map((i) => `${i.name}: ${i.table} (${i.columns})${predicate(i.where)}`),
    foreignKeys,
  };
}

let sqlite: Shape;
let postgres: Shape;
/** PostgreSQL's triggers by table and event, for the TRUNCATE guards. */
let pgTriggers: Array<{ table: string; name: string; beforeDelete: boolean; truncate: boolean }>;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), "promptrail-parity-"));
  const db = connect(join(dir, "promptrail.db"));
  try {
    await migrateToLatest(db.kysely);
    sqlite = sqliteShape(db.sqlite);
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }

  const database = await createMigratedTestDatabase();
  const kysely = connectPostgres(database.url, { max: 4 }).kysely;
  try {
    postgres = await postgresShape(kysely);
    // tgtype bits: 2 BEFORE, 8 DELETE, 32 TRUNCATE.
    pgTriggers = (
      await sql<{ table: string; name: string; beforeDelete: boolean; truncate: boolean }>`
        SELECT c.relname AS table, t.tgname AS name, (t.tgtype & 10) = 10 AS "beforeDelete", (t.tgtype & 32) <> 0 AS truncate
        FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal`.execute(kysely)
    ).rows;
  } finally {
    await kysely.destroy();
    await database.drop();
  }
});

const sorted = (list: string[]) => [...list].sort();

describe("PostgreSQL schema parity with SQLite", () => {
  test("the same tables with the same columns, in the same order", () => {
    const byTable = (columns: Column[]) => {
      const tables = new Map<string, string[]>();
      for (const c of columns) tables.set(c.table, [...(tables.get(c.table) ?? []), c.column]);
      return Object.fromEntries([...tables].sort(([a], [b]) => (a < b ? -1 : 1)));
    };
    expect(Object.keys(byTable(sqlite.columns))).toHaveLength(19);
    expect(byTable(postgres.columns)).toEqual(byTable(sqlite.columns));
  });

  test("the same nullability, column by column", () => {
    const key = (c: Column) => `${c.table}.${c.column} ${c.notNull ? "NOT NULL" : "NULL"}`;
    expect(postgres.columns.map(key).sort()).toEqual(sqlite.columns.map(key).sort());
  });

  test("every SQLite trigger has its PostgreSQL twin of the same name, and no other but PostgreSQL's own, listed", () => {
    expect(sqlite.triggers.length).toBeGreaterThan(60);
    expect(postgres.triggers.filter((t) => !POSTGRES_ONLY.includes(t))).toEqual(sorted(sqlite.triggers));
    expect(postgres.triggers.filter((t) => POSTGRES_ONLY.includes(t))).toEqual(POSTGRES_ONLY);
  });

  test("the same CHECK constraints, by table and name", () => {
    expect(sqlite.checks.length).toBeGreaterThan(50);
    expect(sorted(postgres.checks)).toEqual(sorted(sqlite.checks.map((check) => UNNAMED_ON_SQLITE[check] ?? check)));
  });

  test("the same primary keys, unique constraints and unique indexes, by columns and partial predicate", () => {
    expect(sqlite.keys).toContain("versions (prompt_id, stage) UNIQUE WHERE is_current=1");
    expect(sqlite.keys).toContain("users (name) UNIQUE");
    expect(sorted(postgres.keys)).toEqual(sorted(sqlite.keys));
  });

  test("the same other indexes, by name and columns", () => {
    expect(sqlite.indexes).toContain("events_by_prompt: events (prompt_id, id)");
    expect(sorted(postgres.indexes)).toEqual(sorted(sqlite.indexes));
  });

  test("the same foreign keys, with their ON DELETE", () => {
    expect(sqlite.foreignKeys).toContain("revisions (version_id) REFERENCES versions (id) ON DELETE CASCADE");
    expect(sorted(postgres.foreignKeys)).toEqual(sorted(sqlite.foreignKeys));
  });

  test("every table whose rows a delete rule guards refuses TRUNCATE on PostgreSQL", () => {
    const guarded = new Set(pgTriggers.filter((t) => t.beforeDelete && !t.truncate).map((t) => t.table));
    const refusing = new Set(pgTriggers.filter((t) => t.truncate && t.beforeDelete === false).map((t) => t.table));
    expect([...guarded].filter((table) => !refusing.has(table))).toEqual([]);
    expect(guarded.size).toBeGreaterThanOrEqual(7);
  });
});

import type Database from "better-sqlite3";
import { CompiledQuery, type Kysely, sql } from "kysely";
import { expect } from "vitest";
import { type Db, engineOf } from "../../src/db/connect.js";
import type { Database as Schema } from "../../src/db/schema.js";
import { DomainError, type ErrorCode } from "../../src/domain/errors.js";
import type { Services } from "../../src/services/index.js";
import { refusalOf } from "../../src/store/refusals.js";

/**
 * Every version of a prompt as "number STAGE" plus " current" when it holds its stage's flag,
 * newest number first: one string shows stage, flag and number of ALL versions at once.
 */
export async function versionsOf(services: Pick<Services, "prompts">, name: string): Promise<string[]> {
  const prompt = await services.prompts.get(name);
  return prompt.versions.map((v) => `${v.version} ${v.stage}${v.current ? " current" : ""}`);
}

/** The same picture read straight from the table, so a service bug cannot hide a storage one. */
export async function rawVersionsOf(db: Db, name: string): Promise<string[]> {
  const rows = await db.kysely
    .selectFrom("versions as v")
    .innerJoin("prompts as p", "p.id", "v.prompt_id")
    .select(["v.major", "v.minor", "v.stage", "v.is_current"])
    .where("p.name", "=", name)
    .orderBy("v.major", "desc")
    .orderBy("v.minor", "desc")
    .execute();
  return rows.map((r) => `${r.major}.${r.minor} ${r.stage}${r.is_current ? " current" : ""}`);
}

/** Asserts the prompt's versions through the services and in the table itself. */
export async function expectVersions(
  services: Pick<Services, "prompts">,
  db: Db,
  name: string,
  expected: string[],
): Promise<void> {
  expect(await versionsOf(services, name)).toEqual(expected);
  expect(await rawVersionsOf(db, name)).toEqual(expected);
}

/**
 * Every row of every table (migration bookkeeping included), on either engine or a raw SQLite
 * connection: equal dumps mean nothing was written.
 */
export async function dumpAll(db: Db | Database.Database): Promise<Record<string, unknown[]>> {
  if ("engine" in db && db.engine === "postgres") {
    const { rows: tables } = await sql<{ name: string }>`
      SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename`.execute(
      db.kysely,
    );
    const dump: Record<string, unknown[]> = {};
    for (const { name } of tables)
      dump[name] = (await sql`SELECT * FROM ${sql.table(name)} ORDER BY 1`.execute(db.kysely)).rows;
    return dump;
  }
  return dumpSqlite("engine" in db ? db.sqlite : db);
}

function dumpSqlite(sqlite: Database.Database): Record<string, unknown[]> {
  const tables = sqlite
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .pluck()
    .all() as string[];
  return Object.fromEntries(tables.map((t) => [t, sqlite.prepare(`SELECT * FROM "${t}" ORDER BY rowid`).all()]));
}

export interface LoggedEvent {
  type: string;
  actor: string;
  version: string | null;
  detail: Record<string, unknown>;
}

/** The raw event log of a prompt, oldest first. */
export async function eventsOf(db: Db, name: string): Promise<LoggedEvent[]> {
  const rows = await db.kysely
    .selectFrom("events as e")
    .innerJoin("prompts as p", "p.id", "e.prompt_id")
    .select(["e.type", "e.actor", "e.version", "e.detail"])
    .where("p.name", "=", name)
    .orderBy("e.id")
    .execute();
  return rows.map((r) => ({ ...r, detail: JSON.parse(r.detail) as Record<string, unknown> }));
}

/** Awaits a refusal and answers it, failing the test unless it is a DomainError with `code`. */
export async function refusal(work: Promise<unknown>, code: ErrorCode): Promise<DomainError> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `expected a ${code} refusal`).toBeInstanceOf(DomainError);
  expect((error as DomainError).code).toBe(code);
  return error as DomainError;
}

/** A database of either engine, or one connection of it (`{ kysely: connection }`, for a transaction of its own). */
type OnEither = { kysely: Kysely<Schema> };

/**
 * Runs one raw SQL statement with `?` placeholders on either engine (they become `$1`, `$2`… on
 * PostgreSQL; the statements of the tests have no `?` inside literals), answering its rows and the
 * number of rows it changed.
 */
export async function rawSql<Row = Record<string, unknown>>(
  db: OnEither,
  statement: string,
  ...params: unknown[]
): Promise<{ rows: Row[]; changes: number }> {
  let n = 0;
  const text = engineOf(db.kysely) === "postgres" ? statement.replaceAll("?", () => `$${++n}`) : statement;
  const result = await db.kysely.executeQuery<Row>(CompiledQuery.raw(text, params));
  return { rows: result.rows, changes: Number(result.numAffectedRows ?? 0) };
}

/** The first column of the first row of a raw SQL read, on either engine. */
export async function rawValue(db: OnEither, statement: string, ...params: unknown[]): Promise<unknown> {
  const { rows } = await rawSql(db, statement, ...params);
  const [row] = rows;
  return row === undefined ? undefined : Object.values(row)[0];
}

/** PostgreSQL's SQLSTATEs as the kinds SQLite's constraint codes name. */
const POSTGRES_KINDS: Record<string, string> = {
  "23505": "UNIQUE",
  "23514": "CHECK",
  "23502": "NOTNULL",
  "23503": "FOREIGNKEY",
  P0001: "TRIGGER",
};

export interface RawRefusal {
  /** CHECK, UNIQUE, TRIGGER, NOTNULL, FOREIGNKEY (SQLite's PRIMARYKEY is UNIQUE on PostgreSQL). */
  kind: string;
  /** The database's message: a trigger's RAISE text, word for word the same on both engines. */
  message: string;
  /** The rule as the app names it (src/store/refusals.ts): trigger, CHECK, or a UNIQUE's columns. */
  rule: string;
}

/** Runs raw SQL (`?` placeholders) that the database must refuse, on either engine, answering who refused it. */
export async function refusedRaw(db: OnEither, statement: string, ...params: unknown[]): Promise<RawRefusal> {
  const error = await rawSql(db, statement, ...params).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `the database accepted: ${statement}`).toBeInstanceOf(Error);
  const { code, message } = error as Error & { code: string };
  const kind =
    engineOf(db.kysely) === "postgres"
      ? (POSTGRES_KINDS[code] ?? code)
      : code === "SQLITE_CONSTRAINT_PRIMARYKEY"
        ? "UNIQUE"
        : code.replace(/^SQLITE_CONSTRAINT_/, "");
  const refusal = await refusalOf(db.kysely, error);
  return { kind, message, rule: refusal?.rule ?? code };
}

/** The body of a text prompt's version or revision (docs/rules.md, chat prompts: chat ones carry messages instead). */
export function textOf(v: { type: "text"; body: string } | { type: "chat" } | undefined): string {
  if (v?.type !== "text") throw new Error(`expected a text prompt's content, got ${JSON.stringify(v)}`);
  return v.body;
}

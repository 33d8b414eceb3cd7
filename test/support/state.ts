import type Database from "better-sqlite3";
import { sql } from "kysely";
import { expect } from "vitest";
import type { Db } from "../../src/db/connect.js";
import { DomainError, type ErrorCode } from "../../src/domain/errors.js";
import type { Services } from "../../src/services/index.js";

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

/** Runs raw SQL that the database must refuse, answering the SQLite error for closer checks. */
export function refusedSql(sqlite: Database.Database, sql: string, ...params: unknown[]) {
  let error: unknown;
  try {
    sqlite.prepare(sql).run(...params);
  } catch (e) {
    error = e;
  }
  expect(error, `the database accepted: ${sql}`).toBeInstanceOf(Error);
  return error as Error & { code: string };
}

/** The body of a text prompt's version or revision (SPEC §8: chat ones carry messages instead). */
export function textOf(v: { type: "text"; body: string } | { type: "chat" } | undefined): string {
  if (v?.type !== "text") throw new Error(`expected a text prompt's content, got ${JSON.stringify(v)}`);
  return v.body;
}

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type SQLite from "better-sqlite3";
import { type Kysely, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { connect, connectPostgres, type SqliteDb } from "../../../src/db/connect.js";
import { migrateToLatest } from "../../../src/db/migrate.js";
import type { Database } from "../../../src/db/schema.js";
import { domainErrorOf } from "../../../src/services/refusals.js";
import { DatabaseRefusal, refusalOf } from "../../../src/store/refusals.js";
import { allowed, attacks, fresh, lookup, registry, rows, sqliteCandidates } from "../../support/forbidden-writes.js";
import { createMigratedTestDatabase } from "../../support/pg-databases.js";

/**
 * R12 on PostgreSQL: the database refuses every write of the one table of forbidden writes
 * (test/support/forbidden-writes.ts) with the rule that table names, as SQLite does (so the app
 * maps it to the same answer); the app's own statements (the stores, in the order the services
 * run them) and every allowed raw write go through and leave both databases with the same rows.
 */
type Db = Kysely<Database>;
/** PostgreSQL has one form of each statement. */
const plain = (statement: string) => statement.replace("{INSERT}", "INSERT").replace("{UPDATE}", "UPDATE");

let database: Awaited<ReturnType<typeof createMigratedTestDatabase>>;
let pg: Db;
let lite: SqliteDb;
let dir: string;

beforeAll(async () => {
  database = await createMigratedTestDatabase();
  pg = connectPostgres(database.url, { max: 4 }).kysely;
  await registry(pg);
  dir = mkdtempSync(join(tmpdir(), "promptrail-twin-"));
  lite = connect(join(dir, "promptrail.db"));
  await migrateToLatest(lite.kysely);
  await registry(lite.kysely);
});

afterAll(async () => {
  await pg.destroy();
  await database.drop();
  await lite.close();
  rmSync(dir, { recursive: true, force: true });
});

type Outcome = { rule: string | null; message: string | null; state: Record<string, unknown[]> };

/** Runs statements in a transaction that is rolled back; answers the refusal's rule (null: accepted) and the rows left. */
async function onPostgres(statements: string[]): Promise<Outcome> {
  return pg.connection().execute(async (c) => {
    await sql`BEGIN`.execute(c);
    try {
      for (const statement of statements) await sql.raw(statement).execute(c);
      return { rule: null, message: null, state: await rows(c) };
    } catch (error) {
      await sql`ROLLBACK`.execute(c);
      await sql`BEGIN`.execute(c);
      const e = error as { constraint?: string; code?: string; message: string };
      return { rule: e.constraint ?? `no constraint (${e.code})`, message: e.message, state: await rows(c) };
    } finally {
      await sql`ROLLBACK`.execute(c);
    }
  });
}

async function onSqlite(statements: string[]): Promise<Outcome> {
  const sqlite: SQLite.Database = lite.sqlite;
  sqlite.exec("BEGIN");
  try {
    for (const statement of statements) sqlite.prepare(statement).run();
    return { rule: null, message: null, state: await rows(lite.kysely) };
  } catch (error) {
    const refusal = await refusalOf(lite.kysely, error);
    sqlite.exec("ROLLBACK");
    sqlite.exec("BEGIN");
    return { rule: refusal?.rule ?? String(error), message: refusal?.message ?? null, state: await rows(lite.kysely) };
  } finally {
    if (sqlite.inTransaction) sqlite.exec("ROLLBACK");
  }
}

describe("R12 against raw SQL on PostgreSQL", () => {
  test("the stores' own statements build the same registry on PostgreSQL as on SQLite", async () => {
    const [onPg, onLite] = [await rows(pg), await rows(lite.kysely)];
    expect(onPg).toEqual(onLite);
    const versions = onPg.versions as Array<{
      major: number;
      minor: number;
      stage: string;
      is_current: number;
      seq: number;
    }>;
    expect(
      versions.filter((v) => v.minor <= 5 && v.major === 1).map((v) => `${v.stage}${v.is_current ? "*" : ""}`),
    ).toContain("PROD*");
  });

  test("every forbidden write is refused on both engines by the rule the table names, meaning the same to the app", async () => {
    const before = await rows(pg);
    const list = await attacks(await lookup(pg));
    const sqliteList = await attacks(await lookup(lite.kysely));
    const wrong: string[] = [];
    for (const [i, attack] of list.entries()) {
      const onPg = await onPostgres([plain(attack.sql)]);
      if (onPg.rule !== attack.refusedBy) {
        wrong.push(
          `${attack.name}: PostgreSQL ${onPg.rule ?? "accepted it"} (${onPg.message}), not ${attack.refusedBy}`,
        );
        continue;
      }
      if (attack.only === "postgres") continue;
      const onLite = await onSqlite([plain(sqliteList[i]?.sql as string)]);
      const candidates =
        onLite.rule === null
          ? []
          : await sqliteCandidates(lite.kysely, { rule: onLite.rule, message: onLite.message ?? "" });
      // The code, and the message when the app gives its own (otherwise it passes on the database's wording).
      const meaning = (o: Outcome) => {
        const e = domainErrorOf(new DatabaseRefusal(o.rule ?? "", o.message ?? ""));
        return e && (e.message.startsWith("Refused by the database") ? e.code : `${e.code}: ${e.message}`);
      };
      if (!candidates.includes(attack.refusedBy))
        wrong.push(
          `${attack.name}: SQLite ${onLite.rule ?? "accepted it"} (${onLite.message}), not ${attack.refusedBy}`,
        );
      else if (meaning(onPg) !== meaning(onLite))
        wrong.push(`${attack.name}: the app reads PostgreSQL's "${meaning(onPg)}", SQLite's "${meaning(onLite)}"`);
    }
    expect(wrong).toEqual([]);
    expect(await rows(pg)).toEqual(before);
  });

  test("every allowed write goes through, leaving the same rows as on SQLite", async () => {
    const list = await allowed(await lookup(pg));
    const base = await rows(pg);
    const wrong: string[] = [];
    for (const write of list) {
      const [onPg, onLite] = [await onPostgres(write.sql), await onSqlite(write.sql)];
      if (onPg.rule !== null || onLite.rule !== null)
        wrong.push(`${write.name}: refused, PostgreSQL ${onPg.rule}, SQLite ${onLite.rule}`);
      else expect(fresh(onPg.state, base), write.name).toEqual(fresh(onLite.state, base));
    }
    expect(wrong).toEqual([]);
  });

  test("a version keeps its latest 100 test runs: older ones are pruned, by the database itself", async () => {
    await pg.connection().execute(async (c) => {
      await sql`BEGIN`.execute(c);
      const { id } = await lookup(c);
      const version = id("p 1.4");
      const first = (
        await sql<{ id: number }>`SELECT min(id) AS id FROM test_runs WHERE version_id = ${version}`.execute(c)
      ).rows[0]?.id;
      for (let i = 0; i < 120; i++)
        await sql`INSERT INTO test_runs (version_id, revision, content_hash, stage, provider, model, status, started_at, duration_ms, results)
          SELECT version_id, revision, content_hash, stage, provider, model, status, started_at, duration_ms, results FROM test_runs WHERE id = ${first}`.execute(
          c,
        );
      const ids = (
        await sql<{ id: number }>`SELECT id FROM test_runs WHERE version_id = ${version} ORDER BY id`.execute(c)
      ).rows.map((r) => r.id);
      await sql`ROLLBACK`.execute(c);
      expect(ids).toHaveLength(100);
      expect(ids[0]).toBe((ids.at(-1) as number) - 99);
    });
  });
});

import Database from "better-sqlite3";
import { Kysely, SqliteDialect, sql } from "kysely";
import { expect, test } from "vitest";
import { engineOf } from "../../../src/db/connect.js";
import { migrateToLatest } from "../../../src/db/migrate.js";
import type { Database as Schema } from "../../../src/db/schema.js";
import { inTransaction } from "../../../src/store/transaction.js";
import { freshDb, TEST_ENGINE } from "../../support/db.js";

test("the engine is the one connect decided, for the database, its connections and its transactions", async () => {
  const db = await freshDb();
  expect(db.engine).toBe(TEST_ENGINE);
  expect(engineOf(db.kysely)).toBe(TEST_ENGINE);
  await db.kysely.connection().execute(async (conn) => expect(engineOf(conn)).toBe(TEST_ENGINE));
  await inTransaction(db.kysely, async (tx) => expect(engineOf(tx)).toBe(TEST_ENGINE));
});

test("a query builder that connect did not make has no engine: migrating it is refused, nothing is guessed", async () => {
  const raw = new Database(":memory:");
  const stray = new Kysely<Schema>({ dialect: new SqliteDialect({ database: raw }) });
  try {
    expect(() => engineOf(stray)).toThrow(/not opened by connect\(\) or connectPostgres\(\)/);
    await expect(migrateToLatest(stray)).rejects.toThrow(/its engine is unknown/);
    const tables = await sql<{ n: number }>`SELECT count(*) AS n FROM sqlite_master`.execute(stray);
    expect(tables.rows[0]?.n).toBe(0);
  } finally {
    await stray.destroy();
  }
});

import { sql } from "kysely";
import { expect, test, vi } from "vitest";
import { freshSqliteDb } from "../../support/db.js";

/**
 * docs/performance.md: the SQLite connection prepares each distinct statement once and keeps the
 * newest 256 prepared; Kysely itself prepares every query it runs.
 */
test("a statement run again is not prepared again; a schema change is still seen; the oldest of 257 is dropped", async () => {
  const db = await freshSqliteDb();
  try {
    const prepare = vi.spyOn(db.sqlite, "prepare");
    const count = () =>
      db.kysely
        .selectFrom("prompts")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .executeTakeFirstOrThrow();
    for (let i = 0; i < 5; i++) expect((await count()).n).toBe(0);
    const prepared = (text: string) => prepare.mock.calls.filter(([q]) => q === text).length;
    const countSql = db.kysely
      .selectFrom("prompts")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .compile().sql;
    expect(prepared(countSql)).toBe(1);

    // SQLite re-prepares a kept statement itself when the schema under it changes.
    await sql`CREATE TABLE probe (a INTEGER)`.execute(db.kysely);
    const probe = () => sql<{ a: number }>`SELECT * FROM probe`.execute(db.kysely);
    expect((await probe()).rows).toEqual([]);
    await sql`ALTER TABLE probe ADD COLUMN b INTEGER`.execute(db.kysely);
    await sql`INSERT INTO probe (a, b) VALUES (1, 2)`.execute(db.kysely);
    expect((await probe()).rows).toEqual([{ a: 1, b: 2 }]);

    for (let i = 0; i < 256; i++) await sql`SELECT ${sql.lit(i)} AS n`.execute(db.kysely);
    await count();
    expect(prepared(countSql)).toBe(2);
  } finally {
    await db.close();
  }
});

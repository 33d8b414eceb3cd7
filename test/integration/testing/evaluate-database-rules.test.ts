import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { rejection, testingServices } from "../../support/testing.js";

type Row = { id: number; prompt_id: number };

/** The database keeps the rules of evaluating a change by itself, for raw SQL too (R12). */
async function setup() {
  const s = await testingServices();
  await s.prompts.create({ name: "p", body: "Hello {{name}}" });
  await s.versions.createNew("p", "1.0");
  await s.prompts.create({ name: "other", body: "x" });
  await s.testCases.create("p", { name: "a", variables: { name: "A" } });
  const c = await s.comparisons.create("p", { candidate: "1.1", baseline: "1.0" });
  const ids = async (prompt: string) =>
    (
      await sql<{
        id: number;
        prompt_id: number;
      }>`SELECT v.id, v.prompt_id FROM versions v JOIN prompts p ON p.id = v.prompt_id
        WHERE p.name = ${prompt} ORDER BY v.id`.execute(s.db.kysely)
    ).rows as [Row, Row?];
  return { ...s, db: s.db.kysely, c, ids };
}

describe("evaluate: rules in the database", () => {
  it("a comparison names two different versions of its own prompt, and once finished never changes", async () => {
    const { db, c, ids } = await setup();
    const [v10, second] = await ids("p");
    const [theirs] = await ids("other");
    const v11 = second as Row;
    const row = (candidate: number, baseline: number, promptId: number) => sql`INSERT INTO comparisons
      (prompt_id, stage, candidate_id, candidate_version, candidate_hash, baseline_id, baseline_version, baseline_hash,
       status, total, actor, started_at, updated_at)
      VALUES (${promptId}, 'DEV', ${candidate}, '1.1', 'h', ${baseline}, '1.0', 'h', 'running', 2, 'local', 'now', 'now')`;
    expect((await rejection(row(v11.id, v11.id, v11.prompt_id).execute(db))).message).toMatch(
      /comparisons_not_itself|CHECK/i,
    );
    expect((await rejection(row(v11.id, theirs.id, v11.prompt_id).execute(db))).message).toMatch(
      /compares two versions of its own prompt/,
    );
    await row(v11.id, v10.id, v11.prompt_id).execute(db);
    const finished = await rejection(sql`UPDATE comparisons SET broke = 0 WHERE id = ${c.id}`.execute(db));
    expect(finished.message).toMatch(/a finished comparison is never changed/);
  });

  it("a comparison goes with its deleted draft; the no-regression gate needs the gate on", async () => {
    const { db, versions, comparisons } = await setup();
    await versions.delete("p", "1.1");
    expect((await comparisons.list("p")).comparisons).toEqual([]);
    const refused = await rejection(
      sql`UPDATE environments SET no_regression = 1, gate = 0 WHERE stage = 'TST'`.execute(db),
    );
    expect(refused.message).toMatch(/environments_no_regression|CHECK/i);
  });

  it("a prompt holds at most 1,000 test cases, even by raw SQL", async () => {
    const { db, ids } = await setup();
    const [v] = await ids("p");
    await sql`INSERT INTO test_cases (prompt_id, name, variables, assertions, created_at, updated_at)
      SELECT ${v.prompt_id}, 'case ' || n, '{}', '[]', 'now', 'now'
      FROM (SELECT a.x * 100 + b.x * 10 + c.x AS n FROM
        (SELECT 0 AS x UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) a,
        (SELECT 0 AS x UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) b,
        (SELECT 0 AS x UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) c) t
      WHERE n < 999`.execute(db);
    const one = await rejection(
      sql`INSERT INTO test_cases (prompt_id, name, variables, assertions, created_at, updated_at)
        VALUES (${v.prompt_id}, 'one more', '{}', '[]', 'now', 'now')`.execute(db),
    );
    expect(one.message).toMatch(/a prompt holds at most 1,000 test cases/);
  });
});

import SQLite from "better-sqlite3";
import { describe, expect, test } from "vitest";
import { contentHash } from "../../../src/domain/content.js";
import { refusalOf } from "../../../src/store/refusals.js";
import { freshSqliteDb, freshSqliteServices } from "../../support/db.js";
import {
  attacks,
  registry as forbiddenWritesRegistry,
  lookup,
  sqliteCandidates,
} from "../../support/forbidden-writes.js";
import { brokenRules, digest } from "../../support/invariants.js";
import { everyPosition } from "../../support/registry.js";

/**
 * R12 against raw SQL on SQLite: every write of the one table of forbidden writes
 * (test/support/forbidden-writes.ts, which PostgreSQL runs too) is refused by the rule the table
 * names, and in every conflict form SQLite has (REPLACE deletes the rows it conflicts with
 * WITHOUT firing delete triggers; IGNORE, FAIL, ROLLBACK and ABORT change how a failure ends),
 * on three connections: the app's own, one with foreign keys off, and one like the sqlite3
 * shell (foreign keys off, none of the app's SQL functions), nothing sticks.
 */
const INSERTS = [
  "INSERT",
  "INSERT OR REPLACE",
  "REPLACE",
  "INSERT OR IGNORE",
  "INSERT OR FAIL",
  "INSERT OR ABORT",
  "INSERT OR ROLLBACK",
];
const UPDATES = ["UPDATE", "UPDATE OR REPLACE", "UPDATE OR IGNORE", "UPDATE OR FAIL", "UPDATE OR ROLLBACK"];

/**
 * For the two tests after the table: p: 1.0 PROD · 1.1 PROD current · 1.2 TST current · 1.3
 * TST · 1.4 DEV current · 1.5 DEV, with test runs.
 */
async function registry() {
  const s = await freshSqliteServices();
  await everyPosition(s);
  for (const v of ["1.1", "1.2", "1.4"]) await s.testRuns.run("p", v);
  const ids = new Map<string, number>();
  for (const row of s.db.sqlite
    .prepare(
      "SELECT p.name || ' ' || v.major || '.' || v.minor AS label, v.id FROM versions v JOIN prompts p ON p.id = v.prompt_id",
    )
    .all() as Array<{ label: string; id: number }>)
    ids.set(row.label, row.id);
  return { s, id: (label: string) => ids.get(label) as number };
}

function forms(sql: string): string[] {
  if (sql.includes("{INSERT}")) return INSERTS.map((f) => sql.replace("{INSERT}", f));
  if (sql.includes("{UPDATE}")) return UPDATES.map((f) => sql.replace("{UPDATE}", f));
  return [sql];
}

type Connection = { name: string; open: (file: string) => SQLite.Database };

const connections: Connection[] = [
  { name: "app connection", open: () => null as never },
  {
    name: "foreign keys off",
    open: (file) => {
      const c = new SQLite(file);
      c.pragma("foreign_keys = OFF");
      // The app's functions, as a program using src/db/connect.ts would have them.
      c.function("promptrail_content_hash", (body: unknown, config: unknown) =>
        typeof body === "string" && typeof config === "string" ? contentHash(body, JSON.parse(config)) : null,
      );
      return c;
    },
  },
  {
    name: "sqlite3 shell",
    open: (file) => {
      const c = new SQLite(file);
      c.pragma("foreign_keys = OFF");
      return c;
    },
  },
];

describe("R12 against raw SQL on SQLite", () => {
  test("every forbidden write is refused by the rule the table names, and in no conflict form on no connection does it stick", async () => {
    const db = await freshSqliteDb();
    await forbiddenWritesRegistry(db.kysely);
    const list = (await attacks(await lookup(db.kysely))).filter((attack) => attack.only === undefined);
    const before = digest(db.sqlite);
    expect(brokenRules(db.sqlite)).toEqual([]);
    const wrongRule: string[] = [];
    const letThrough: string[] = [];
    let attempts = 0;
    for (const connection of connections) {
      const sqlite = connection.name === "app connection" ? db.sqlite : connection.open(db.file);
      for (const attack of list) {
        for (const [form, statement] of forms(attack.sql).entries()) {
          attempts++;
          // Each attempt in its own transaction, rolled back after the digest: one let through
          // is counted without spoiling the attempts after it.
          sqlite.exec("BEGIN");
          let failure: unknown = null;
          try {
            sqlite.prepare(statement).run();
          } catch (error) {
            failure = error;
          }
          const after = digest(sqlite);
          if (sqlite.inTransaction) sqlite.exec("ROLLBACK");
          if (after !== before) letThrough.push(`${connection.name}: ${attack.name}: ${statement}`);
          // The plain statement on the app's connection names its rule (IGNORE refuses silently).
          if (form === 0 && sqlite === db.sqlite) {
            const refusal = await refusalOf(db.kysely, failure);
            const candidates = refusal ? await sqliteCandidates(db.kysely, refusal) : [];
            if (!candidates.includes(attack.refusedBy))
              wrongRule.push(`${attack.name}: ${refusal?.rule ?? String(failure)}, not ${attack.refusedBy}`);
          }
        }
      }
      if (sqlite !== db.sqlite) sqlite.close();
    }
    console.info(
      `raw SQL: ${attempts} attempts, ${attempts - letThrough.length} refused, ${letThrough.length} let through`,
    );
    expect(wrongRule).toEqual([]);
    expect(letThrough).toEqual([]);
    expect(brokenRules(db.sqlite)).toEqual([]);
  });

  test("deleting a draft with foreign keys off still takes its revisions and test runs", async () => {
    const { s, id } = await registry();
    await s.testRuns.run("p", "1.5");
    const raw = new SQLite(s.db.file);
    raw.pragma("foreign_keys = OFF");
    expect(raw.prepare("DELETE FROM versions WHERE id = ?").run(id("p 1.5")).changes).toBe(1);
    raw.close();
    expect(brokenRules(s.db.sqlite)).toEqual([]);
  });

  test("a version keeps its latest 100 test runs: older ones are pruned, by the database itself", async () => {
    const { s, id } = await registry();
    const version = id("p 1.4");
    const copy = `INSERT INTO test_runs (version_id, revision, content_hash, stage, provider, model, status, started_at, duration_ms, results)
      SELECT version_id, revision, content_hash, stage, provider, model, status, started_at, duration_ms, results FROM test_runs WHERE id = ?`;
    const first = s.db.sqlite.prepare("SELECT min(id) FROM test_runs WHERE version_id = ?").pluck().get(version);
    for (let i = 0; i < 120; i++) s.db.sqlite.prepare(copy).run(first);
    const ids = s.db.sqlite
      .prepare("SELECT id FROM test_runs WHERE version_id = ? ORDER BY id")
      .pluck()
      .all(version) as number[];
    expect(ids).toHaveLength(100);
    expect(ids[0]).toBe((ids.at(-1) as number) - 99);
    expect(brokenRules(s.db.sqlite)).toEqual([]);
  });
});

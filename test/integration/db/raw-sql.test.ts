import SQLite from "better-sqlite3";
import { describe, expect, test } from "vitest";
import { contentHash } from "../../../src/domain/content.js";
import { freshSqliteServices } from "../../support/db.js";
import { brokenRules, digest } from "../../support/invariants.js";
import { everyPosition } from "../../support/registry.js";

/**
 * SPEC R12 and §7 against raw SQL: every forbidden write, in every conflict form SQLite has
 * (REPLACE deletes the rows it conflicts with WITHOUT firing delete triggers; IGNORE, FAIL,
 * ROLLBACK and ABORT change how a failure ends), on three connections: the app's own, one
 * with foreign keys off, and one like the sqlite3 shell (foreign keys off, none of the app's
 * SQL functions). Refused means: the statement failed or wrote nothing.
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
 * p: 1.0 PROD · 1.1 PROD current · 1.2 TST current · 1.3 TST · 1.4 DEV current · 1.5 DEV, with
 * test runs, a test case and events; q: 1.0 DEV current, two test cases.
 */
async function registry() {
  const s = await freshSqliteServices();
  await everyPosition(s);
  await s.prompts.create({ name: "q", body: "y" });
  await s.testCases.create("p", { name: "one", assertions: [{ type: "contains", value: "zzz" }] });
  await s.testCases.create("q", { name: "a" });
  await s.testCases.create("q", { name: "b" });
  for (const v of ["1.1", "1.2", "1.4"]) await s.testRuns.run("p", v);
  const ids = new Map<string, number>();
  for (const row of s.db.sqlite
    .prepare(
      "SELECT p.name || ' ' || v.major || '.' || v.minor AS label, v.id FROM versions v JOIN prompts p ON p.id = v.prompt_id",
    )
    .all() as Array<{ label: string; id: number }>)
    ids.set(row.label, row.id);
  const id = (label: string) => ids.get(label) as number;
  const one = (query: string) => s.db.sqlite.prepare(query).pluck().get() as number;
  return { s, id, one };
}

type Attack = { rule: string; sql: string };

/** Every forbidden write; `{INSERT}`/`{UPDATE}` take each conflict form in turn. */
function attacks(id: (label: string) => number, one: (query: string) => number): Attack[] {
  const h = (body: string, config = {}) => `'${contentHash(body, config)}'`;
  const cols =
    "prompt_id, major, minor, stage, is_current, body, config, revision, content_hash, created_at, updated_at";
  const firstRun = one(`SELECT min(id) FROM test_runs WHERE version_id = ${id("p 1.1")}`);
  const lastRun = one(`SELECT max(id) FROM test_runs WHERE version_id = ${id("p 1.4")}`);
  const event = one("SELECT min(id) FROM events");
  const revision = one(`SELECT min(id) FROM revisions WHERE version_id = ${id("p 1.1")}`);
  const caseA = one("SELECT id FROM test_cases WHERE name = 'a'");
  const results = (status: string, error: string | null, passed: boolean[]) =>
    `'${JSON.stringify([{ case: "c", status, output: "x", error, latencyMs: 1, tokens: null, assertions: passed.map((p) => ({ type: "contains", value: "x", passed: p, message: "m" })) }])}'`;
  const runCols =
    "version_id, revision, content_hash, stage, provider, model, status, started_at, duration_ms, results";
  const tstRun = (v: string, stage: string, status: string, res: string, hash = h("x"), rev = 1) =>
    `{INSERT} INTO test_runs (${runCols}) VALUES (${id(v)}, ${rev}, ${hash}, '${stage}', 'echo', 'm', '${status}', 'now', 1, ${res})`;
  return [
    // versions
    {
      rule: "R12 a PROD row is never replaced by id",
      sql: `{INSERT} INTO versions (id, ${cols}) VALUES (${id("p 1.1")}, 1, 1, 6, 'DEV', 0, 'x', '{}', 1, ${h("x")}, 'n', 'n')`,
    },
    {
      rule: "R12 a duplicate version number",
      sql: `{INSERT} INTO versions (${cols}) VALUES (1, 1, 1, 'DEV', 0, 'x', '{}', 1, ${h("x")}, 'n', 'n')`,
    },
    {
      rule: "R12 a reused version number",
      sql: `{INSERT} INTO versions (${cols}) VALUES (1, 1, 3, 'DEV', 0, 'x', '{}', 1, ${h("x")}, 'n', 'n')`,
    },
    {
      rule: "R4 a second current DEV version",
      sql: `{INSERT} INTO versions (${cols}) VALUES (1, 1, 6, 'DEV', 1, 'x', '{}', 1, ${h("x")}, 'n', 'n')`,
    },
    {
      rule: "R3 content_hash of the body",
      sql: `{INSERT} INTO versions (${cols}) VALUES (1, 1, 6, 'DEV', 0, 'x', '{}', 1, ${h("other")}, 'n', 'n')`,
    },
    {
      rule: "R7 new versions start in DEV",
      sql: `{INSERT} INTO versions (${cols}) VALUES (1, 1, 6, 'PROD', 0, 'x', '{}', 1, ${h("x")}, 'n', 'n')`,
    },
    {
      rule: "a version needs its prompt",
      sql: `{INSERT} INTO versions (${cols}) VALUES (99, 1, 0, 'DEV', 0, 'x', '{}', 1, ${h("x")}, 'n', 'n')`,
    },
    {
      rule: "R4 an old PROD made current beside the current one",
      sql: `{UPDATE} versions SET is_current = 1 WHERE id = ${id("p 1.0")}`,
    },
    {
      rule: "§7 PROD left with no current version",
      sql: `{UPDATE} versions SET is_current = 0 WHERE id = ${id("p 1.1")}`,
    },
    {
      rule: "R4 a current TST moved onto the current PROD",
      sql: `{UPDATE} versions SET stage = 'PROD' WHERE id = ${id("p 1.2")}`,
    },
    { rule: "a version keeps its id", sql: `{UPDATE} versions SET id = ${id("p 1.1")} WHERE id = ${id("p 1.5")}` },
    { rule: "R12 a version keeps its number", sql: `{UPDATE} versions SET minor = 1 WHERE id = ${id("p 1.5")}` },
    { rule: "a version keeps its prompt", sql: `{UPDATE} versions SET prompt_id = 2 WHERE id = ${id("p 1.5")}` },
    {
      rule: "R12 PROD text is immutable",
      sql: `{UPDATE} versions SET body = 'y', content_hash = ${h("y")} WHERE id = ${id("p 1.0")}`,
    },
    { rule: "R12 PROD config is immutable", sql: `{UPDATE} versions SET config = '{"a":1}' WHERE id = ${id("p 1.1")}` },
    {
      rule: "R3 content_hash of a draft",
      sql: `{UPDATE} versions SET content_hash = ${h("forged")} WHERE id = ${id("p 1.5")}`,
    },
    {
      rule: "R5 an edit keeps its revision",
      sql: `{UPDATE} versions SET body = 'y', content_hash = ${h("y")}, revision = 2 WHERE id = ${id("p 1.5")}`,
    },
    { rule: "R12 TST back to DEV", sql: `{UPDATE} versions SET stage = 'DEV' WHERE id = ${id("p 1.3")}` },
    { rule: "R12 PROD back to TST", sql: `{UPDATE} versions SET stage = 'TST' WHERE id = ${id("p 1.0")}` },
    { rule: "R12 DEV straight to PROD", sql: `{UPDATE} versions SET stage = 'PROD' WHERE id = ${id("p 1.5")}` },
    { rule: "R12 delete a TST version", sql: `DELETE FROM versions WHERE id = ${id("p 1.3")}` },
    { rule: "R12 delete a PROD version", sql: `DELETE FROM versions WHERE id = ${id("p 1.0")}` },
    { rule: "R12 delete a current version", sql: `DELETE FROM versions WHERE id = ${id("p 1.4")}` },
    { rule: "R12 delete every version", sql: "DELETE FROM versions" },
    // prompts
    {
      rule: "a prompt is never replaced by id",
      sql: `{INSERT} INTO prompts (id, name, created_at, updated_at) VALUES (1, 'zzz', 'n', 'n')`,
    },
    {
      rule: "R1 a prompt is never replaced by name",
      sql: `{INSERT} INTO prompts (name, created_at, updated_at) VALUES ('p', 'n', 'n')`,
    },
    {
      rule: "a new prompt points at no version",
      sql: `{INSERT} INTO prompts (name, current_dev, created_at, updated_at) VALUES ('r', ${id("q 1.0")}, 'n', 'n')`,
    },
    { rule: "a prompt keeps its name", sql: "{UPDATE} prompts SET name = 'renamed' WHERE name = 'p'" },
    { rule: "a rename onto another prompt", sql: "{UPDATE} prompts SET name = 'q' WHERE name = 'p'" },
    { rule: "a prompt keeps its id", sql: "{UPDATE} prompts SET id = 99 WHERE name = 'p'" },
    { rule: "a prompt with versions is never deleted", sql: "DELETE FROM prompts WHERE name = 'p'" },
    { rule: "§7 PROD pointer cleared", sql: "{UPDATE} prompts SET current_prod = NULL WHERE name = 'p'" },
    {
      rule: "PROD pointer at a TST version",
      sql: `{UPDATE} prompts SET current_prod = ${id("p 1.2")} WHERE name = 'p'`,
    },
    {
      rule: "DEV pointer at another prompt's version",
      sql: `{UPDATE} prompts SET current_dev = ${id("q 1.0")} WHERE name = 'p'`,
    },
    { rule: "R8 numbers never reused (mark lowered)", sql: "{UPDATE} prompts SET max_minor = 0 WHERE name = 'p'" },
    // revisions
    {
      rule: "R5 a revision is never replaced by id",
      sql: `{INSERT} INTO revisions (id, version_id, revision, body, config, content_hash, saved_at, actor) VALUES (${revision}, ${id("p 1.5")}, 2, 'y', '{}', ${h("y")}, 'n', 'a')`,
    },
    {
      rule: "R5 a revision is never replaced by number",
      sql: `{INSERT} INTO revisions (version_id, revision, body, config, content_hash, saved_at, actor) VALUES (${id("p 1.5")}, 1, 'y', '{}', ${h("y")}, 'n', 'a')`,
    },
    {
      rule: "R12 no revision of a PROD version",
      sql: `{INSERT} INTO revisions (version_id, revision, body, config, content_hash, saved_at, actor) VALUES (${id("p 1.1")}, 2, 'y', '{}', ${h("y")}, 'n', 'a')`,
    },
    {
      rule: "R3 content_hash of a revision",
      sql: `{INSERT} INTO revisions (version_id, revision, body, config, content_hash, saved_at, actor) VALUES (${id("p 1.5")}, 2, 'y', '{}', ${h("z")}, 'n', 'a')`,
    },
    {
      rule: "a revision needs its version",
      sql: `{INSERT} INTO revisions (version_id, revision, body, config, content_hash, saved_at, actor) VALUES (999, 1, 'y', '{}', ${h("y")}, 'n', 'a')`,
    },
    { rule: "R5 revisions are never changed", sql: "{UPDATE} revisions SET body = 'rewritten'" },
    { rule: "R5 revisions are never deleted", sql: "DELETE FROM revisions" },
    // events
    {
      rule: "R11 an event is never replaced",
      sql: `{INSERT} INTO events (id, prompt_id, at, actor, type, version) VALUES (${event}, 1, 'n', 'a', 'version.created', '1.0')`,
    },
    {
      rule: "R11 an event needs its prompt",
      sql: "{INSERT} INTO events (prompt_id, at, actor, type, version) VALUES (99, 'n', 'a', 'version.created', '1.0')",
    },
    {
      rule: "R11 a prompt's event without its prompt",
      sql: "{INSERT} INTO events (prompt_id, at, actor, type, version) VALUES (NULL, 'n', 'a', 'version.created', '1.0')",
    },
    {
      rule: "§5 settings.changed belongs to no prompt",
      sql: "{INSERT} INTO events (prompt_id, at, actor, type, version) VALUES (1, 'n', 'a', 'settings.changed', NULL)",
    },
    { rule: "R11 the log is never edited", sql: "{UPDATE} events SET actor = 'someone else'" },
    { rule: "R11 the log is never deleted", sql: "DELETE FROM events" },
    // test runs
    {
      rule: "a run is never replaced",
      sql: `{INSERT} INTO test_runs (id, ${runCols}) VALUES (${firstRun}, ${id("p 1.2")}, 1, ${h("x")}, 'TST', 'echo', 'm', 'passed', 'n', 1, ${results("passed", null, [])})`,
    },
    {
      rule: "a forged run for content the version never had",
      sql: tstRun("p 1.2", "TST", "passed", results("passed", null, []), h("forged")),
    },
    {
      rule: "a forged run for a revision never stored",
      sql: tstRun("p 1.2", "TST", "passed", results("passed", null, []), h("x"), 7),
    },
    {
      rule: "a forged run in a stage the version never reached",
      sql: tstRun("p 1.2", "PROD", "passed", results("passed", null, [])),
    },
    {
      rule: "a run that passed with a failed assertion",
      sql: tstRun("p 1.2", "TST", "passed", results("passed", null, [false])),
    },
    {
      rule: "a run that passed with an erred case",
      sql: tstRun("p 1.2", "TST", "passed", results("error", "boom", [])),
    },
    { rule: "a case that erred without an error", sql: tstRun("p 1.2", "TST", "error", results("error", null, [])) },
    { rule: "a run that passed without cases", sql: tstRun("p 1.2", "TST", "passed", "'[]'") },
    { rule: "runs are never changed", sql: "{UPDATE} test_runs SET status = 'passed'" },
    { rule: "the latest runs are never deleted", sql: `DELETE FROM test_runs WHERE id = ${lastRun}` },
    // environments
    {
      rule: "an environment is never replaced",
      sql: "{INSERT} INTO environments (stage, base_url, model, timeout_ms, updated_at) VALUES ('PROD', 'http://evil.example', 'm', 1000, 'n')",
    },
    { rule: "an environment is never deleted", sql: "DELETE FROM environments WHERE stage = 'PROD'" },
    { rule: "an environment keeps its stage", sql: "{UPDATE} environments SET stage = 'TST' WHERE stage = 'DEV'" },
    {
      rule: "§7 baseUrl without a query",
      sql: "{UPDATE} environments SET base_url = 'https://a.example/v1?x=' WHERE stage = 'DEV'",
    },
    {
      rule: "§7 baseUrl without a fragment",
      sql: "{UPDATE} environments SET base_url = 'https://a.example/v1#' WHERE stage = 'DEV'",
    },
    {
      rule: "§7 baseUrl without credentials",
      sql: "{UPDATE} environments SET base_url = 'https://u:p@a.example/v1' WHERE stage = 'DEV'",
    },
    {
      rule: "§7 baseUrl http(s) only",
      sql: "{UPDATE} environments SET base_url = 'file:///etc/passwd' WHERE stage = 'DEV'",
    },
    {
      rule: "§7 apiKeyEnv names a PROMPTRAIL_*_KEY",
      sql: "{UPDATE} environments SET api_key_env = 'PROMPTRAIL_DB' WHERE stage = 'DEV'",
    },
    // test cases
    {
      rule: "a test case is never replaced by id",
      sql: `{INSERT} INTO test_cases (id, prompt_id, name, created_at, updated_at) VALUES (${caseA}, 2, 'c', 'n', 'n')`,
    },
    {
      rule: "a test case is never replaced by name",
      sql: "{INSERT} INTO test_cases (prompt_id, name, created_at, updated_at) VALUES (2, 'a', 'n', 'n')",
    },
    {
      rule: "a test case needs its prompt",
      sql: "{INSERT} INTO test_cases (prompt_id, name, created_at, updated_at) VALUES (99, 'z', 'n', 'n')",
    },
    { rule: "a test case renamed onto another", sql: "{UPDATE} test_cases SET name = 'a' WHERE name = 'b'" },
    { rule: "a test case keeps its id", sql: `{UPDATE} test_cases SET id = ${caseA} WHERE name = 'b'` },
  ];
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

describe("R12 and §7 against raw SQL", () => {
  test("every forbidden write is refused, in every conflict form, on every kind of connection", async () => {
    const { s, id, one } = await registry();
    const list = attacks(id, one);
    const before = digest(s.db.sqlite);
    expect(brokenRules(s.db.sqlite)).toEqual([]);
    const letThrough: string[] = [];
    let attempts = 0;
    for (const connection of connections) {
      const sqlite = connection.name === "app connection" ? s.db.sqlite : connection.open(s.db.file);
      for (const attack of list) {
        for (const statement of forms(attack.sql)) {
          attempts++;
          // Each attempt in its own transaction, rolled back after the digest: one let through
          // is counted without spoiling the attempts after it.
          sqlite.exec("BEGIN");
          try {
            sqlite.prepare(statement).run();
          } catch {
            // refused with an error; the digest says whether anything stuck
          }
          const after = digest(sqlite);
          if (sqlite.inTransaction) sqlite.exec("ROLLBACK");
          if (after !== before) letThrough.push(`${connection.name}: ${attack.rule}: ${statement}`);
        }
      }
      if (sqlite !== s.db.sqlite) sqlite.close();
    }
    console.info(
      `raw SQL: ${attempts} attempts, ${attempts - letThrough.length} refused, ${letThrough.length} let through`,
    );
    expect(letThrough).toEqual([]);
    expect(brokenRules(s.db.sqlite)).toEqual([]);
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

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type SQLite from "better-sqlite3";
import { type Kysely, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { connect, connectPostgres, type SqliteDb } from "../../../src/db/connect.js";
import { migrateToLatest } from "../../../src/db/migrate.js";
import type { Database } from "../../../src/db/schema.js";
import { messagesText } from "../../../src/domain/chat.js";
import { chatContentHash, contentHash } from "../../../src/domain/content.js";
import { domainErrorOf } from "../../../src/services/refusals.js";
import { appendEvent } from "../../../src/store/events.store.js";
import { findPromptByName, insertPrompt, touchPrompt } from "../../../src/store/prompts.store.js";
import { DatabaseRefusal, refusalOf } from "../../../src/store/refusals.js";
import { insertRevision } from "../../../src/store/revisions.store.js";
import { insertTestCase } from "../../../src/store/test-cases.store.js";
import { insertTestRun } from "../../../src/store/test-runs.store.js";
import {
  deleteVersion,
  findVersion,
  insertVersion,
  setStageAndCurrent,
  touchCurrent,
  updateContent,
} from "../../../src/store/versions.store.js";
import { createMigratedTestDatabase } from "../../support/pg-databases.js";

/**
 * SPEC §10 with R12: on PostgreSQL the database refuses every write the rules forbid, even raw
 * SQL, and names the same rule SQLite names (so the app maps it to the same answer); the app's
 * own statements (the stores, in the order the services run them) and every allowed raw write
 * go through and leave both databases with the same rows.
 */
type Db = Kysely<Database>;
const NOW = "2026-12-02T10:00:00.000Z";
const ACTOR = "local";
const TABLES = [
  "prompts",
  "versions",
  "revisions",
  "events",
  "environments",
  "test_cases",
  "adhoc_variables",
  "test_runs",
  "webhooks",
  "webhook_deliveries",
  "webhook_attempts",
  "users",
  "sessions",
  "api_tokens",
  "sign_in_failures",
  "reviews",
  "review_votes",
  "stage_moves",
] as const;

// The services' statement sequences (src/services/*.service.ts), over the stores alone.

async function createPrompt(db: Db, name: string, content: { body: string; hash: string; type?: "text" | "chat" }) {
  await db.transaction().execute(async (tx) => {
    const promptId = await insertPrompt(tx, { name, description: "", type: content.type ?? "text" }, NOW);
    const row = { body: content.body, config: "{}", content_hash: content.hash };
    const id = await insertVersion(tx, {
      prompt_id: promptId,
      major: 1,
      minor: 0,
      stage: "DEV",
      is_current: 1,
      ...row,
      revision: 1,
      created_from: null,
      created_at: NOW,
      updated_at: NOW,
      edited_at: NOW,
    });
    await insertRevision(tx, { version_id: id, revision: 1, ...row, saved_at: NOW, actor: ACTOR });
    const event = { promptId, at: NOW, actor: ACTOR, version: "1.0" };
    await appendEvent(tx, { ...event, type: "prompt.created", detail: {} });
    await appendEvent(tx, { ...event, type: "version.created", detail: { stage: "DEV", from: null } });
  });
}

async function found(tx: Db, name: string, version: string) {
  const prompt = await findPromptByName(tx, name);
  const [major, minor] = version.split(".").map(Number) as [number, number];
  const row = prompt && (await findVersion(tx, prompt.id, { major, minor }));
  if (!prompt || !row) throw new Error(`no ${name} ${version}`);
  return { prompt, row };
}

async function createNew(db: Db, name: string, from: string) {
  await db.transaction().execute(async (tx) => {
    const { prompt, row: source } = await found(tx, name, from);
    const number = { major: prompt.max_major, minor: prompt.max_minor + 1 };
    const id = await insertVersion(tx, {
      prompt_id: prompt.id,
      ...number,
      stage: "DEV",
      is_current: 0,
      body: source.body,
      config: source.config,
      revision: 1,
      content_hash: source.content_hash,
      created_from: from,
      created_at: NOW,
      updated_at: NOW,
      edited_at: NOW,
    });
    const saved = { version_id: id, revision: 1, body: source.body, config: source.config };
    await insertRevision(tx, { ...saved, content_hash: source.content_hash, saved_at: NOW, actor: ACTOR });
    await touchPrompt(tx, prompt.id, NOW);
    await appendEvent(tx, {
      promptId: prompt.id,
      at: NOW,
      actor: ACTOR,
      type: "version.created",
      version: `${number.major}.${number.minor}`,
      detail: {},
    });
  });
}

const NEXT = { DEV: "TST", TST: "PROD" } as const;

/** promote (to the next stage) or makeCurrent (the same stage): makeCurrentIn of versions.service.ts. */
async function moveCurrent(db: Db, name: string, version: string, how: "promote" | "makeCurrent") {
  await db.transaction().execute(async (tx) => {
    const { row } = await found(tx, name, version);
    const stage = how === "promote" ? NEXT[row.stage as "DEV" | "TST"] : row.stage;
    await touchCurrent(tx, row.prompt_id, stage, NOW);
    await setStageAndCurrent(tx, row, stage, NOW);
    const type = how === "promote" ? "version.promoted" : "version.made_current";
    await appendEvent(tx, { promptId: row.prompt_id, at: NOW, actor: ACTOR, type, version, detail: {} });
  });
}

async function save(db: Db, name: string, version: string, body: string) {
  await db.transaction().execute(async (tx) => {
    const { prompt, row } = await found(tx, name, version);
    const hash = contentHash(body, {});
    const next = row.revision + 1;
    await insertRevision(tx, {
      version_id: row.id,
      revision: next,
      body,
      config: "{}",
      content_hash: hash,
      saved_at: NOW,
      actor: ACTOR,
    });
    const stored = await updateContent(tx, row.id, row.revision, { body, config: "{}", contentHash: hash }, NOW);
    if (!stored) throw new Error("stale");
    await touchPrompt(tx, prompt.id, NOW);
    await appendEvent(tx, { promptId: prompt.id, at: NOW, actor: ACTOR, type: "version.edited", version, detail: {} });
  });
}

async function deleteDraft(db: Db, name: string, version: string) {
  await db.transaction().execute(async (tx) => {
    const { prompt, row } = await found(tx, name, version);
    await deleteVersion(tx, row.id);
    await touchPrompt(tx, prompt.id, NOW);
    await appendEvent(tx, { promptId: prompt.id, at: NOW, actor: ACTOR, type: "version.deleted", version, detail: {} });
  });
}

const RESULTS = (status: string, error: string | null, passed: boolean[]) =>
  JSON.stringify([
    {
      case: "c",
      status,
      output: "x",
      error,
      latencyMs: 1,
      tokens: null,
      assertions: passed.map((p) => ({ type: "contains", value: "x", passed: p, message: "m" })),
    },
  ]);

async function testRun(db: Db, name: string, version: string) {
  await db.transaction().execute(async (tx) => {
    const { row } = await found(tx, name, version);
    await insertTestRun(tx, {
      version_id: row.id,
      revision: row.revision,
      content_hash: row.content_hash,
      stage: row.stage,
      provider: "echo",
      model: "m",
      status: "passed",
      started_at: NOW,
      duration_ms: 1,
      results: RESULTS("passed", null, [true]),
    });
  });
}

/**
 * p: 1.0 PROD · 1.1 PROD current · 1.2 TST current · 1.3 TST · 1.4 DEV current · 1.5 DEV, with
 * test runs, a test case and events, and an edited, then deleted draft; q: 1.0 DEV current, two
 * test cases; c: a chat prompt, 1.0 PROD current; an admin.
 */
async function registry(db: Db) {
  await createPrompt(db, "p", { body: "x", hash: contentHash("x", {}) });
  for (let i = 1; i <= 6; i++) await createNew(db, "p", "1.0");
  await save(db, "p", "1.6", "edited once");
  await save(db, "p", "1.6", "edited twice");
  await testRun(db, "p", "1.6");
  await deleteDraft(db, "p", "1.6");
  for (const v of ["1.0", "1.0", "1.1", "1.1", "1.3", "1.2"]) await moveCurrent(db, "p", v, "promote");
  await moveCurrent(db, "p", "1.4", "makeCurrent");
  await moveCurrent(db, "p", "1.0", "makeCurrent");
  await moveCurrent(db, "p", "1.1", "makeCurrent");
  await createPrompt(db, "q", { body: "y", hash: contentHash("y", {}) });
  const p = (await findPromptByName(db, "p"))?.id as number;
  const q = (await findPromptByName(db, "q"))?.id as number;
  const content = { variables: "{}", assertions: "[]", echo_output: null };
  await insertTestCase(db, p, { name: "one", ...content, assertions: '[{"type":"contains","value":"zzz"}]' }, NOW);
  await insertTestCase(db, q, { name: "a", ...content }, NOW);
  await insertTestCase(db, q, { name: "b", ...content }, NOW);
  for (const v of ["1.1", "1.2", "1.4"]) await testRun(db, "p", v);
  const messages = messagesText([
    { role: "system", content: "You answer {{topic}}." },
    { type: "placeholder", name: "history" },
  ]);
  await createPrompt(db, "c", { body: messages, hash: chatContentHash(JSON.parse(messages), {}), type: "chat" });
  await moveCurrent(db, "c", "1.0", "promote");
  await moveCurrent(db, "c", "1.0", "promote");
  await sql`INSERT INTO users (name, role, password_hash, created_at, updated_at) VALUES ('root', 'admin', 'scrypt$x', ${NOW}, ${NOW})`.execute(
    db,
  );
  // Review before PROD: PROD asks for one approval; p 1.3 (TST) has an open review, asked by someone else.
  await sql`UPDATE environments SET approvals = 1 WHERE stage = 'PROD'`.execute(db);
  await sql`INSERT INTO reviews (prompt_id, version_id, from_stage, to_stage, requested_by, requested_at, content_hash, base_version_id, needed)
    SELECT v.prompt_id, v.id, 'TST', 'PROD', 'asker', ${NOW}, v.content_hash, p.current_prod, 1
    FROM versions v JOIN prompts p ON p.id = v.prompt_id WHERE p.name = 'p' AND v.major = 1 AND v.minor = 3`.execute(
    db,
  );
  await sql`INSERT INTO stage_moves (prompt_id, at, stage, from_version, to_version, actor) VALUES (1, ${NOW}, 'DEV', NULL, '1.0', 'local')`.execute(
    db,
  );
}

/** Every table's rows, ordered: what both databases must hold alike. */
async function rows(db: Db) {
  const all: Record<string, unknown[]> = {};
  for (const table of TABLES) {
    const found = await sql<Record<string, unknown>>`SELECT * FROM ${sql.table(table)} ORDER BY 1`.execute(db);
    // The seed's time is the migration's own.
    all[table] = found.rows.map((row) => (table === "environments" ? { ...row, updated_at: "seeded" } : row));
  }
  return all;
}

type Lookup = { id: (label: string) => number; one: (query: string) => Promise<number> };

async function lookup(db: Db): Promise<Lookup> {
  const { rows: found } = await sql<{ label: string; id: number }>`
    SELECT p.name || ' ' || v.major || '.' || v.minor AS label, v.id FROM versions v JOIN prompts p ON p.id = v.prompt_id`.execute(
    db,
  );
  const ids = new Map(found.map((r) => [r.label, r.id]));
  return {
    id: (label) => ids.get(label) as number,
    one: async (query) => Number(Object.values((await sql.raw(query).execute(db)).rows[0] as object)[0]),
  };
}

type Attack = { rule: string; sql: string };

/** Every forbidden write of test/integration/db/raw-sql.test.ts (one conflict form: PostgreSQL has no other), and more. */
async function attacks({ id, one }: Lookup): Promise<Attack[]> {
  const h = (body: string, config = {}) => `'${contentHash(body, config)}'`;
  const cols =
    "prompt_id, major, minor, stage, is_current, body, config, revision, content_hash, created_at, updated_at";
  const firstRun = await one(`SELECT min(id) FROM test_runs WHERE version_id = ${id("p 1.1")}`);
  const lastRun = await one(`SELECT max(id) FROM test_runs WHERE version_id = ${id("p 1.4")}`);
  const event = await one("SELECT min(id) FROM events");
  const revision = await one(`SELECT min(id) FROM revisions WHERE version_id = ${id("p 1.1")}`);
  const caseA = await one("SELECT id FROM test_cases WHERE name = 'a'");
  const results = (status: string, error: string | null, passed: boolean[]) => `'${RESULTS(status, error, passed)}'`;
  const runCols =
    "version_id, revision, content_hash, stage, provider, model, status, started_at, duration_ms, results";
  const tstRun = (v: string, stage: string, status: string, res: string, hash = h("x"), rev = 1) =>
    `INSERT INTO test_runs (${runCols}) VALUES (${id(v)}, ${rev}, ${hash}, '${stage}', 'echo', 'm', '${status}', 'now', 1, ${res})`;
  const chat = (body: string, hash: string) =>
    `INSERT INTO versions (${cols}) VALUES (3, 9, 0, 'DEV', 0, '${body}', '{}', 1, '${hash}', 'n', 'n')`;
  const good = messagesText([{ role: "user", content: "hi" }]);
  const review = await one("SELECT min(id) FROM reviews");
  const vote = (voter: string) =>
    `INSERT INTO review_votes (review_id, voter, kind, at) VALUES (${review}, '${voter}', 'approve', 'n')`;
  return [
    // review before PROD
    {
      rule: "review: a TST version moved into PROD, which asks for approvals, without an applied review",
      sql: `UPDATE versions SET stage = 'PROD' WHERE id = ${id("p 1.3")}`,
    },
    {
      rule: "review: a review inserted as applied",
      sql: `INSERT INTO reviews (prompt_id, version_id, from_stage, to_stage, state, requested_by, requested_at, content_hash, needed, closed_at) VALUES (1, ${id("p 1.2")}, 'TST', 'PROD', 'applied', 'x', 'n', ${h("x")}, 1, 'n')`,
    },
    {
      rule: "review: a review for a version not in the stage it leaves",
      sql: `INSERT INTO reviews (prompt_id, version_id, from_stage, to_stage, requested_by, requested_at, content_hash, needed) VALUES (1, ${id("p 1.5")}, 'TST', 'PROD', 'x', 'n', ${h("x")}, 1)`,
    },
    {
      rule: "review: applied without its approvals",
      sql: `UPDATE reviews SET state = 'applied', closed_at = 'n' WHERE id = ${review}`,
    },
    { rule: "review: the requester approves", sql: vote("asker") },
    { rule: "review: an approver who is no releaser or admin", sql: vote("nobody") },
    { rule: "review: its content changed", sql: `UPDATE reviews SET content_hash = ${h("y")} WHERE id = ${review}` },
    { rule: "review: deleted", sql: `DELETE FROM reviews WHERE id = ${review}` },
    { rule: "review: approvals above 3", sql: "UPDATE environments SET approvals = 4 WHERE stage = 'PROD'" },
    { rule: "audit: a move rewritten", sql: "UPDATE stage_moves SET actor = 'someone else'" },
    { rule: "audit: a move deleted", sql: "DELETE FROM stage_moves" },
    // versions
    {
      rule: "R12 a PROD row is never replaced by id",
      sql: `INSERT INTO versions (id, ${cols}) VALUES (${id("p 1.1")}, 1, 1, 6, 'DEV', 0, 'x', '{}', 1, ${h("x")}, 'n', 'n')`,
    },
    {
      rule: "R12 a duplicate version number",
      sql: `INSERT INTO versions (${cols}) VALUES (1, 1, 1, 'DEV', 0, 'x', '{}', 1, ${h("x")}, 'n', 'n')`,
    },
    {
      rule: "R12 a reused version number",
      sql: `INSERT INTO versions (${cols}) VALUES (1, 1, 3, 'DEV', 0, 'x', '{}', 1, ${h("x")}, 'n', 'n')`,
    },
    {
      rule: "R8 a deleted version's number",
      sql: `INSERT INTO versions (${cols}) VALUES (1, 1, 6, 'DEV', 0, 'x', '{}', 1, ${h("x")}, 'n', 'n')`,
    },
    {
      rule: "R4 a second current DEV version",
      sql: `INSERT INTO versions (${cols}) VALUES (1, 1, 7, 'DEV', 1, 'x', '{}', 1, ${h("x")}, 'n', 'n')`,
    },
    {
      rule: "R3 content_hash of the body",
      sql: `INSERT INTO versions (${cols}) VALUES (1, 1, 7, 'DEV', 0, 'x', '{}', 1, ${h("other")}, 'n', 'n')`,
    },
    {
      rule: "R3 a config that is not an object",
      sql: `INSERT INTO versions (${cols}) VALUES (1, 1, 7, 'DEV', 0, 'x', '[]', 1, ${h("x")}, 'n', 'n')`,
    },
    {
      rule: "R3 a body over 1,000,000 bytes",
      sql: `INSERT INTO versions (${cols}) VALUES (1, 1, 7, 'DEV', 0, '${"é".repeat(500_001)}', '{}', 1, ${h("é".repeat(500_001))}, 'n', 'n')`,
    },
    {
      rule: "R7 new versions start in DEV",
      sql: `INSERT INTO versions (${cols}) VALUES (1, 1, 7, 'PROD', 0, 'x', '{}', 1, ${h("x")}, 'n', 'n')`,
    },
    {
      rule: "a version needs its prompt",
      sql: `INSERT INTO versions (${cols}) VALUES (99, 1, 0, 'DEV', 0, 'x', '{}', 1, ${h("x")}, 'n', 'n')`,
    },
    {
      rule: "§8 a used seq",
      sql: `INSERT INTO versions (seq, ${cols}) VALUES (2, 1, 1, 7, 'DEV', 0, 'x', '{}', 1, ${h("x")}, 'n', 'n')`,
    },
    {
      rule: "§8 a deleted version's seq",
      sql: `INSERT INTO versions (seq, ${cols}) VALUES (7, 1, 1, 7, 'DEV', 0, 'x', '{}', 1, ${h("x")}, 'n', 'n')`,
    },
    { rule: "§8 a version keeps its seq", sql: `UPDATE versions SET seq = 99 WHERE id = ${id("p 1.5")}` },
    { rule: "§8 the seq mark never falls", sql: "UPDATE prompts SET max_seq = 1 WHERE name = 'p'" },
    {
      rule: "R4 an old PROD made current beside the current one",
      sql: `UPDATE versions SET is_current = 1 WHERE id = ${id("p 1.0")}`,
    },
    {
      rule: "§7 PROD left with no current version",
      sql: `UPDATE versions SET is_current = 0 WHERE id = ${id("p 1.1")}`,
    },
    {
      rule: "R4 a current TST moved onto the current PROD",
      sql: `UPDATE versions SET stage = 'PROD' WHERE id = ${id("p 1.2")}`,
    },
    { rule: "a version keeps its id", sql: `UPDATE versions SET id = ${id("p 1.1")} WHERE id = ${id("p 1.5")}` },
    { rule: "a version keeps a free id too", sql: `UPDATE versions SET id = 999 WHERE id = ${id("p 1.5")}` },
    { rule: "R12 a version keeps its number", sql: `UPDATE versions SET minor = 1 WHERE id = ${id("p 1.5")}` },
    { rule: "a version keeps its prompt", sql: `UPDATE versions SET prompt_id = 2 WHERE id = ${id("p 1.5")}` },
    {
      rule: "R12 PROD text is immutable",
      sql: `UPDATE versions SET body = 'y', content_hash = ${h("y")} WHERE id = ${id("p 1.0")}`,
    },
    { rule: "R12 PROD config is immutable", sql: `UPDATE versions SET config = '{"a":1}' WHERE id = ${id("p 1.1")}` },
    {
      rule: "R3 content_hash of a draft",
      sql: `UPDATE versions SET content_hash = ${h("forged")} WHERE id = ${id("p 1.5")}`,
    },
    {
      rule: "R5 an edit keeps its revision",
      sql: `UPDATE versions SET body = 'y', content_hash = ${h("y")}, revision = 2 WHERE id = ${id("p 1.5")}`,
    },
    {
      rule: "§4 the edit time moves only with a revision",
      sql: `UPDATE versions SET edited_at = 'later' WHERE id = ${id("p 1.5")}`,
    },
    { rule: "R12 TST back to DEV", sql: `UPDATE versions SET stage = 'DEV' WHERE id = ${id("p 1.3")}` },
    { rule: "R12 PROD back to TST", sql: `UPDATE versions SET stage = 'TST' WHERE id = ${id("p 1.0")}` },
    { rule: "R12 DEV straight to PROD", sql: `UPDATE versions SET stage = 'PROD' WHERE id = ${id("p 1.5")}` },
    { rule: "R12 delete a TST version", sql: `DELETE FROM versions WHERE id = ${id("p 1.3")}` },
    { rule: "R12 delete a PROD version", sql: `DELETE FROM versions WHERE id = ${id("p 1.0")}` },
    { rule: "R12 delete a current version", sql: `DELETE FROM versions WHERE id = ${id("p 1.4")}` },
    { rule: "R12 delete every version", sql: "DELETE FROM versions" },
    // chat (SPEC §8)
    {
      rule: "§8 malformed messages",
      sql: chat('[{"role":"bot","content":"x"}]', contentHash('[{"role":"bot","content":"x"}]', {})),
    },
    {
      rule: "§8 messages not in canonical form",
      sql: chat('[{"role":"user","content":"x"}]', contentHash('[{"role":"user","content":"x"}]', {})),
    },
    { rule: "§8 no messages", sql: chat("[]", contentHash("[]", {})) },
    { rule: "§8 messages hashed as text", sql: chat(good, contentHash(good, {})) },
    { rule: "§8 a prompt keeps its type", sql: "UPDATE prompts SET type = 'text' WHERE name = 'c'" },
    // prompts
    {
      rule: "a prompt is never replaced by id",
      sql: "INSERT INTO prompts (id, name, created_at, updated_at) VALUES (1, 'zzz', 'n', 'n')",
    },
    {
      rule: "R1 a prompt is never replaced by name",
      sql: "INSERT INTO prompts (name, created_at, updated_at) VALUES ('p', 'n', 'n')",
    },
    {
      rule: "R1 not a prompt name",
      sql: "INSERT INTO prompts (name, created_at, updated_at) VALUES ('Has Caps', 'n', 'n')",
    },
    {
      rule: "R1 a description over 2,000 characters",
      sql: `INSERT INTO prompts (name, description, created_at, updated_at) VALUES ('long', '${"é".repeat(2001)}', 'n', 'n')`,
    },
    {
      rule: "a new prompt points at no version",
      sql: `INSERT INTO prompts (name, current_dev, created_at, updated_at) VALUES ('r', ${id("q 1.0")}, 'n', 'n')`,
    },
    { rule: "a prompt keeps its name", sql: "UPDATE prompts SET name = 'renamed' WHERE name = 'p'" },
    { rule: "a rename onto another prompt", sql: "UPDATE prompts SET name = 'q' WHERE name = 'p'" },
    { rule: "a prompt keeps its id", sql: "UPDATE prompts SET id = 99 WHERE name = 'p'" },
    { rule: "a prompt with versions is never deleted", sql: "DELETE FROM prompts WHERE name = 'p'" },
    { rule: "§7 PROD pointer cleared", sql: "UPDATE prompts SET current_prod = NULL WHERE name = 'p'" },
    { rule: "PROD pointer at a TST version", sql: `UPDATE prompts SET current_prod = ${id("p 1.2")} WHERE name = 'p'` },
    {
      rule: "DEV pointer at another prompt's version",
      sql: `UPDATE prompts SET current_dev = ${id("q 1.0")} WHERE name = 'p'`,
    },
    { rule: "R8 numbers never reused (mark lowered)", sql: "UPDATE prompts SET max_minor = 0 WHERE name = 'p'" },
    // revisions
    {
      rule: "R5 a revision is never replaced by id",
      sql: `INSERT INTO revisions (id, version_id, revision, body, config, content_hash, saved_at, actor) VALUES (${revision}, ${id("p 1.5")}, 2, 'y', '{}', ${h("y")}, 'n', 'a')`,
    },
    {
      rule: "R5 a revision is never replaced by number",
      sql: `INSERT INTO revisions (version_id, revision, body, config, content_hash, saved_at, actor) VALUES (${id("p 1.5")}, 1, 'y', '{}', ${h("y")}, 'n', 'a')`,
    },
    {
      rule: "R12 no revision of a PROD version",
      sql: `INSERT INTO revisions (version_id, revision, body, config, content_hash, saved_at, actor) VALUES (${id("p 1.1")}, 2, 'y', '{}', ${h("y")}, 'n', 'a')`,
    },
    {
      rule: "R3 content_hash of a revision",
      sql: `INSERT INTO revisions (version_id, revision, body, config, content_hash, saved_at, actor) VALUES (${id("p 1.5")}, 2, 'y', '{}', ${h("z")}, 'n', 'a')`,
    },
    {
      rule: "§8 a chat revision of malformed messages",
      sql: `INSERT INTO revisions (version_id, revision, body, config, content_hash, saved_at, actor) VALUES (${id("c 1.0")}, 2, '[]', '{}', ${h("[]")}, 'n', 'a')`,
    },
    {
      rule: "a revision needs its version",
      sql: `INSERT INTO revisions (version_id, revision, body, config, content_hash, saved_at, actor) VALUES (999, 1, 'y', '{}', ${h("y")}, 'n', 'a')`,
    },
    { rule: "R5 revisions are never changed", sql: "UPDATE revisions SET body = 'rewritten'" },
    { rule: "R5 revisions are never deleted", sql: "DELETE FROM revisions" },
    // events
    {
      rule: "R11 an event is never replaced",
      sql: `INSERT INTO events (id, prompt_id, at, actor, type, version) VALUES (${event}, 1, 'n', 'a', 'version.created', '1.0')`,
    },
    {
      rule: "R11 an event needs its prompt",
      sql: "INSERT INTO events (prompt_id, at, actor, type, version) VALUES (99, 'n', 'a', 'version.created', '1.0')",
    },
    {
      rule: "R11 a prompt's event without its prompt",
      sql: "INSERT INTO events (prompt_id, at, actor, type, version) VALUES (NULL, 'n', 'a', 'version.created', '1.0')",
    },
    {
      rule: "§5 settings.changed belongs to no prompt",
      sql: "INSERT INTO events (prompt_id, at, actor, type, version) VALUES (1, 'n', 'a', 'settings.changed', NULL)",
    },
    {
      rule: "R11 an unknown event type",
      sql: "INSERT INTO events (prompt_id, at, actor, type, version) VALUES (1, 'n', 'a', 'version.renamed', NULL)",
    },
    { rule: "R11 the log is never edited", sql: "UPDATE events SET actor = 'someone else'" },
    { rule: "R11 the log is never deleted", sql: "DELETE FROM events" },
    // test runs
    {
      rule: "a run is never replaced",
      sql: `INSERT INTO test_runs (id, ${runCols}) VALUES (${firstRun}, ${id("p 1.2")}, 1, ${h("x")}, 'TST', 'echo', 'm', 'passed', 'n', 1, ${results("passed", null, [])})`,
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
      rule: "a run that failed without a failed assertion",
      sql: tstRun("p 1.2", "TST", "failed", results("failed", null, [true])),
    },
    {
      rule: "a run that passed with an erred case",
      sql: tstRun("p 1.2", "TST", "passed", results("error", "boom", [])),
    },
    { rule: "a case that erred without an error", sql: tstRun("p 1.2", "TST", "error", results("error", null, [])) },
    { rule: "a run that passed without cases", sql: tstRun("p 1.2", "TST", "passed", "'[]'") },
    { rule: "a run whose results are not an array", sql: tstRun("p 1.2", "TST", "passed", "'{}'") },
    { rule: "runs are never changed", sql: "UPDATE test_runs SET status = 'passed'" },
    { rule: "the latest runs are never deleted", sql: `DELETE FROM test_runs WHERE id = ${lastRun}` },
    // environments
    {
      rule: "an environment is never replaced",
      sql: "INSERT INTO environments (stage, base_url, model, timeout_ms, updated_at) VALUES ('PROD', 'http://evil.example', 'm', 1000, 'n')",
    },
    { rule: "an environment is never deleted", sql: "DELETE FROM environments WHERE stage = 'PROD'" },
    { rule: "an environment keeps its stage", sql: "UPDATE environments SET stage = 'TST' WHERE stage = 'DEV'" },
    {
      rule: "§7 baseUrl without a query",
      sql: "UPDATE environments SET base_url = 'https://a.example/v1?x=' WHERE stage = 'DEV'",
    },
    {
      rule: "§7 baseUrl without a fragment",
      sql: "UPDATE environments SET base_url = 'https://a.example/v1#' WHERE stage = 'DEV'",
    },
    {
      rule: "§7 baseUrl without a backslash",
      sql: "UPDATE environments SET base_url = 'https://a.example\\v1' WHERE stage = 'DEV'",
    },
    {
      rule: "§7 baseUrl without credentials",
      sql: "UPDATE environments SET base_url = 'https://u:p@a.example/v1' WHERE stage = 'DEV'",
    },
    {
      rule: "§7 baseUrl without spaces",
      sql: "UPDATE environments SET base_url = 'https://a.example/a b' WHERE stage = 'DEV'",
    },
    {
      rule: "§7 baseUrl http(s) only",
      sql: "UPDATE environments SET base_url = 'file:///etc/passwd' WHERE stage = 'DEV'",
    },
    {
      rule: "§7 apiKeyEnv names a PROMPTRAIL_*_KEY",
      sql: "UPDATE environments SET api_key_env = 'PROMPTRAIL_DB' WHERE stage = 'DEV'",
    },
    { rule: "§2 a timeout out of range", sql: "UPDATE environments SET timeout_ms = 5 WHERE stage = 'DEV'" },
    // test cases
    {
      rule: "a test case is never replaced by id",
      sql: `INSERT INTO test_cases (id, prompt_id, name, created_at, updated_at) VALUES (${caseA}, 2, 'c', 'n', 'n')`,
    },
    {
      rule: "a test case is never replaced by name",
      sql: "INSERT INTO test_cases (prompt_id, name, created_at, updated_at) VALUES (2, 'a', 'n', 'n')",
    },
    {
      rule: "a test case needs its prompt",
      sql: "INSERT INTO test_cases (prompt_id, name, created_at, updated_at) VALUES (99, 'z', 'n', 'n')",
    },
    {
      rule: "a test case named ad-hoc",
      sql: "INSERT INTO test_cases (prompt_id, name, created_at, updated_at) VALUES (2, 'ad-hoc', 'n', 'n')",
    },
    { rule: "a test case renamed onto another", sql: "UPDATE test_cases SET name = 'a' WHERE name = 'b'" },
    { rule: "a test case keeps its id", sql: `UPDATE test_cases SET id = ${caseA} WHERE name = 'b'` },
    {
      rule: "remembered variables are an object",
      sql: "INSERT INTO adhoc_variables (prompt_id, variables, updated_at) VALUES (1, '[]', 'n')",
    },
    // Text that is not JSON at all, in every JSON column (a CHECK lets an unknown through).
    { rule: "R3 a config that is not JSON", sql: `UPDATE versions SET config = 'not json' WHERE id = ${id("p 1.5")}` },
    { rule: "test case variables that are not JSON", sql: "UPDATE test_cases SET variables = '{' WHERE name = 'b'" },
    { rule: "test case assertions that are not JSON", sql: "UPDATE test_cases SET assertions = '[' WHERE name = 'b'" },
    {
      rule: "remembered variables that are not JSON",
      sql: "INSERT INTO adhoc_variables (prompt_id, variables, updated_at) VALUES (1, 'nope', 'n')",
    },
    {
      rule: "webhook types that are not JSON",
      sql: `INSERT INTO webhooks (url, secret, types, created_at, updated_at) VALUES ('https://h.example/', '${"s".repeat(32)}', 'all', 'n', 'n')`,
    },
    {
      rule: "webhook stages that are not JSON",
      sql: `INSERT INTO webhooks (url, secret, stages, created_at, updated_at) VALUES ('https://h.example/', '${"s".repeat(32)}', 'PROD', 'n', 'n')`,
    },
    // users (SPEC §5)
    {
      rule: "a user is never replaced",
      sql: "INSERT INTO users (name, role, password_hash, created_at, updated_at) VALUES ('root', 'admin', 'scrypt$y', 'n', 'n')",
    },
    {
      rule: "a password only as a scrypt hash",
      sql: "INSERT INTO users (name, role, password_hash, created_at, updated_at) VALUES ('eve', 'admin', 'hunter2', 'n', 'n')",
    },
    { rule: "the last admin is never disabled", sql: "UPDATE users SET disabled = 1 WHERE name = 'root'" },
    { rule: "the last admin keeps the role", sql: "UPDATE users SET role = 'viewer' WHERE name = 'root'" },
    { rule: "a user keeps its name", sql: "UPDATE users SET name = 'groot' WHERE name = 'root'" },
    { rule: "users are never deleted", sql: "DELETE FROM users" },
    {
      rule: "a session only as a hash",
      sql: "INSERT INTO sessions (user_id, secret_hash, created_at, last_used_at) VALUES (1, 'secret', 'n', 'n')",
    },
  ];
}

/** Allowed raw writes: each goes through on both databases, leaving the same rows. */
async function allowed({ id }: Lookup): Promise<Array<{ rule: string; sql: string[] }>> {
  const h = (body: string) => `'${contentHash(body, {})}'`;
  return [
    {
      rule: "review: an admin approves, the review is applied, the version enters PROD",
      sql: [
        `INSERT INTO review_votes (review_id, voter, kind, at) SELECT min(id), 'root', 'approve', 'n' FROM reviews`,
        "UPDATE reviews SET state = 'applied', closed_at = 'n'",
        `UPDATE versions SET stage = 'PROD' WHERE id = ${id("p 1.3")}`,
        `UPDATE prompts SET current_prod = ${id("p 1.3")} WHERE name = 'p'`,
      ],
    },
    {
      rule: "review: rejected, with its reason",
      sql: [
        `INSERT INTO review_votes (review_id, voter, kind, at, comment) SELECT min(id), 'root', 'reject', 'n', 'no' FROM reviews`,
        "UPDATE reviews SET state = 'rejected', closed_at = 'n'",
      ],
    },
    {
      rule: "R10 a PROD rollback by the pointer",
      sql: [`UPDATE prompts SET current_prod = ${id("p 1.0")} WHERE name = 'p'`],
    },
    {
      rule: "R10 another DEV draft made current",
      sql: [`UPDATE prompts SET current_dev = ${id("p 1.5")} WHERE name = 'p'`],
    },
    { rule: "R7 TST left without a current version", sql: ["UPDATE prompts SET current_tst = NULL WHERE name = 'p'"] },
    {
      rule: "a description changed",
      sql: ["UPDATE prompts SET description = 'new', archived_at = 'n' WHERE name = 'p'"],
    },
    { rule: "a PROD version touched", sql: [`UPDATE versions SET updated_at = 'later' WHERE id = ${id("p 1.0")}`] },
    {
      rule: "R9 a DEV draft deleted, runs and revisions along",
      sql: [`DELETE FROM versions WHERE id = ${id("p 1.5")}`],
    },
    {
      rule: "R7 a draft that is not current moved to TST",
      sql: [`UPDATE versions SET stage = 'TST' WHERE id = ${id("p 1.5")}`],
    },
    {
      rule: "R5 an edit with its revision stored first",
      sql: [
        `INSERT INTO revisions (version_id, revision, body, config, content_hash, saved_at, actor) VALUES (${id("p 1.5")}, 2, 'y', '{}', ${h("y")}, 'n', 'a')`,
        `UPDATE versions SET body = 'y', content_hash = ${h("y")}, revision = 2, edited_at = 'n' WHERE id = ${id("p 1.5")}`,
      ],
    },
    {
      rule: "R8 a new version, its seq given by the database",
      sql: [
        `INSERT INTO versions (prompt_id, major, minor, stage, body, content_hash, created_at, updated_at) VALUES (1, 2, 0, 'DEV', 'x', ${h("x")}, 'n', 'n')`,
      ],
    },
    {
      rule: "§8 a new version with its own seq above the mark",
      sql: [
        `INSERT INTO versions (seq, prompt_id, major, minor, stage, body, content_hash, created_at, updated_at) VALUES (40, 1, 3, 0, 'DEV', 'x', ${h("x")}, 'n', 'n')`,
      ],
    },
    { rule: "§8 the seq mark raised", sql: ["UPDATE prompts SET max_seq = 50 WHERE name = 'p'"] },
    {
      rule: "§5 a settings event",
      sql: ["INSERT INTO events (prompt_id, at, actor, type) VALUES (NULL, 'n', 'a', 'settings.changed')"],
    },
    {
      rule: "§7 an environment changed",
      sql: [
        "UPDATE environments SET base_url = 'http://localhost:8080/v1', api_key_env = 'PROMPTRAIL_X_KEY', gate = 1 WHERE stage = 'DEV'",
      ],
    },
    {
      rule: "a test case renamed",
      sql: ["UPDATE test_cases SET name = 'c', variables = '{\"a\":\"1\"}' WHERE name = 'b'"],
    },
    {
      rule: "remembered variables upserted",
      sql: [
        "INSERT INTO adhoc_variables (prompt_id, variables, updated_at) VALUES (1, '{}', 'n') ON CONFLICT (prompt_id) DO UPDATE SET variables = excluded.variables",
        "INSERT INTO adhoc_variables (prompt_id, variables, updated_at) VALUES (1, '{\"x\":\"y\"}', 'n') ON CONFLICT (prompt_id) DO UPDATE SET variables = excluded.variables",
      ],
    },
    {
      rule: "§5 a second admin, then the first disabled",
      sql: [
        "INSERT INTO users (name, role, password_hash, created_at, updated_at) VALUES ('second', 'admin', 'scrypt$z', 'n', 'n')",
        "UPDATE users SET disabled = 1 WHERE name = 'root'",
      ],
    },
  ];
}

/**
 * Ids of rows a write added, as "new": PostgreSQL's identities, like its sequences, do not roll
 * back with a transaction, so a row added after rolled-back attempts takes a higher id there.
 */
function fresh(state: Record<string, unknown[]>, base: Record<string, unknown[]>) {
  const out: Record<string, unknown[]> = {};
  for (const [table, list] of Object.entries(state)) {
    const known = new Set((base[table] ?? []).map((row) => (row as { id?: number }).id));
    out[table] = list.map((row) => {
      const { id } = row as { id?: number };
      return id === undefined || known.has(id) ? row : { ...(row as object), id: "new" };
    });
  }
  return out;
}

let triggerNames: Set<string>;
const TRIGGERS = { has: (name: string) => triggerNames.has(name) };

let database: Awaited<ReturnType<typeof createMigratedTestDatabase>>;
let pg: Db;
let lite: SqliteDb;
let dir: string;

beforeAll(async () => {
  database = await createMigratedTestDatabase();
  pg = connectPostgres(database.url, { max: 4 }).kysely;
  await registry(pg);
  const { rows: names } = await sql<{ tgname: string }>`SELECT tgname FROM pg_trigger WHERE NOT tgisinternal`.execute(
    pg,
  );
  triggerNames = new Set(names.map((n) => n.tgname));
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

describe("R12 against raw SQL on PostgreSQL (SPEC §10)", () => {
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

  test("every forbidden write is refused, by the rule SQLite refuses it with, meaning the same to the app", async () => {
    const before = await rows(pg);
    const list = await attacks(await lookup(pg));
    const sqliteList = await attacks(await lookup(lite.kysely));
    const wrong: string[] = [];
    for (const [i, attack] of list.entries()) {
      const onPg = await onPostgres([attack.sql]);
      const onLite = await onSqlite([sqliteList[i]?.sql as string]);
      // The code, and the message when the app gives its own (otherwise it passes on the database's wording).
      const meaning = (o: Outcome) => {
        const e = domainErrorOf(new DatabaseRefusal(o.rule ?? "", o.message ?? ""));
        return e && (e.message.startsWith("Refused by the database") ? e.code : `${e.code}: ${e.message}`);
      };
      if (onPg.rule === null) wrong.push(`${attack.rule}: accepted`);
      // SQLite names a trigger by its RAISE text (the first trigger raising it); PostgreSQL by the trigger itself.
      else if (onPg.rule !== onLite.rule && !(onPg.message === onLite.message && TRIGGERS.has(onPg.rule)))
        wrong.push(
          `${attack.rule}: PostgreSQL ${onPg.rule} (${onPg.message}), SQLite ${onLite.rule} (${onLite.message})`,
        );
      else if (meaning(onPg) !== meaning(onLite))
        wrong.push(`${attack.rule}: the app reads PostgreSQL's "${meaning(onPg)}", SQLite's "${meaning(onLite)}"`);
    }
    expect(wrong).toEqual([]);
    expect(await rows(pg)).toEqual(before);
  }, 90_000);

  test("every allowed write goes through, leaving the same rows as on SQLite", async () => {
    const list = await allowed(await lookup(pg));
    const base = await rows(pg);
    const wrong: string[] = [];
    for (const write of list) {
      const [onPg, onLite] = [await onPostgres(write.sql), await onSqlite(write.sql)];
      if (onPg.rule !== null || onLite.rule !== null)
        wrong.push(`${write.rule}: refused, PostgreSQL ${onPg.rule}, SQLite ${onLite.rule}`);
      else expect(fresh(onPg.state, base), write.rule).toEqual(fresh(onLite.state, base));
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

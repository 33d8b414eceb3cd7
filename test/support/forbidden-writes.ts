import { type Kysely, sql } from "kysely";
import type { Database } from "../../src/db/schema.js";
import { messagesText } from "../../src/domain/chat.js";
import { chatContentHash, contentHash } from "../../src/domain/content.js";
import { appendEvent } from "../../src/store/events.store.js";
import { findPromptByName, insertPrompt, touchPrompt } from "../../src/store/prompts.store.js";
import { insertRevision } from "../../src/store/revisions.store.js";
import { insertTestCase } from "../../src/store/test-cases.store.js";
import { insertTestRun } from "../../src/store/test-runs.store.js";
import {
  deleteVersion,
  findPromptVersion,
  insertVersion,
  setStageAndCurrent,
  touchCurrent,
  updateContent,
} from "../../src/store/versions.store.js";

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
  "comparisons",
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
  const [major, minor] = version.split(".").map(Number) as [number, number];
  const hit = await findPromptVersion(tx, name, { major, minor });
  if (!hit) throw new Error(`no ${name} ${version}`);
  return { prompt: hit.prompt, row: hit.version };
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
 * test cases; c: a chat prompt, 1.0 PROD current, 1.1 DEV; an admin. PROD asks for one
 * approval: p 1.3 (TST) has an open review asked by 'asker', p 1.2 an applied one, approved by
 * root; the audit holds one move; p has
 * a finished comparison (1.4 against 1.1) and a running one (1.5 against 1.4).
 */
export async function registry(db: Db) {
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
  await createNew(db, "c", "1.0");
  await sql`INSERT INTO users (name, role, password_hash, created_at, updated_at) VALUES ('root', 'admin', 'scrypt$x', ${NOW}, ${NOW})`.execute(
    db,
  );
  await reviewsAndComparisons(db);
}

/** A review of p's TST version into PROD, asked by 'asker', bound to its content and PROD's current version. */
async function requestReview(db: Db, version: string) {
  const minor = Number(version.split(".")[1]);
  await sql`INSERT INTO reviews (prompt_id, version_id, from_stage, to_stage, requested_by, requested_at, content_hash, base_version_id, needed)
    SELECT v.prompt_id, v.id, 'TST', 'PROD', 'asker', ${NOW}, v.content_hash, p.current_prod, 1
    FROM versions v JOIN prompts p ON p.id = v.prompt_id WHERE p.name = 'p' AND v.major = 1 AND v.minor = ${minor}`.execute(
    db,
  );
}

/** Review before PROD and evaluating a change: rows only raw SQL puts there, for their rules' attacks. */
async function reviewsAndComparisons(db: Db) {
  await sql`UPDATE environments SET approvals = 1 WHERE stage = 'PROD'`.execute(db);
  await requestReview(db, "1.3");
  // p 1.2 (TST current) has an applied review, so moving it into PROD meets this rule and the next
  await requestReview(db, "1.2");
  await sql`INSERT INTO review_votes (review_id, voter, kind, at) SELECT max(id), 'root', 'approve', ${NOW} FROM reviews`.execute(
    db,
  );
  await sql`UPDATE reviews SET state = 'applied', closed_at = ${NOW} WHERE state = 'open' AND id = (SELECT max(id) FROM reviews)`.execute(
    db,
  );
  await sql`INSERT INTO stage_moves (prompt_id, at, stage, from_version, to_version, actor) VALUES (1, ${NOW}, 'DEV', NULL, '1.0', 'local')`.execute(
    db,
  );
  const { id } = await lookup(db);
  const run = (version: string) => sql`(SELECT max(id) FROM test_runs WHERE version_id = ${id(version)})`;
  const subject = (candidate: string, baseline: string) =>
    sql`1, 'DEV', ${id(`p ${candidate}`)}, ${candidate}, 'h', ${id(`p ${baseline}`)}, ${baseline}, 'h'`;
  await sql`INSERT INTO comparisons (prompt_id, stage, candidate_id, candidate_version, candidate_hash, baseline_id,
      baseline_version, baseline_hash, status, total, progress, candidate_run_id, baseline_run_id, fixed, broke, same,
      cases, summary, actor, started_at, updated_at, finished_at)
    VALUES (${subject("1.4", "1.1")}, 'done', 1, 1, ${run("p 1.4")}, ${run("p 1.1")}, 0, 0, 1, '[]', '{}', 'local', ${NOW}, ${NOW}, ${NOW})`.execute(
    db,
  );
  await sql`INSERT INTO comparisons (prompt_id, stage, candidate_id, candidate_version, candidate_hash, baseline_id,
      baseline_version, baseline_hash, total, actor, started_at, updated_at)
    VALUES (${subject("1.5", "1.4")}, 1, 'local', ${NOW}, ${NOW})`.execute(db);
}

/** Every table's rows, ordered: what both databases must hold alike. */
export async function rows(db: Db) {
  const all: Record<string, unknown[]> = {};
  for (const table of TABLES) {
    const found = await sql<Record<string, unknown>>`SELECT * FROM ${sql.table(table)} ORDER BY 1`.execute(db);
    // The seed's time is the migration's own.
    all[table] = found.rows.map((row) => (table === "environments" ? { ...row, updated_at: "seeded" } : row));
  }
  return all;
}

export type Lookup = { id: (label: string) => number; one: (query: string) => Promise<number> };

export async function lookup(db: Db): Promise<Lookup> {
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

/**
 * A write the rules forbid: `refusedBy` names the trigger or constraint that must refuse it, on
 * both engines (PostgreSQL reports the trigger that raised; SQLite reports only the RAISE text,
 * so there it must be one of the triggers raising that text). `{INSERT}` and `{UPDATE}` stand
 * for the statement's verb: SQLite tries each of its conflict forms, PostgreSQL has one.
 * `only` marks a statement one engine does not have (TRUNCATE).
 */
export type Attack = { name: string; sql: string; refusedBy: string; only?: "postgres" };

/** Every forbidden write, one table for both engines. */
export async function attacks({ id, one }: Lookup): Promise<Attack[]> {
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
    `{INSERT} INTO test_runs (${runCols}) VALUES (${id(v)}, ${rev}, ${hash}, '${stage}', 'echo', 'm', '${status}', 'now', 1, ${res})`;
  const chat = (body: string, hash: string) =>
    `{INSERT} INTO versions (${cols}) VALUES (3, 9, 0, 'DEV', 0, '${body}', '{}', 1, '${hash}', 'n', 'n')`;
  const good = messagesText([{ role: "user", content: "hi" }]);
  const review = await one("SELECT min(id) FROM reviews WHERE state = 'open'");
  const applied = await one("SELECT min(id) FROM reviews WHERE state = 'applied'");
  const vote = (voter: string) =>
    `{INSERT} INTO review_votes (review_id, voter, kind, at) VALUES (${review}, '${voter}', 'approve', 'n')`;
  const done = await one("SELECT min(id) FROM comparisons WHERE status = 'done'");
  const running = await one("SELECT min(id) FROM comparisons WHERE status = 'running'");
  const comparison = (candidate: number, baseline: number, extra = { cols: "", values: "" }) =>
    `{INSERT} INTO comparisons (prompt_id, stage, candidate_id, candidate_version, candidate_hash, baseline_id, baseline_version, baseline_hash, total, actor, started_at, updated_at${extra.cols}) VALUES (1, 'DEV', ${candidate}, '1.5', 'h', ${baseline}, '1.4', 'h', 1, 'a', 'n', 'n'${extra.values})`;
  return [
    // versions
    {
      name: "R12 a PROD row is never replaced by id",
      refusedBy: "versions_insert_id_fresh",
      sql: `{INSERT} INTO versions (id, ${cols}) VALUES (${id("p 1.1")}, 1, 1, 6, 'DEV', 0, 'x', '{}', 1, ${h("x")}, 'n', 'n')`,
    },
    {
      name: "R12 a duplicate version number",
      refusedBy: "versions_number_fresh",
      sql: `{INSERT} INTO versions (${cols}) VALUES (1, 1, 1, 'DEV', 0, 'x', '{}', 1, ${h("x")}, 'n', 'n')`,
    },
    {
      name: "R12 a reused version number",
      refusedBy: "versions_number_fresh",
      sql: `{INSERT} INTO versions (${cols}) VALUES (1, 1, 3, 'DEV', 0, 'x', '{}', 1, ${h("x")}, 'n', 'n')`,
    },
    {
      name: "R8 a deleted version's number",
      refusedBy: "versions_number_fresh",
      sql: `{INSERT} INTO versions (${cols}) VALUES (1, 1, 6, 'DEV', 0, 'x', '{}', 1, ${h("x")}, 'n', 'n')`,
    },
    {
      name: "R4 a second current DEV version",
      refusedBy: "versions_insert_current",
      sql: `{INSERT} INTO versions (${cols}) VALUES (1, 1, 7, 'DEV', 1, 'x', '{}', 1, ${h("x")}, 'n', 'n')`,
    },
    {
      name: "R3 content_hash of the body",
      refusedBy: "versions_insert_hash",
      sql: `{INSERT} INTO versions (${cols}) VALUES (1, 1, 7, 'DEV', 0, 'x', '{}', 1, ${h("other")}, 'n', 'n')`,
    },
    {
      name: "R3 a config that is not an object",
      refusedBy: "versions_config",
      sql: `{INSERT} INTO versions (${cols}) VALUES (1, 1, 7, 'DEV', 0, 'x', '[]', 1, ${h("x")}, 'n', 'n')`,
    },
    {
      name: "R3 a body over 1,000,000 bytes",
      refusedBy: "versions_body_size",
      sql: `{INSERT} INTO versions (${cols}) VALUES (1, 1, 7, 'DEV', 0, '${"é".repeat(500_001)}', '{}', 1, ${h("é".repeat(500_001))}, 'n', 'n')`,
    },
    {
      name: "R7 new versions start in DEV",
      refusedBy: "versions_new_is_dev",
      sql: `{INSERT} INTO versions (${cols}) VALUES (1, 1, 7, 'PROD', 0, 'x', '{}', 1, ${h("x")}, 'n', 'n')`,
    },
    {
      name: "a version needs its prompt",
      refusedBy: "versions_insert_prompt_exists",
      sql: `{INSERT} INTO versions (${cols}) VALUES (99, 1, 0, 'DEV', 0, 'x', '{}', 1, ${h("x")}, 'n', 'n')`,
    },
    {
      name: "sequence numbers: a used seq",
      refusedBy: "versions_seq_fresh",
      sql: `{INSERT} INTO versions (seq, ${cols}) VALUES (2, 1, 1, 7, 'DEV', 0, 'x', '{}', 1, ${h("x")}, 'n', 'n')`,
    },
    {
      name: "sequence numbers: a deleted version's seq",
      refusedBy: "versions_seq_fresh",
      sql: `{INSERT} INTO versions (seq, ${cols}) VALUES (7, 1, 1, 7, 'DEV', 0, 'x', '{}', 1, ${h("x")}, 'n', 'n')`,
    },
    {
      name: "sequence numbers: a version keeps its seq",
      refusedBy: "versions_seq_fixed",
      sql: `{UPDATE} versions SET seq = 99 WHERE id = ${id("p 1.5")}`,
    },
    {
      name: "sequence numbers: the seq mark never falls",
      refusedBy: "prompts_seq_forward",
      sql: "{UPDATE} prompts SET max_seq = 1 WHERE name = 'p'",
    },
    {
      name: "R4 an old PROD made current beside the current one",
      refusedBy: "versions_current_mirrors_pointer",
      sql: `{UPDATE} versions SET is_current = 1 WHERE id = ${id("p 1.0")}`,
    },
    {
      name: "R7 PROD left with no current version",
      refusedBy: "versions_current_mirrors_pointer",
      sql: `{UPDATE} versions SET is_current = 0 WHERE id = ${id("p 1.1")}`,
    },
    {
      name: "R4 a current TST moved onto the current PROD",
      refusedBy: "versions_current_mirrors_pointer",
      sql: `{UPDATE} versions SET stage = 'PROD' WHERE id = ${id("p 1.2")}`,
    },
    {
      name: "a version keeps its id",
      refusedBy: "versions_keep_id",
      sql: `{UPDATE} versions SET id = ${id("p 1.1")} WHERE id = ${id("p 1.5")}`,
    },
    {
      name: "a version keeps a free id too",
      refusedBy: "versions_keep_id",
      sql: `{UPDATE} versions SET id = 999 WHERE id = ${id("p 1.5")}`,
    },
    {
      name: "R12 a version keeps its number",
      refusedBy: "versions_number_fixed",
      sql: `{UPDATE} versions SET minor = 1 WHERE id = ${id("p 1.5")}`,
    },
    {
      name: "a version keeps its prompt",
      refusedBy: "versions_number_fixed",
      sql: `{UPDATE} versions SET prompt_id = 2 WHERE id = ${id("p 1.5")}`,
    },
    {
      name: "R12 PROD text is immutable",
      refusedBy: "versions_prod_immutable",
      sql: `{UPDATE} versions SET body = 'y', content_hash = ${h("y")} WHERE id = ${id("p 1.0")}`,
    },
    {
      name: "R12 PROD config is immutable",
      refusedBy: "versions_prod_immutable",
      sql: `{UPDATE} versions SET config = '{"a":1}' WHERE id = ${id("p 1.1")}`,
    },
    {
      name: "R3 content_hash of a draft",
      refusedBy: "versions_update_hash",
      sql: `{UPDATE} versions SET content_hash = ${h("forged")} WHERE id = ${id("p 1.5")}`,
    },
    {
      name: "R5 an edit keeps its revision",
      refusedBy: "versions_edit_keeps_revision",
      sql: `{UPDATE} versions SET body = 'y', content_hash = ${h("y")}, revision = 2 WHERE id = ${id("p 1.5")}`,
    },
    {
      name: "edited time: the edit time moves only with a revision",
      refusedBy: "versions_edited_at_with_revision",
      sql: `{UPDATE} versions SET edited_at = 'later' WHERE id = ${id("p 1.5")}`,
    },
    {
      name: "R12 TST back to DEV",
      refusedBy: "versions_stage_forward",
      sql: `{UPDATE} versions SET stage = 'DEV' WHERE id = ${id("p 1.3")}`,
    },
    {
      name: "R12 PROD back to TST",
      refusedBy: "versions_stage_forward",
      sql: `{UPDATE} versions SET stage = 'TST' WHERE id = ${id("p 1.0")}`,
    },
    {
      name: "R12 DEV straight to PROD",
      refusedBy: "versions_stage_forward",
      sql: `{UPDATE} versions SET stage = 'PROD' WHERE id = ${id("p 1.5")}`,
    },
    {
      name: "R12 delete a TST version",
      refusedBy: "versions_delete_dev_only",
      sql: `DELETE FROM versions WHERE id = ${id("p 1.3")}`,
    },
    {
      name: "R12 delete a PROD version",
      refusedBy: "versions_delete_dev_only",
      sql: `DELETE FROM versions WHERE id = ${id("p 1.0")}`,
    },
    {
      name: "R12 delete a current version",
      refusedBy: "versions_delete_dev_only",
      sql: `DELETE FROM versions WHERE id = ${id("p 1.4")}`,
    },
    { name: "R12 delete every version", refusedBy: "versions_delete_dev_only", sql: "DELETE FROM versions" },
    // chat prompts
    {
      name: "chat: malformed messages",
      refusedBy: "versions_insert_messages",
      sql: chat('[{"role":"bot","content":"x"}]', contentHash('[{"role":"bot","content":"x"}]', {})),
    },
    {
      name: "chat: messages not in canonical form",
      refusedBy: "versions_insert_messages",
      sql: chat('[{"role":"user","content":"x"}]', contentHash('[{"role":"user","content":"x"}]', {})),
    },
    { name: "chat: no messages", refusedBy: "versions_insert_messages", sql: chat("[]", contentHash("[]", {})) },
    {
      name: "chat: messages hashed as text",
      refusedBy: "versions_insert_hash",
      sql: chat(good, contentHash(good, {})),
    },
    {
      name: "chat: a prompt keeps its type",
      refusedBy: "prompts_keep_type",
      sql: "{UPDATE} prompts SET type = 'text' WHERE name = 'c'",
    },
    // prompts
    {
      name: "a prompt is never replaced by id",
      refusedBy: "prompts_insert_id_fresh",
      sql: "{INSERT} INTO prompts (id, name, created_at, updated_at) VALUES (1, 'zzz', 'n', 'n')",
    },
    {
      name: "R1 a prompt is never replaced by name",
      refusedBy: "prompts_insert_name_fresh",
      sql: "{INSERT} INTO prompts (name, created_at, updated_at) VALUES ('p', 'n', 'n')",
    },
    {
      name: "R1 not a prompt name",
      refusedBy: "prompts_name_format",
      sql: "{INSERT} INTO prompts (name, created_at, updated_at) VALUES ('Has Caps', 'n', 'n')",
    },
    {
      name: "R1 a description over 2,000 characters",
      refusedBy: "prompts_description_size",
      sql: `{INSERT} INTO prompts (name, description, created_at, updated_at) VALUES ('long', '${"é".repeat(2001)}', 'n', 'n')`,
    },
    {
      name: "a new prompt points at no version",
      refusedBy: "prompts_insert_no_current",
      sql: `{INSERT} INTO prompts (name, current_dev, created_at, updated_at) VALUES ('r', ${id("q 1.0")}, 'n', 'n')`,
    },
    {
      name: "a prompt keeps its name",
      refusedBy: "prompts_keep_name",
      sql: "{UPDATE} prompts SET name = 'renamed' WHERE name = 'p'",
    },
    {
      name: "a rename onto another prompt",
      refusedBy: "prompts_keep_name",
      sql: "{UPDATE} prompts SET name = 'q' WHERE name = 'p'",
    },
    {
      name: "a prompt keeps its id",
      refusedBy: "prompts_keep_id",
      sql: "{UPDATE} prompts SET id = 99 WHERE name = 'p'",
    },
    {
      name: "a prompt with versions is never deleted",
      refusedBy: "prompts_never_deleted",
      sql: "DELETE FROM prompts WHERE name = 'p'",
    },
    {
      name: "R7 PROD pointer cleared",
      refusedBy: "prompts_prod_stays_current",
      sql: "{UPDATE} prompts SET current_prod = NULL WHERE name = 'p'",
    },
    {
      name: "PROD pointer at a TST version",
      refusedBy: "prompts_current_valid",
      sql: `{UPDATE} prompts SET current_prod = ${id("p 1.2")} WHERE name = 'p'`,
    },
    {
      name: "DEV pointer at another prompt's version",
      refusedBy: "prompts_current_valid",
      sql: `{UPDATE} prompts SET current_dev = ${id("q 1.0")} WHERE name = 'p'`,
    },
    {
      name: "R8 numbers never reused (mark lowered)",
      refusedBy: "prompts_mark_forward",
      sql: "{UPDATE} prompts SET max_minor = 0 WHERE name = 'p'",
    },
    // revisions
    {
      name: "R5 a revision is never replaced by id",
      refusedBy: "revisions_insert_fresh",
      sql: `{INSERT} INTO revisions (id, version_id, revision, body, config, content_hash, saved_at, actor) VALUES (${revision}, ${id("p 1.5")}, 2, 'y', '{}', ${h("y")}, 'n', 'a')`,
    },
    {
      name: "R5 a revision is never replaced by number",
      refusedBy: "revisions_insert_fresh",
      sql: `{INSERT} INTO revisions (version_id, revision, body, config, content_hash, saved_at, actor) VALUES (${id("p 1.5")}, 1, 'y', '{}', ${h("y")}, 'n', 'a')`,
    },
    {
      name: "R12 no revision of a PROD version",
      refusedBy: "revisions_insert_not_prod",
      sql: `{INSERT} INTO revisions (version_id, revision, body, config, content_hash, saved_at, actor) VALUES (${id("p 1.1")}, 2, 'y', '{}', ${h("y")}, 'n', 'a')`,
    },
    {
      name: "R3 content_hash of a revision",
      refusedBy: "revisions_insert_hash",
      sql: `{INSERT} INTO revisions (version_id, revision, body, config, content_hash, saved_at, actor) VALUES (${id("p 1.5")}, 2, 'y', '{}', ${h("z")}, 'n', 'a')`,
    },
    {
      name: "chat: a chat revision of malformed messages",
      refusedBy: "revisions_insert_messages",
      sql: `{INSERT} INTO revisions (version_id, revision, body, config, content_hash, saved_at, actor) VALUES (${id("c 1.1")}, 2, '[]', '{}', ${h("[]")}, 'n', 'a')`,
    },
    {
      name: "a revision needs its version",
      refusedBy: "revisions_insert_version_exists",
      sql: `{INSERT} INTO revisions (version_id, revision, body, config, content_hash, saved_at, actor) VALUES (999, 1, 'y', '{}', ${h("y")}, 'n', 'a')`,
    },
    {
      name: "R5 revisions are never changed",
      refusedBy: "revisions_no_update",
      sql: "{UPDATE} revisions SET body = 'rewritten'",
    },
    { name: "R5 revisions are never deleted", refusedBy: "revisions_no_delete", sql: "DELETE FROM revisions" },
    // events
    {
      name: "R11 an event is never replaced",
      refusedBy: "events_insert_fresh",
      sql: `{INSERT} INTO events (id, prompt_id, at, actor, type, version) VALUES (${event}, 1, 'n', 'a', 'version.created', '1.0')`,
    },
    {
      name: "R11 an event needs its prompt",
      refusedBy: "events_insert_prompt_exists",
      sql: "{INSERT} INTO events (prompt_id, at, actor, type, version) VALUES (99, 'n', 'a', 'version.created', '1.0')",
    },
    {
      name: "R11 a prompt's event without its prompt",
      refusedBy: "events_prompt",
      sql: "{INSERT} INTO events (prompt_id, at, actor, type, version) VALUES (NULL, 'n', 'a', 'version.created', '1.0')",
    },
    {
      name: "R11 settings.changed belongs to no prompt",
      refusedBy: "events_prompt",
      sql: "{INSERT} INTO events (prompt_id, at, actor, type, version) VALUES (1, 'n', 'a', 'settings.changed', NULL)",
    },
    {
      name: "R11 an unknown event type",
      refusedBy: "events_type",
      sql: "{INSERT} INTO events (prompt_id, at, actor, type, version) VALUES (1, 'n', 'a', 'version.renamed', NULL)",
    },
    {
      name: "R11 the log is never edited",
      refusedBy: "events_no_update",
      sql: "{UPDATE} events SET actor = 'someone else'",
    },
    { name: "R11 the log is never deleted", refusedBy: "events_no_delete", sql: "DELETE FROM events" },
    // test runs
    {
      name: "a run is never replaced",
      refusedBy: "test_runs_insert_fresh",
      sql: `{INSERT} INTO test_runs (id, ${runCols}) VALUES (${firstRun}, ${id("p 1.2")}, 1, ${h("x")}, 'TST', 'echo', 'm', 'passed', 'n', 1, ${results("passed", null, [])})`,
    },
    {
      name: "a forged run for content the version never had",
      refusedBy: "test_runs_insert_version",
      sql: tstRun("p 1.2", "TST", "passed", results("passed", null, []), h("forged")),
    },
    {
      name: "a forged run for a revision never stored",
      refusedBy: "test_runs_insert_version",
      sql: tstRun("p 1.2", "TST", "passed", results("passed", null, []), h("x"), 7),
    },
    {
      name: "a forged run in a stage the version never reached",
      refusedBy: "test_runs_insert_version",
      sql: tstRun("p 1.2", "PROD", "passed", results("passed", null, [])),
    },
    {
      name: "a run that passed with a failed assertion",
      refusedBy: "test_runs_insert_status",
      sql: tstRun("p 1.2", "TST", "passed", results("passed", null, [false])),
    },
    {
      name: "a run that failed without a failed assertion",
      refusedBy: "test_runs_insert_status",
      sql: tstRun("p 1.2", "TST", "failed", results("failed", null, [true])),
    },
    {
      name: "a run that passed with an erred case",
      refusedBy: "test_runs_insert_status",
      sql: tstRun("p 1.2", "TST", "passed", results("error", "boom", [])),
    },
    {
      name: "a case that erred without an error",
      refusedBy: "test_runs_insert_status",
      sql: tstRun("p 1.2", "TST", "error", results("error", null, [])),
    },
    {
      name: "a run that passed without cases",
      refusedBy: "test_runs_insert_status",
      sql: tstRun("p 1.2", "TST", "passed", "'[]'"),
    },
    {
      name: "a run whose results are not an array",
      refusedBy: "test_runs_insert_status",
      sql: tstRun("p 1.2", "TST", "passed", "'{}'"),
    },
    {
      name: "runs are never changed",
      refusedBy: "test_runs_no_update",
      sql: "{UPDATE} test_runs SET status = 'passed'",
    },
    {
      name: "the latest runs are never deleted",
      refusedBy: "test_runs_delete_only_pruned",
      sql: `DELETE FROM test_runs WHERE id = ${lastRun}`,
    },
    // environments
    {
      name: "an environment is never replaced",
      refusedBy: "environments_insert_never",
      sql: "{INSERT} INTO environments (stage, base_url, model, timeout_ms, updated_at) VALUES ('PROD', 'http://evil.example', 'm', 1000, 'n')",
    },
    {
      name: "an environment is never deleted",
      refusedBy: "environments_delete_never",
      sql: "DELETE FROM environments WHERE stage = 'PROD'",
    },
    {
      name: "an environment keeps its stage",
      refusedBy: "environments_keep_stage",
      sql: "{UPDATE} environments SET stage = 'TST' WHERE stage = 'DEV'",
    },
    {
      name: "stage environments: baseUrl without a query",
      refusedBy: "environments_base_url",
      sql: "{UPDATE} environments SET base_url = 'https://a.example/v1?x=' WHERE stage = 'DEV'",
    },
    {
      name: "stage environments: baseUrl without a fragment",
      refusedBy: "environments_base_url",
      sql: "{UPDATE} environments SET base_url = 'https://a.example/v1#' WHERE stage = 'DEV'",
    },
    {
      name: "stage environments: baseUrl without a backslash",
      refusedBy: "environments_base_url",
      sql: "{UPDATE} environments SET base_url = 'https://a.example\\v1' WHERE stage = 'DEV'",
    },
    {
      name: "stage environments: baseUrl without credentials",
      refusedBy: "environments_base_url",
      sql: "{UPDATE} environments SET base_url = 'https://u:p@a.example/v1' WHERE stage = 'DEV'",
    },
    {
      name: "stage environments: baseUrl without spaces",
      refusedBy: "environments_base_url",
      sql: "{UPDATE} environments SET base_url = 'https://a.example/a b' WHERE stage = 'DEV'",
    },
    {
      name: "stage environments: baseUrl http(s) only",
      refusedBy: "environments_base_url",
      sql: "{UPDATE} environments SET base_url = 'file:///etc/passwd' WHERE stage = 'DEV'",
    },
    {
      name: "stage environments: apiKeyEnv names a PROMPTRAIL_*_KEY",
      refusedBy: "environments_api_key_env",
      sql: "{UPDATE} environments SET api_key_env = 'PROMPTRAIL_DB' WHERE stage = 'DEV'",
    },
    {
      name: "stage environments: a timeout out of range",
      refusedBy: "environments_timeout",
      sql: "{UPDATE} environments SET timeout_ms = 5 WHERE stage = 'DEV'",
    },
    // test cases
    {
      name: "a test case is never replaced by id",
      refusedBy: "test_cases_insert_id_fresh",
      sql: `{INSERT} INTO test_cases (id, prompt_id, name, created_at, updated_at) VALUES (${caseA}, 2, 'c', 'n', 'n')`,
    },
    {
      name: "a test case is never replaced by name",
      refusedBy: "test_cases_insert_name_fresh",
      sql: "{INSERT} INTO test_cases (prompt_id, name, created_at, updated_at) VALUES (2, 'a', 'n', 'n')",
    },
    {
      name: "a test case needs its prompt",
      refusedBy: "test_cases_insert_prompt_exists",
      sql: "{INSERT} INTO test_cases (prompt_id, name, created_at, updated_at) VALUES (99, 'z', 'n', 'n')",
    },
    {
      name: "a test case named ad-hoc",
      refusedBy: "test_cases_name",
      sql: "{INSERT} INTO test_cases (prompt_id, name, created_at, updated_at) VALUES (2, 'ad-hoc', 'n', 'n')",
    },
    {
      name: "a test case renamed onto another",
      refusedBy: "test_cases_update_name_free",
      sql: "{UPDATE} test_cases SET name = 'a' WHERE name = 'b'",
    },
    {
      name: "a test case keeps its id",
      refusedBy: "test_cases_keep_id",
      sql: `{UPDATE} test_cases SET id = ${caseA} WHERE name = 'b'`,
    },
    {
      name: "remembered variables are an object",
      refusedBy: "adhoc_variables_object",
      sql: "{INSERT} INTO adhoc_variables (prompt_id, variables, updated_at) VALUES (1, '[]', 'n')",
    },
    // Text that is not JSON at all, in every JSON column (a CHECK lets an unknown through).
    {
      name: "R3 a config that is not JSON",
      refusedBy: "versions_config",
      sql: `{UPDATE} versions SET config = 'not json' WHERE id = ${id("p 1.5")}`,
    },
    {
      name: "test case variables that are not JSON",
      refusedBy: "test_cases_variables",
      sql: "{UPDATE} test_cases SET variables = '{' WHERE name = 'b'",
    },
    {
      name: "test case assertions that are not JSON",
      refusedBy: "test_cases_assertions",
      sql: "{UPDATE} test_cases SET assertions = '[' WHERE name = 'b'",
    },
    {
      name: "remembered variables that are not JSON",
      refusedBy: "adhoc_variables_object",
      sql: "{INSERT} INTO adhoc_variables (prompt_id, variables, updated_at) VALUES (1, 'nope', 'n')",
    },
    {
      name: "webhook types that are not JSON",
      refusedBy: "webhooks_types",
      sql: `{INSERT} INTO webhooks (url, secret, types, created_at, updated_at) VALUES ('https://h.example/', '${"s".repeat(32)}', 'all', 'n', 'n')`,
    },
    {
      name: "webhook stages that are not JSON",
      refusedBy: "webhooks_stages",
      sql: `{INSERT} INTO webhooks (url, secret, stages, created_at, updated_at) VALUES ('https://h.example/', '${"s".repeat(32)}', 'PROD', 'n', 'n')`,
    },
    // users
    {
      name: "a user is never replaced",
      refusedBy: "users_insert_fresh",
      sql: "{INSERT} INTO users (name, role, password_hash, created_at, updated_at) VALUES ('root', 'admin', 'scrypt$y', 'n', 'n')",
    },
    {
      name: "a password only as a scrypt hash",
      refusedBy: "users_password_hashed",
      sql: "{INSERT} INTO users (name, role, password_hash, created_at, updated_at) VALUES ('eve', 'admin', 'hunter2', 'n', 'n')",
    },
    {
      name: "the last admin is never disabled",
      refusedBy: "users_keep_an_admin",
      sql: "{UPDATE} users SET disabled = 1 WHERE name = 'root'",
    },
    {
      name: "the last admin keeps the role",
      refusedBy: "users_keep_an_admin",
      sql: "{UPDATE} users SET role = 'viewer' WHERE name = 'root'",
    },
    {
      name: "a user keeps its name",
      refusedBy: "users_name_fixed",
      sql: "{UPDATE} users SET name = 'groot' WHERE name = 'root'",
    },
    { name: "users are never deleted", refusedBy: "users_never_deleted", sql: "DELETE FROM users" },
    {
      name: "a session only as a hash",
      refusedBy: "sessions_secret_hashed",
      sql: "{INSERT} INTO sessions (user_id, secret_hash, created_at, last_used_at) VALUES (1, 'secret', 'n', 'n')",
    },
    // the prompt contract
    {
      name: "the contract: a PROD version's response format changed",
      refusedBy: "versions_prod_contract",
      sql: `{UPDATE} versions SET response_format = '{"type":"json_object"}' WHERE id = ${id("p 1.0")}`,
    },
    {
      name: "the contract: variables that are not JSON",
      refusedBy: "versions_variables",
      sql: `{UPDATE} versions SET variables = 'not json' WHERE id = ${id("p 1.5")}`,
    },
    {
      name: "the contract: more than 128 tools",
      refusedBy: "versions_tools",
      sql: `{UPDATE} versions SET tools = '${JSON.stringify(Array.from({ length: 129 }, (_, i) => ({ function: { name: `t${i}`, parameters: {} }, type: "function" })))}' WHERE id = ${id("p 1.5")}`,
    },
    {
      name: "the contract: tools that are not a list",
      refusedBy: "versions_tools",
      sql: `{UPDATE} versions SET tools = 'null' WHERE id = ${id("p 1.5")}`,
    },
    {
      name: "the contract: a response format of no known type",
      refusedBy: "versions_response_format",
      sql: `{UPDATE} versions SET response_format = '{"type":"xml"}' WHERE id = ${id("p 1.5")}`,
    },
    {
      name: "the contract: a variable of no known type",
      refusedBy: "versions_update_contract",
      sql: `{UPDATE} versions SET variables = '[{"name":"n","required":true,"type":"date"}]' WHERE id = ${id("p 1.5")}`,
    },
    {
      name: "the contract: a tool whose name is no function name",
      refusedBy: "versions_update_contract",
      sql: `{UPDATE} versions SET tools = '[{"function":{"name":"bad name","parameters":{}},"type":"function"}]' WHERE id = ${id("p 1.5")}`,
    },
    {
      name: "the contract: a revision whose variables are not JSON",
      refusedBy: "revisions_variables",
      sql: `{INSERT} INTO revisions (version_id, revision, body, config, content_hash, saved_at, actor, variables) VALUES (${id("p 1.5")}, 2, 'x', '{}', ${h("x")}, 'n', 'a', 'oops')`,
    },
    // review before PROD
    {
      name: "review: a TST version moved into PROD, which asks for approvals, without an applied review",
      refusedBy: "versions_approved_promotion",
      sql: `{UPDATE} versions SET stage = 'PROD' WHERE id = ${id("p 1.3")}`,
    },
    {
      name: "review: a review inserted as applied",
      refusedBy: "reviews_insert_open",
      sql: `{INSERT} INTO reviews (prompt_id, version_id, from_stage, to_stage, state, requested_by, requested_at, content_hash, needed, closed_at) VALUES (1, ${id("p 1.2")}, 'TST', 'PROD', 'applied', 'x', 'n', ${h("x")}, 1, 'n')`,
    },
    {
      name: "review: a review for a version not in the stage it leaves",
      refusedBy: "reviews_insert_open",
      sql: `{INSERT} INTO reviews (prompt_id, version_id, from_stage, to_stage, requested_by, requested_at, content_hash, needed) VALUES (1, ${id("p 1.5")}, 'TST', 'PROD', 'x', 'n', ${h("x")}, 1)`,
    },
    {
      name: "review: applied without its approvals",
      refusedBy: "reviews_applied_approved",
      sql: `{UPDATE} reviews SET state = 'applied', closed_at = 'n' WHERE id = ${review}`,
    },
    { name: "review: the requester approves", refusedBy: "review_votes_not_requester", sql: vote("asker") },
    { name: "review: an approver who is no releaser or admin", refusedBy: "review_votes_role", sql: vote("nobody") },
    {
      name: "review: its content changed",
      refusedBy: "reviews_keep_request",
      sql: `{UPDATE} reviews SET content_hash = ${h("y")} WHERE id = ${review}`,
    },
    {
      name: "review: a closed review reopened",
      refusedBy: "reviews_closed_stay_closed",
      sql: `{UPDATE} reviews SET state = 'open', closed_at = NULL WHERE id = ${applied}`,
    },
    {
      name: "review: from DEV straight to PROD",
      refusedBy: "reviews_stages",
      sql: `{INSERT} INTO reviews (prompt_id, version_id, from_stage, to_stage, requested_by, requested_at, content_hash, needed) VALUES (1, ${id("p 1.5")}, 'DEV', 'PROD', 'x', 'n', ${h("x")}, 1)`,
    },
    {
      name: "review: more than 3 approvals needed",
      refusedBy: "reviews_needed",
      sql: `{INSERT} INTO reviews (prompt_id, version_id, from_stage, to_stage, requested_by, requested_at, content_hash, needed) VALUES (1, ${id("p 1.5")}, 'DEV', 'TST', 'x', 'n', ${h("x")}, 4)`,
    },
    {
      name: "review: a second vote by the same reviewer",
      refusedBy: "review_votes_insert_fresh",
      sql: `{INSERT} INTO review_votes (review_id, voter, kind, at) VALUES (${applied}, 'root', 'reject', 'n')`,
    },
    {
      name: "review: a vote on a closed review",
      refusedBy: "review_votes_open",
      sql: `{INSERT} INTO review_votes (review_id, voter, kind, at) VALUES (${applied}, 'nobody', 'approve', 'n')`,
    },
    {
      name: "review: a vote changed",
      refusedBy: "review_votes_no_update",
      sql: "{UPDATE} review_votes SET kind = 'reject'",
    },
    { name: "review: a vote deleted", refusedBy: "review_votes_no_delete", sql: "DELETE FROM review_votes" },
    { name: "review: deleted", refusedBy: "reviews_no_delete", sql: `DELETE FROM reviews WHERE id = ${review}` },
    {
      name: "review: approvals above 3",
      refusedBy: "environments_approvals",
      sql: "{UPDATE} environments SET approvals = 4 WHERE stage = 'PROD'",
    },
    {
      name: "audit: a move rewritten",
      refusedBy: "stage_moves_no_update",
      sql: "{UPDATE} stage_moves SET actor = 'someone else'",
    },
    { name: "audit: a move deleted", refusedBy: "stage_moves_no_delete", sql: "DELETE FROM stage_moves" },
    // evaluating a change
    {
      name: "comparisons: a version compared with itself",
      refusedBy: "comparisons_not_itself",
      sql: comparison(id("p 1.5"), id("p 1.5")),
    },
    {
      name: "comparisons: a baseline in another prompt",
      refusedBy: "comparisons_same_prompt",
      sql: comparison(id("p 1.5"), id("q 1.0")),
    },
    {
      name: "comparisons: a candidate in another prompt",
      refusedBy: "comparisons_same_prompt",
      sql: comparison(id("q 1.0"), id("p 1.4")),
    },
    ...(
      [
        ["a status of no known kind", "comparisons_status", "status", "'paused'"],
        ["progress past the total", "comparisons_counts", "progress", "2"],
        ["cases that are not a list", "comparisons_cases", "cases", "'{}'"],
        ["a summary that is not an object", "comparisons_summary", "summary", "'[]'"],
      ] as const
    ).map(([what, refusedBy, column, value]) => ({
      name: `comparisons: ${what}`,
      refusedBy,
      sql: comparison(id("p 1.5"), id("p 1.4"), { cols: `, ${column}`, values: `, ${value}` }),
    })),
    {
      name: "comparisons: done without its outcome",
      refusedBy: "comparisons_outcome",
      sql: `{UPDATE} comparisons SET status = 'done' WHERE id = ${running}`,
    },
    {
      name: "comparisons: a finished comparison changed",
      refusedBy: "comparisons_finished_kept",
      sql: `{UPDATE} comparisons SET broke = 1 WHERE id = ${done}`,
    },
    {
      name: "comparisons: a running comparison's candidate swapped",
      refusedBy: "comparisons_keep_subject",
      sql: `{UPDATE} comparisons SET candidate_id = ${id("p 1.3")} WHERE id = ${running}`,
    },
    {
      name: "test cases: the 1,001st of a prompt",
      refusedBy: "test_cases_at_most_1000",
      sql: `{INSERT} INTO test_cases (prompt_id, name, variables, assertions, created_at, updated_at) WITH RECURSIVE n (x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 999) SELECT 2, 'case ' || x, '{}', '[]', 'n', 'n' FROM n`,
    },
    {
      name: "the no-regression gate: a flag other than 0 or 1",
      refusedBy: "environments_no_regression",
      sql: "{UPDATE} environments SET gate = 1, no_regression = 2 WHERE stage = 'TST'",
    },
    {
      name: "the no-regression gate: on an ungated stage",
      refusedBy: "environments_no_regression",
      sql: "{UPDATE} environments SET gate = 0, no_regression = 1 WHERE stage = 'TST'",
    },
    // TRUNCATE fires no row trigger: each guarded table refuses it (PostgreSQL only; SQLite has
    // no TRUNCATE, and its DELETE without WHERE is attacked above).
    ...(
      [
        ["versions CASCADE", "versions_no_truncate"],
        ["versions RESTART IDENTITY CASCADE", "versions_no_truncate"],
        ["prompts CASCADE", "prompts_no_truncate"],
        ["revisions", "revisions_no_truncate"],
        ["events CASCADE", "events_no_truncate"],
        ["test_runs", "test_runs_no_truncate"],
        ["environments", "environments_no_truncate"],
        ["users CASCADE", "users_no_truncate"],
        ["reviews CASCADE", "reviews_no_truncate"],
        ["review_votes", "review_votes_no_truncate"],
        ["stage_moves", "stage_moves_no_truncate"],
        ["comparisons", "comparisons_no_truncate"],
        ["sessions, api_tokens, users", "users_no_truncate"],
        ["promptrail_changes", "promptrail_changes_kept"],
      ] as const
    ).map(([target, refusedBy]) => ({
      name: `TRUNCATE ${target}`,
      refusedBy,
      sql: `TRUNCATE ${target}`,
      only: "postgres" as const,
    })),
  ];
}

/** Allowed raw writes: each goes through on both databases, leaving the same rows. */
export async function allowed({ id }: Lookup): Promise<Array<{ name: string; sql: string[] }>> {
  const h = (body: string) => `'${contentHash(body, {})}'`;
  return [
    {
      name: "R10 a PROD rollback by the pointer",
      sql: [`UPDATE prompts SET current_prod = ${id("p 1.0")} WHERE name = 'p'`],
    },
    {
      name: "R10 another DEV draft made current",
      sql: [`UPDATE prompts SET current_dev = ${id("p 1.5")} WHERE name = 'p'`],
    },
    { name: "R7 TST left without a current version", sql: ["UPDATE prompts SET current_tst = NULL WHERE name = 'p'"] },
    {
      name: "a description changed",
      sql: ["UPDATE prompts SET description = 'new', archived_at = 'n' WHERE name = 'p'"],
    },
    { name: "a PROD version touched", sql: [`UPDATE versions SET updated_at = 'later' WHERE id = ${id("p 1.0")}`] },
    {
      name: "R9 a DEV draft deleted, runs, revisions and comparisons along",
      sql: [`DELETE FROM versions WHERE id = ${id("p 1.5")}`],
    },
    {
      name: "R7 a draft that is not current moved to TST",
      sql: [`UPDATE versions SET stage = 'TST' WHERE id = ${id("p 1.5")}`],
    },
    {
      name: "R5 an edit with its revision stored first",
      sql: [
        `INSERT INTO revisions (version_id, revision, body, config, content_hash, saved_at, actor) VALUES (${id("p 1.5")}, 2, 'y', '{}', ${h("y")}, 'n', 'a')`,
        `UPDATE versions SET body = 'y', content_hash = ${h("y")}, revision = 2, edited_at = 'n' WHERE id = ${id("p 1.5")}`,
      ],
    },
    {
      name: "R8 a new version, its seq given by the database",
      sql: [
        `INSERT INTO versions (prompt_id, major, minor, stage, body, content_hash, created_at, updated_at) VALUES (1, 2, 0, 'DEV', 'x', ${h("x")}, 'n', 'n')`,
      ],
    },
    {
      name: "sequence numbers: a new version with its own seq above the mark",
      sql: [
        `INSERT INTO versions (seq, prompt_id, major, minor, stage, body, content_hash, created_at, updated_at) VALUES (40, 1, 3, 0, 'DEV', 'x', ${h("x")}, 'n', 'n')`,
      ],
    },
    { name: "sequence numbers: the seq mark raised", sql: ["UPDATE prompts SET max_seq = 50 WHERE name = 'p'"] },
    {
      name: "R11 a settings event",
      sql: ["INSERT INTO events (prompt_id, at, actor, type) VALUES (NULL, 'n', 'a', 'settings.changed')"],
    },
    {
      name: "stage environments: an environment changed",
      sql: [
        "UPDATE environments SET base_url = 'http://localhost:8080/v1', api_key_env = 'PROMPTRAIL_X_KEY', gate = 1 WHERE stage = 'DEV'",
      ],
    },
    {
      name: "a test case renamed",
      sql: ["UPDATE test_cases SET name = 'c', variables = '{\"a\":\"1\"}' WHERE name = 'b'"],
    },
    {
      name: "remembered variables upserted",
      sql: [
        "INSERT INTO adhoc_variables (prompt_id, variables, updated_at) VALUES (1, '{}', 'n') ON CONFLICT (prompt_id) DO UPDATE SET variables = excluded.variables",
        "INSERT INTO adhoc_variables (prompt_id, variables, updated_at) VALUES (1, '{\"x\":\"y\"}', 'n') ON CONFLICT (prompt_id) DO UPDATE SET variables = excluded.variables",
      ],
    },
    {
      name: "review: an admin approves, the review is applied, the version enters PROD",
      sql: [
        "INSERT INTO review_votes (review_id, voter, kind, at) SELECT min(id), 'root', 'approve', 'n' FROM reviews WHERE state = 'open'",
        "UPDATE reviews SET state = 'applied', closed_at = 'n' WHERE state = 'open'",
        `UPDATE versions SET stage = 'PROD' WHERE id = ${id("p 1.3")}`,
        `UPDATE prompts SET current_prod = ${id("p 1.3")} WHERE name = 'p'`,
      ],
    },
    {
      name: "review: rejected, with its reason",
      sql: [
        "INSERT INTO review_votes (review_id, voter, kind, at, comment) SELECT min(id), 'root', 'reject', 'n', 'no' FROM reviews WHERE state = 'open'",
        "UPDATE reviews SET state = 'rejected', closed_at = 'n' WHERE state = 'open'",
      ],
    },
    {
      name: "comparisons: a running comparison finishes with its outcome",
      sql: [
        `UPDATE comparisons SET status = 'done', progress = 1, candidate_run_id = 1, baseline_run_id = 2, fixed = 1, broke = 0, same = 0, cases = '[]', summary = '{}', finished_at = 'n' WHERE status = 'running'`,
      ],
    },
    {
      name: "the no-regression gate: turned on for a gated stage",
      sql: ["UPDATE environments SET gate = 1, no_regression = 1 WHERE stage = 'TST'"],
    },
    {
      name: "accounts: a second admin, then the first disabled",
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
export function fresh(state: Record<string, unknown[]>, base: Record<string, unknown[]>) {
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

/**
 * The rules a refusal on SQLite may stand for: a CHECK or UNIQUE names itself, but a trigger
 * says only its RAISE text, which several triggers share ("a row keeps its id"), so every
 * trigger raising that exact text is a candidate (src/store/refusals.ts names the first).
 */
export async function sqliteCandidates(db: Db, refusal: { rule: string; message: string }): Promise<string[]> {
  const { rows: triggers } = await sql<{ name: string; sql: string }>`
    SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name`.execute(db);
  if (!triggers.some((t) => t.name === refusal.rule)) return [refusal.rule];
  const literal = `'${refusal.message.replaceAll("'", "''")}'`;
  return triggers.filter((t) => t.sql.includes(literal)).map((t) => t.name);
}

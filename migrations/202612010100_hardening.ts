import { type Kysely, sql } from "kysely";

/**
 * The database refuses every forbidden write, whatever the statement (R12, docs/limits.md):
 *
 * - REPLACE. `INSERT OR REPLACE` and `UPDATE OR REPLACE` delete the rows they conflict with
 *   WITHOUT firing delete triggers, so a BEFORE trigger refuses every write that would conflict
 *   with an existing row (same id, same number, same name, a second current version) before
 *   the conflict is ever resolved. BEFORE triggers run ahead of constraint checks.
 * - The current version of each stage is a pointer on its prompt (current_dev, current_tst,
 *   current_prod): one UPDATE of one row changes it, so "PROD always has a current version once
 *   it had one" is checkable per statement. `versions.is_current` (and R4's partial unique
 *   index) stays as a mirror that triggers keep equal to the pointers; an UPDATE of it that
 *   disagrees with the pointer is refused.
 * - content_hash must be the sha256 of the canonical {"body","config"} (R3). SQLite has no
 *   sha256: every connection the app opens registers `promptrail_content_hash` (src/db/connect.ts);
 *   a raw sqlite3 shell writing versions fails with "no such function", which is a refusal too.
 * - Prompts keep their name and are never deleted once they have versions; rows never change
 *   id; children need their parent even with foreign keys off (the sqlite3 shell's default), and
 *   deleting a draft removes its revisions and runs even then.
 * - A test run agrees with its version (a stored revision, its hash, a stage the version has
 *   reached) and with its own results (status); a version keeps its latest 100 runs.
 * - Environments: never inserted or deleted after the seed; baseUrl http(s) without
 *   credentials, query or fragment; apiKeyEnv a PROMPTRAIL_…_KEY name (existing rows are fixed
 *   first, see fixEnvironments).
 */
export async function up(db: Kysely<any>): Promise<void> {
  for (const stage of ["dev", "tst", "prod"]) {
    await sql.raw(`ALTER TABLE prompts ADD COLUMN current_${stage} INTEGER`).execute(db);
    await sql
      .raw(
        `UPDATE prompts SET current_${stage} = (SELECT v.id FROM versions v
          WHERE v.prompt_id = prompts.id AND v.stage = '${stage.toUpperCase()}' AND v.is_current = 1)`,
      )
      .execute(db);
  }
  await fixEnvironments(db);
  await sql`DROP TRIGGER test_runs_no_delete`.execute(db);
  for (const statement of TRIGGERS) await sql.raw(statement).execute(db);
}

/** The pointer column of the stage named by `stage` (an SQL expression), read from prompt `p`. */
const pointer = (stage: string) =>
  `CASE ${stage} WHEN 'DEV' THEN p.current_dev WHEN 'TST' THEN p.current_tst WHEN 'PROD' THEN p.current_prod END`;
const stageRank = (stage: string) => `CASE ${stage} WHEN 'DEV' THEN 0 WHEN 'TST' THEN 1 WHEN 'PROD' THEN 2 END`;

const BASE_URL_OK = (v: string) => `(${v} GLOB 'http://?*' OR ${v} GLOB 'https://?*')
  AND ${v} NOT GLOB '*[^!-~]*' AND ${v} NOT GLOB '*[?#\\]*'
  AND NOT (instr(substr(${v}, instr(${v}, '://') + 3), '@') BETWEEN 1
    AND instr(substr(${v}, instr(${v}, '://') + 3) || '/', '/'))`;
const KEY_ENV_OK = (v: string) =>
  `(${v} IS NULL OR (${v} GLOB 'PROMPTRAIL_[A-Z0-9]*_KEY' AND ${v} NOT GLOB '*[^A-Z0-9_]*'))`;

/** A run's status from its cases, and whether each case's status agrees with its own content. */
const RUN_STATUS = `(SELECT CASE WHEN count(*) = 0 THEN NULL
    WHEN sum(json_extract(value, '$.status') = 'error') > 0 THEN 'error'
    WHEN sum(json_extract(value, '$.status') = 'failed') > 0 THEN 'failed'
    WHEN sum(json_extract(value, '$.status') = 'passed') = count(*) THEN 'passed' END
  FROM json_each(NEW.results))`;
const CASE_DISAGREES = `EXISTS (SELECT 1 FROM json_each(NEW.results) r
  WHERE (json_extract(r.value, '$.status') = 'error') IS NOT (json_type(r.value, '$.error') = 'text')
    OR (json_extract(r.value, '$.status') = 'passed' AND EXISTS (SELECT 1 FROM json_each(r.value, '$.assertions') a
      WHERE json_extract(a.value, '$.passed') IS NOT 1))
    OR (json_extract(r.value, '$.status') = 'failed' AND NOT EXISTS (SELECT 1 FROM json_each(r.value, '$.assertions') a
      WHERE json_extract(a.value, '$.passed') IS 0)))`;

const refuse = (message: string) => `BEGIN SELECT RAISE(ABORT, '${message.replaceAll("'", "''")}'); END`;

/** Refusal messages: stable, so that the HTTP layer can map them to docs/api.md codes. */
const MESSAGES = {
  replaced: "an existing row is never replaced",
  keepsId: "a row keeps its id",
  nameTaken: "a prompt with that name already exists",
  keepsName: "a prompt keeps its name",
  promptDeleted: "a prompt with versions is never deleted",
  orphan: "a row needs its parent",
  currentPointer: "a current version must be a version of this prompt in that stage",
  prodCurrent: "production always keeps a current version",
  mirror: "is_current follows the prompt's current version",
  secondCurrent: "one current version per stage",
  contentHash: "content_hash must be the sha256 of the body and config",
  prodRevision: "Cannot edit production versions",
  revisionKept: "saved revisions are never changed",
  eventKept: "the event log is append-only",
  runKept: "test runs are never changed",
  runDeleted: "test runs are deleted only with their version, or past its latest 100",
  runVersion: "a test run names a stored revision of its version and a stage the version has reached",
  runStatus: "a test run's status must agree with its results",
  environmentKept: "stage environments are never inserted or deleted",
  caseNameTaken: "a test case with that name already exists",
  baseUrl: "baseUrl must be an http(s) URL without credentials, query or fragment",
  apiKeyEnv: "apiKeyEnv must name a PROMPTRAIL_…_KEY variable",
} as const;
const M = MESSAGES;

const TRIGGERS = [
  // prompts
  `CREATE TRIGGER prompts_insert_id_fresh BEFORE INSERT ON prompts
   WHEN EXISTS (SELECT 1 FROM prompts WHERE id = NEW.id) ${refuse(M.replaced)}`,
  `CREATE TRIGGER prompts_insert_name_fresh BEFORE INSERT ON prompts
   WHEN EXISTS (SELECT 1 FROM prompts WHERE name = NEW.name) ${refuse(M.nameTaken)}`,
  `CREATE TRIGGER prompts_insert_no_current BEFORE INSERT ON prompts
   WHEN NEW.current_dev IS NOT NULL OR NEW.current_tst IS NOT NULL OR NEW.current_prod IS NOT NULL
   ${refuse(M.currentPointer)}`,
  `CREATE TRIGGER prompts_keep_id BEFORE UPDATE OF id ON prompts WHEN NEW.id IS NOT OLD.id ${refuse(M.keepsId)}`,
  // Applications read prompts by name: a rename would silently cut them off.
  `CREATE TRIGGER prompts_keep_name BEFORE UPDATE OF name ON prompts
   WHEN NEW.name IS NOT OLD.name ${refuse(M.keepsName)}`,
  // Also with foreign keys off, where nothing else would stop PROD versions being orphaned.
  `CREATE TRIGGER prompts_never_deleted BEFORE DELETE ON prompts
   WHEN EXISTS (SELECT 1 FROM versions WHERE prompt_id = OLD.id) OR EXISTS (SELECT 1 FROM events WHERE prompt_id = OLD.id)
   ${refuse(M.promptDeleted)}`,
  `CREATE TRIGGER prompts_current_valid BEFORE UPDATE OF current_dev, current_tst, current_prod ON prompts
   WHEN (NEW.current_dev IS NOT NULL AND NOT EXISTS (SELECT 1 FROM versions v
       WHERE v.id = NEW.current_dev AND v.prompt_id = NEW.id AND v.stage = 'DEV'))
     OR (NEW.current_tst IS NOT NULL AND NOT EXISTS (SELECT 1 FROM versions v
       WHERE v.id = NEW.current_tst AND v.prompt_id = NEW.id AND v.stage = 'TST'))
     OR (NEW.current_prod IS NOT NULL AND NOT EXISTS (SELECT 1 FROM versions v
       WHERE v.id = NEW.current_prod AND v.prompt_id = NEW.id AND v.stage = 'PROD'))
   ${refuse(M.currentPointer)}`,
  // R7/R10 never leave PROD without a current version: promotion and rollback swap it.
  `CREATE TRIGGER prompts_prod_stays_current BEFORE UPDATE OF current_prod ON prompts
   WHEN OLD.current_prod IS NOT NULL AND NEW.current_prod IS NULL ${refuse(M.prodCurrent)}`,
  // The mirror: clear first, then set, so R4's partial unique index holds at every row.
  `CREATE TRIGGER prompts_current_mirror AFTER UPDATE OF current_dev, current_tst, current_prod ON prompts
   BEGIN
     UPDATE versions SET is_current = 0 WHERE prompt_id = NEW.id AND is_current = 1
       AND id NOT IN (coalesce(NEW.current_dev, 0), coalesce(NEW.current_tst, 0), coalesce(NEW.current_prod, 0));
     UPDATE versions SET is_current = 1 WHERE prompt_id = NEW.id AND is_current = 0
       AND id IN (NEW.current_dev, NEW.current_tst, NEW.current_prod);
   END`,

  // versions
  `CREATE TRIGGER versions_insert_id_fresh BEFORE INSERT ON versions
   WHEN EXISTS (SELECT 1 FROM versions WHERE id = NEW.id) ${refuse(M.replaced)}`,
  `CREATE TRIGGER versions_insert_prompt_exists BEFORE INSERT ON versions
   WHEN NOT EXISTS (SELECT 1 FROM prompts WHERE id = NEW.prompt_id) ${refuse(M.orphan)}`,
  // A new version may be inserted as the current DEV draft only when DEV has none (R2: v1.0).
  `CREATE TRIGGER versions_insert_current BEFORE INSERT ON versions
   WHEN NEW.is_current IS NOT 0 AND (NEW.is_current IS NOT 1
     OR (SELECT current_dev FROM prompts WHERE id = NEW.prompt_id) IS NOT NULL) ${refuse(M.secondCurrent)}`,
  `CREATE TRIGGER versions_insert_becomes_current AFTER INSERT ON versions WHEN NEW.is_current = 1
   BEGIN UPDATE prompts SET current_dev = NEW.id WHERE id = NEW.prompt_id; END`,
  `CREATE TRIGGER versions_keep_id BEFORE UPDATE OF id ON versions WHEN NEW.id IS NOT OLD.id ${refuse(M.keepsId)}`,
  // Only for stage steps the older versions_stage_forward allows, so that it names a bad step.
  `CREATE TRIGGER versions_current_mirrors_pointer BEFORE UPDATE OF is_current, stage ON versions
   WHEN (NEW.stage IS OLD.stage OR (OLD.stage = 'DEV' AND NEW.stage = 'TST') OR (OLD.stage = 'TST' AND NEW.stage = 'PROD'))
   AND (NEW.is_current IS NOT (SELECT ${pointer("NEW.stage")} IS NEW.id FROM prompts p WHERE p.id = NEW.prompt_id)
     OR (NEW.stage IS NOT OLD.stage AND (SELECT ${pointer("OLD.stage")} IS OLD.id FROM prompts p WHERE p.id = OLD.prompt_id)))
   ${refuse(M.mirror)}`,
  // AFTER, so that the PROD, stage and revision triggers speak first; the abort undoes the row.
  `CREATE TRIGGER versions_insert_hash AFTER INSERT ON versions
   WHEN NEW.content_hash IS NOT promptrail_content_hash(NEW.body, NEW.config) ${refuse(M.contentHash)}`,
  `CREATE TRIGGER versions_update_hash AFTER UPDATE OF body, config, content_hash ON versions
   WHEN NEW.content_hash IS NOT promptrail_content_hash(NEW.body, NEW.config) ${refuse(M.contentHash)}`,
  // R9 with foreign keys off too: a deleted draft takes its revisions and runs with it.
  `CREATE TRIGGER versions_delete_children AFTER DELETE ON versions
   BEGIN
     DELETE FROM revisions WHERE version_id = OLD.id;
     DELETE FROM test_runs WHERE version_id = OLD.id;
   END`,

  // revisions
  `CREATE TRIGGER revisions_insert_fresh BEFORE INSERT ON revisions
   WHEN EXISTS (SELECT 1 FROM revisions WHERE id = NEW.id OR (version_id = NEW.version_id AND revision = NEW.revision))
   ${refuse(M.revisionKept)}`,
  `CREATE TRIGGER revisions_insert_version_exists BEFORE INSERT ON revisions
   WHEN NOT EXISTS (SELECT 1 FROM versions WHERE id = NEW.version_id) ${refuse(M.orphan)}`,
  `CREATE TRIGGER revisions_insert_not_prod BEFORE INSERT ON revisions
   WHEN (SELECT stage FROM versions WHERE id = NEW.version_id) = 'PROD' ${refuse(M.prodRevision)}`,
  `CREATE TRIGGER revisions_insert_hash AFTER INSERT ON revisions
   WHEN NEW.content_hash IS NOT promptrail_content_hash(NEW.body, NEW.config) ${refuse(M.contentHash)}`,

  // events
  `CREATE TRIGGER events_insert_fresh BEFORE INSERT ON events
   WHEN EXISTS (SELECT 1 FROM events WHERE id = NEW.id) ${refuse(M.eventKept)}`,
  `CREATE TRIGGER events_insert_prompt_exists BEFORE INSERT ON events
   WHEN NOT EXISTS (SELECT 1 FROM prompts WHERE id = NEW.prompt_id) ${refuse(M.orphan)}`,

  // test_runs
  `CREATE TRIGGER test_runs_insert_fresh BEFORE INSERT ON test_runs
   WHEN EXISTS (SELECT 1 FROM test_runs WHERE id = NEW.id) ${refuse(M.runKept)}`,
  `CREATE TRIGGER test_runs_insert_version BEFORE INSERT ON test_runs
   WHEN NOT EXISTS (SELECT 1 FROM versions v JOIN revisions r ON r.version_id = v.id
     WHERE v.id = NEW.version_id AND r.revision = NEW.revision AND r.content_hash = NEW.content_hash
       AND v.revision >= NEW.revision AND ${stageRank("NEW.stage")} <= ${stageRank("v.stage")})
   ${refuse(M.runVersion)}`,
  `CREATE TRIGGER test_runs_insert_status BEFORE INSERT ON test_runs
   WHEN json_valid(NEW.results) AND (NEW.status IS NOT ${RUN_STATUS} OR ${CASE_DISAGREES}) ${refuse(M.runStatus)}`,
  // docs/limits.md: a version keeps its latest 100 runs.
  `CREATE TRIGGER test_runs_keep_latest AFTER INSERT ON test_runs
   BEGIN
     DELETE FROM test_runs WHERE version_id = NEW.version_id AND id NOT IN
       (SELECT id FROM test_runs WHERE version_id = NEW.version_id ORDER BY id DESC LIMIT 100);
   END`,
  // Replaces test_runs_no_delete: runs go with their version (the version row is gone first),
  // or when they are past the latest 100 of their version — exactly the pruning above.
  `CREATE TRIGGER test_runs_delete_only_pruned BEFORE DELETE ON test_runs
   WHEN EXISTS (SELECT 1 FROM versions v WHERE v.id = OLD.version_id)
     AND OLD.id IN (SELECT id FROM test_runs WHERE version_id = OLD.version_id ORDER BY id DESC LIMIT 100)
   ${refuse(M.runDeleted)}`,

  // environments (seeded by 202611262300_testing)
  `CREATE TRIGGER environments_insert_never BEFORE INSERT ON environments ${refuse(M.environmentKept)}`,
  `CREATE TRIGGER environments_delete_never BEFORE DELETE ON environments ${refuse(M.environmentKept)}`,
  `CREATE TRIGGER environments_keep_stage BEFORE UPDATE OF stage ON environments
   WHEN NEW.stage IS NOT OLD.stage ${refuse(M.keepsId)}`,
  `CREATE TRIGGER environments_base_url BEFORE UPDATE OF base_url ON environments
   WHEN NOT (${BASE_URL_OK("NEW.base_url")}) ${refuse(M.baseUrl)}`,
  `CREATE TRIGGER environments_api_key_env BEFORE UPDATE OF api_key_env ON environments
   WHEN NOT ${KEY_ENV_OK("NEW.api_key_env")} ${refuse(M.apiKeyEnv)}`,

  // test_cases
  `CREATE TRIGGER test_cases_insert_id_fresh BEFORE INSERT ON test_cases
   WHEN EXISTS (SELECT 1 FROM test_cases WHERE id = NEW.id) ${refuse(M.replaced)}`,
  `CREATE TRIGGER test_cases_insert_name_fresh BEFORE INSERT ON test_cases
   WHEN EXISTS (SELECT 1 FROM test_cases WHERE prompt_id = NEW.prompt_id AND name = NEW.name) ${refuse(M.caseNameTaken)}`,
  `CREATE TRIGGER test_cases_insert_prompt_exists BEFORE INSERT ON test_cases
   WHEN NOT EXISTS (SELECT 1 FROM prompts WHERE id = NEW.prompt_id) ${refuse(M.orphan)}`,
  `CREATE TRIGGER test_cases_keep_id BEFORE UPDATE OF id, prompt_id ON test_cases
   WHEN NEW.id IS NOT OLD.id OR NEW.prompt_id IS NOT OLD.prompt_id ${refuse(M.keepsId)}`,
  `CREATE TRIGGER test_cases_update_name_free BEFORE UPDATE OF name ON test_cases
   WHEN EXISTS (SELECT 1 FROM test_cases WHERE prompt_id = NEW.prompt_id AND name = NEW.name AND id <> NEW.id)
   ${refuse(M.caseNameTaken)}`,
];

const DEFAULT_BASE_URL = "https://api.openai.com/v1";

/**
 * Existing environments must satisfy the new rules before the triggers guard them: a baseUrl
 * loses any query or fragment (an unparseable or credentialed one goes back to the default),
 * and an apiKeyEnv that does not name a PROMPTRAIL_…_KEY variable is cleared (docs/testing.md).
 * Self-contained on purpose: a migration must not change when app code changes later.
 */
async function fixEnvironments(db: Kysely<any>): Promise<void> {
  const rows = (
    await sql<{ stage: string; base_url: string; api_key_env: string | null }>`
    SELECT stage, base_url, api_key_env FROM environments`.execute(db)
  ).rows;
  for (const row of rows) {
    const keyOk = row.api_key_env === null || /^PROMPTRAIL_[A-Z0-9][A-Z0-9_]*_KEY$/.test(row.api_key_env);
    await sql`UPDATE environments SET base_url = ${safeBaseUrl(row.base_url)},
      api_key_env = ${keyOk ? row.api_key_env : null} WHERE stage = ${row.stage}`.execute(db);
  }
}

function safeBaseUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if ((url.protocol !== "http:" && url.protocol !== "https:") || url.username || url.password)
      return DEFAULT_BASE_URL;
    url.search = "";
    url.hash = "";
    return url.href.replace(/\/+$/, "");
  } catch {
    return DEFAULT_BASE_URL;
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  const names = TRIGGERS.map((t) => /CREATE TRIGGER (\w+)/.exec(t)?.[1]);
  for (const name of names) await sql.raw(`DROP TRIGGER IF EXISTS ${name}`).execute(db);
  await sql`CREATE TRIGGER test_runs_no_delete BEFORE DELETE ON test_runs
   WHEN EXISTS (SELECT 1 FROM versions v WHERE v.id = OLD.version_id)
   BEGIN SELECT RAISE(ABORT, 'test runs are deleted only with their version'); END`.execute(db);
  for (const stage of ["dev", "tst", "prod"])
    await sql.raw(`ALTER TABLE prompts DROP COLUMN current_${stage}`).execute(db);
}

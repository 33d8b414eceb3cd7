import { type Kysely, sql } from "kysely";

/**
 * TEST (docs/rules.md, TEST): one environment per stage, test cases per prompt, the remembered ad-hoc
 * variables per prompt, and the append-only test runs, which go only with their deleted draft.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("environments")
    .addColumn("stage", "text", (c) => c.primaryKey())
    .addColumn("provider", "text", (c) => c.notNull().defaultTo("echo"))
    .addColumn("base_url", "text", (c) => c.notNull())
    .addColumn("model", "text", (c) => c.notNull())
    // The NAME of a server environment variable, never a key (docs/rules.md, TEST).
    .addColumn("api_key_env", "text")
    .addColumn("timeout_ms", "integer", (c) => c.notNull())
    .addColumn("gate", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addCheckConstraint("environments_stage", sql`stage IN ('DEV', 'TST', 'PROD')`)
    .addCheckConstraint("environments_provider", sql`provider IN ('echo', 'openai')`)
    .addCheckConstraint(
      "environments_base_url",
      sql`(base_url GLOB 'http://?*' OR base_url GLOB 'https://?*') AND length(base_url) <= 2000`,
    )
    .addCheckConstraint("environments_model", sql`length(model) BETWEEN 1 AND 200`)
    .addCheckConstraint(
      "environments_api_key_env",
      sql`api_key_env IS NULL OR (api_key_env GLOB 'PROMPTRAIL_?*' AND api_key_env NOT GLOB '*[^A-Z0-9_]*' AND length(api_key_env) <= 100)`,
    )
    .addCheckConstraint("environments_timeout", sql`timeout_ms BETWEEN 100 AND 600000`)
    .addCheckConstraint("environments_gate", sql`gate IN (0, 1)`)
    .execute();

  const now = new Date().toISOString();
  await db
    .insertInto("environments")
    .values(
      ["DEV", "TST", "PROD"].map((stage) => ({
        stage,
        provider: "echo",
        base_url: "https://api.openai.com/v1",
        model: "gpt-4o-mini",
        api_key_env: "PROMPTRAIL_OPENAI_API_KEY",
        timeout_ms: 30000,
        gate: 0,
        updated_at: now,
      })),
    )
    .execute();

  await db.schema
    .createTable("test_cases")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("prompt_id", "integer", (c) => c.notNull().references("prompts.id"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("variables", "text", (c) => c.notNull().defaultTo("{}"))
    .addColumn("assertions", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addUniqueConstraint("test_cases_name_unique", ["prompt_id", "name"])
    // "ad-hoc" names the case a TEST builds from the request's variables.
    .addCheckConstraint("test_cases_name", sql`length(name) BETWEEN 1 AND 100 AND name <> 'ad-hoc'`)
    .addCheckConstraint("test_cases_variables", sql`json_valid(variables) AND json_type(variables) = 'object'`)
    .addCheckConstraint("test_cases_assertions", sql`json_valid(assertions) AND json_type(assertions) = 'array'`)
    .execute();

  await db.schema
    .createTable("adhoc_variables")
    .addColumn("prompt_id", "integer", (c) => c.primaryKey().references("prompts.id"))
    .addColumn("variables", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addCheckConstraint("adhoc_variables_object", sql`json_valid(variables) AND json_type(variables) = 'object'`)
    .execute();

  await db.schema
    .createTable("test_runs")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    // R9: deleting a draft removes its runs.
    .addColumn("version_id", "integer", (c) => c.notNull().references("versions.id").onDelete("cascade"))
    .addColumn("revision", "integer", (c) => c.notNull())
    .addColumn("content_hash", "text", (c) => c.notNull())
    .addColumn("stage", "text", (c) => c.notNull())
    .addColumn("provider", "text", (c) => c.notNull())
    .addColumn("model", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("started_at", "text", (c) => c.notNull())
    .addColumn("duration_ms", "integer", (c) => c.notNull())
    .addColumn("results", "text", (c) => c.notNull())
    .addCheckConstraint("test_runs_stage", sql`stage IN ('DEV', 'TST', 'PROD')`)
    .addCheckConstraint("test_runs_provider", sql`provider IN ('echo', 'openai')`)
    .addCheckConstraint("test_runs_status", sql`status IN ('passed', 'failed', 'error')`)
    .addCheckConstraint("test_runs_numbers", sql`revision >= 1 AND duration_ms >= 0`)
    .addCheckConstraint("test_runs_results", sql`json_valid(results) AND json_type(results) = 'array'`)
    .execute();
  await db.schema.createIndex("test_runs_by_version").on("test_runs").columns(["version_id", "id"]).execute();

  for (const statement of TRIGGERS) await sql.raw(statement).execute(db);
}

const TRIGGERS = [
  // A stored run is evidence for the TEST gate: it is never rewritten.
  `CREATE TRIGGER test_runs_no_update BEFORE UPDATE ON test_runs
   BEGIN SELECT RAISE(ABORT, 'test runs are never changed'); END`,
  // Runs leave only with their deleted draft (the cascade runs after the version row is gone).
  `CREATE TRIGGER test_runs_no_delete BEFORE DELETE ON test_runs
   WHEN EXISTS (SELECT 1 FROM versions v WHERE v.id = OLD.version_id)
   BEGIN SELECT RAISE(ABORT, 'test runs are deleted only with their version'); END`,
];

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ["test_runs", "adhoc_variables", "test_cases", "environments"]) {
    await db.schema.dropTable(table).execute();
  }
}

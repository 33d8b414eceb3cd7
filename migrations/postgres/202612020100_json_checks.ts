import { type Kysely, sql } from "kysely";

/**
 * The JSON CHECKs refuse text that is not JSON at all, as SQLite's `json_valid(…) AND json_type(…)`
 * do. promptrail_json_type answers NULL for such text, and a CHECK whose condition is NULL lets
 * the row through: `= 'object'` became `IS NOT DISTINCT FROM 'object'`, which is false for NULL.
 */
const CHECKS: Array<[table: string, constraint: string, condition: string]> = [
  [
    "versions",
    "versions_config",
    "promptrail_json_type(config) IS NOT DISTINCT FROM 'object' AND octet_length(config) <= 65536",
  ],
  ["test_cases", "test_cases_variables", "promptrail_json_type(variables) IS NOT DISTINCT FROM 'object'"],
  ["test_cases", "test_cases_assertions", "promptrail_json_type(assertions) IS NOT DISTINCT FROM 'array'"],
  ["adhoc_variables", "adhoc_variables_object", "promptrail_json_type(variables) IS NOT DISTINCT FROM 'object'"],
  ["test_runs", "test_runs_results", "promptrail_json_type(results) IS NOT DISTINCT FROM 'array'"],
  ["webhooks", "webhooks_types", "promptrail_json_type(types) IS NOT DISTINCT FROM 'array'"],
  ["webhooks", "webhooks_stages", "promptrail_json_type(stages) IS NOT DISTINCT FROM 'array'"],
  ["webhook_deliveries", "webhook_deliveries_body", "promptrail_json_type(body) IS NOT DISTINCT FROM 'object'"],
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const [table, constraint, condition] of CHECKS)
    await sql
      .raw(`ALTER TABLE ${table} DROP CONSTRAINT ${constraint}, ADD CONSTRAINT ${constraint} CHECK (${condition})`)
      .execute(db);
}

import { type Kysely, sql } from "kysely";

/**
 * The prompt contract (docs/contract.md): `variables`, `tools` and `response_format` on every
 * version and every stored revision, with their rules in the database itself.
 *
 * - CHECKs: `variables` and `tools` are JSON arrays (at most 128 tools), `response_format` is
 *   NULL or a JSON object of type json_object or json_schema, each within its size.
 * - `promptrail_contract_ok` (src/db/connect.ts) answers whether the three columns are a
 *   well-formed contract in stored form (names, types, defaults of their type, enum values,
 *   tool and schema shapes); a row where they are not is refused.
 * - The hash triggers now hash with `promptrail_version_hash`: the contract joins the hashed
 *   object only when it is not empty, so every existing row keeps its hash.
 * - A PROD version's contract never changes, like its body (R12).
 * Existing rows get the empty contract: `[]`, `[]`, NULL.
 */
export async function up(db: Kysely<any>): Promise<void> {
  for (const table of ["versions", "revisions"])
    for (const column of COLUMNS(table)) await sql.raw(`ALTER TABLE ${table} ADD COLUMN ${column}`).execute(db);
  for (const name of REPLACED) await sql.raw(`DROP TRIGGER ${name}`).execute(db);
  for (const statement of TRIGGERS) await sql.raw(statement).execute(db);
}

const COLUMNS = (table: string) => [
  `variables text NOT NULL DEFAULT '[]' CONSTRAINT ${table}_variables
    CHECK (json_valid(variables) AND json_type(variables) = 'array' AND length(CAST(variables AS BLOB)) <= 262144)`,
  `tools text NOT NULL DEFAULT '[]' CONSTRAINT ${table}_tools
    CHECK (json_valid(tools) AND json_type(tools) = 'array' AND json_array_length(tools) <= 128
      AND length(CAST(tools AS BLOB)) <= 524288)`,
  `response_format text CONSTRAINT ${table}_response_format
    CHECK (response_format IS NULL OR (json_valid(response_format) AND json_type(response_format) = 'object'
      AND json_extract(response_format, '$.type') IN ('json_object', 'json_schema')
      AND length(CAST(response_format AS BLOB)) <= 66560))`,
];

const refuse = (message: string) => `BEGIN SELECT RAISE(ABORT, '${message}'); END`;

const TYPE_OF_VERSION = "(SELECT type FROM prompts WHERE id = NEW.prompt_id)";
const TYPE_OF_REVISION =
  "(SELECT p.type FROM versions v JOIN prompts p ON p.id = v.prompt_id WHERE v.id = NEW.version_id)";
const HASH_OF = (type: string) =>
  `promptrail_version_hash(${type}, NEW.body, NEW.config, NEW.variables, NEW.tools, NEW.response_format)`;
const CONTRACT_OK = "promptrail_contract_ok(NEW.variables, NEW.tools, NEW.response_format)";

const HASH = "content_hash must be the sha256 of the body and config";
const CONTRACT = "a contract holds well-formed variables, tools and response format";
const PROD = "Cannot edit production versions";

/**
 * The hash triggers of 202612010600_chat_and_seq, replaced by ones that hash the contract too,
 * and its message triggers, created again after them so that they still run first.
 */
const REPLACED = [
  "versions_insert_hash",
  "versions_update_hash",
  "revisions_insert_hash",
  "versions_insert_messages",
  "versions_update_messages",
  "revisions_insert_messages",
];
const MESSAGES = "a chat version holds 1 to 100 messages as canonical JSON";
const CHAT_BAD = "promptrail_chat_hash(NEW.body, NEW.config) IS NULL";

const TRIGGERS = [
  `CREATE TRIGGER versions_prod_contract BEFORE UPDATE OF stage, variables, tools, response_format ON versions
   WHEN (OLD.stage = 'PROD' OR NEW.stage = 'PROD') AND (NEW.variables IS NOT OLD.variables
     OR NEW.tools IS NOT OLD.tools OR NEW.response_format IS NOT OLD.response_format) ${refuse(PROD)}`,
  `CREATE TRIGGER versions_insert_hash AFTER INSERT ON versions
   WHEN NEW.content_hash IS NOT ${HASH_OF(TYPE_OF_VERSION)} ${refuse(HASH)}`,
  `CREATE TRIGGER versions_update_hash AFTER UPDATE OF body, config, content_hash, variables, tools, response_format
   ON versions WHEN NEW.content_hash IS NOT ${HASH_OF(TYPE_OF_VERSION)} ${refuse(HASH)}`,
  `CREATE TRIGGER revisions_insert_hash AFTER INSERT ON revisions
   WHEN NEW.content_hash IS NOT ${HASH_OF(TYPE_OF_REVISION)} ${refuse(HASH)}`,
  // Created after the hash triggers, so that they run first (SQLite runs the newest first):
  // malformed messages and contracts are named as such rather than as a hash mismatch.
  `CREATE TRIGGER versions_insert_messages AFTER INSERT ON versions
   WHEN ${TYPE_OF_VERSION} = 'chat' AND ${CHAT_BAD} ${refuse(MESSAGES)}`,
  `CREATE TRIGGER versions_update_messages AFTER UPDATE OF body, config ON versions
   WHEN ${TYPE_OF_VERSION} = 'chat' AND ${CHAT_BAD} ${refuse(MESSAGES)}`,
  `CREATE TRIGGER revisions_insert_messages AFTER INSERT ON revisions
   WHEN ${TYPE_OF_REVISION} = 'chat' AND ${CHAT_BAD} ${refuse(MESSAGES)}`,
  `CREATE TRIGGER versions_insert_contract AFTER INSERT ON versions WHEN NOT ${CONTRACT_OK} ${refuse(CONTRACT)}`,
  `CREATE TRIGGER versions_update_contract AFTER UPDATE OF variables, tools, response_format ON versions
   WHEN NOT ${CONTRACT_OK} ${refuse(CONTRACT)}`,
  `CREATE TRIGGER revisions_insert_contract AFTER INSERT ON revisions WHEN NOT ${CONTRACT_OK} ${refuse(CONTRACT)}`,
];

export async function down(db: Kysely<any>): Promise<void> {
  const names = TRIGGERS.map((t) => /CREATE TRIGGER (\w+)/.exec(t)?.[1]).filter((n) => !n?.endsWith("_messages"));
  for (const name of names) await sql.raw(`DROP TRIGGER IF EXISTS ${name}`).execute(db);
  const hashBy = (type: string) =>
    `CASE ${type} WHEN 'chat' THEN promptrail_chat_hash(NEW.body, NEW.config) ELSE promptrail_content_hash(NEW.body, NEW.config) END`;
  await sql
    .raw(`CREATE TRIGGER versions_insert_hash AFTER INSERT ON versions
   WHEN NEW.content_hash IS NOT ${hashBy(TYPE_OF_VERSION)} ${refuse(HASH)}`)
    .execute(db);
  await sql
    .raw(`CREATE TRIGGER versions_update_hash AFTER UPDATE OF body, config, content_hash ON versions
   WHEN NEW.content_hash IS NOT ${hashBy(TYPE_OF_VERSION)} ${refuse(HASH)}`)
    .execute(db);
  await sql
    .raw(`CREATE TRIGGER revisions_insert_hash AFTER INSERT ON revisions
   WHEN NEW.content_hash IS NOT ${hashBy(TYPE_OF_REVISION)} ${refuse(HASH)}`)
    .execute(db);
  for (const table of ["versions", "revisions"])
    for (const column of ["variables", "tools", "response_format"])
      await sql.raw(`ALTER TABLE ${table} DROP COLUMN ${column}`).execute(db);
}

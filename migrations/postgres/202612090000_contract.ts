import { type Kysely, sql } from "kysely";

/**
 * The prompt contract on PostgreSQL, as migrations/202612090000_contract.ts builds it on SQLite:
 * `variables`, `tools` and `response_format` on versions and revisions, the same CHECKs, the
 * same trigger names and RAISE texts. SQLite asks the app's own functions whether a contract is
 * well-formed and what the hash is; here they are PL/pgSQL doing the same checks
 * (src/domain/contract.ts: stored form, names, types, defaults of their type, enum values,
 * tool and response format shapes) and the same canonical JSON. The contract joins the hashed
 * object only when it is not empty, so every existing row keeps its hash.
 */
export async function up(db: Kysely<any>): Promise<void> {
  for (const table of ["versions", "revisions"])
    for (const column of COLUMNS(table)) await sql.raw(`ALTER TABLE ${table} ADD COLUMN ${column}`).execute(db);
  for (const statement of FUNCTIONS) await sql.raw(statement).execute(db);
  for (const statement of TRIGGERS) await sql.raw(statement).execute(db);
}

const T = 'text COLLATE "C"';
const IS = (column: string, type: string) => `promptrail_json_type(${column}) IS NOT DISTINCT FROM '${type}'`;
const COLUMNS = (table: string) => [
  `variables ${T} NOT NULL DEFAULT '[]' CONSTRAINT ${table}_variables
    CHECK (${IS("variables", "array")} AND octet_length(variables) <= 262144)`,
  `tools ${T} NOT NULL DEFAULT '[]' CONSTRAINT ${table}_tools
    CHECK (${IS("tools", "array")} AND octet_length(tools) <= 524288
      AND json_array_length(CASE WHEN ${IS("tools", "array")} THEN tools::json ELSE '[]' END) <= 128)`,
  `response_format ${T} CONSTRAINT ${table}_response_format
    CHECK (response_format IS NULL OR (${IS("response_format", "object")} AND octet_length(response_format) <= 66560
      AND (CASE WHEN ${IS("response_format", "object")} THEN response_format::json ->> 'type' END)
        IN ('json_object', 'json_schema')))`,
];

const TOOL_NAME = "'^[A-Za-z0-9_-]{1,64}$'";
/** Keys of `e` outside the list, for "no unknown fields". */
const EXTRA_KEYS = (e: string, keys: string) =>
  `EXISTS (SELECT 1 FROM json_object_keys(${e}) k WHERE k NOT IN (${keys}))`;
/** A description as stored: absent, or text of 1–limit characters that is not blank. */
const DESCRIPTION_OK = (d: string, limit: number) =>
  `(${d} IS NULL OR (json_typeof(${d}) = 'string' AND length(${d} #>> '{}') <= ${limit} AND btrim(${d} #>> '{}') <> ''))`;

/** A tool's function or a response format's json_schema (namedSchema in src/domain/contract.ts). */
const NAMED_SCHEMA_OK = (
  v: string,
  schemaKey: string,
) => `NOT ${EXTRA_KEYS(v, `'name', 'description', '${schemaKey}', 'strict'`)}
       AND json_typeof(${v} -> 'name') IS NOT DISTINCT FROM 'string' AND (${v} ->> 'name') ~ ${TOOL_NAME}
       AND json_typeof(${v} -> '${schemaKey}') IS NOT DISTINCT FROM 'object'
       AND (${v} -> 'strict' IS NULL OR json_typeof(${v} -> 'strict') = 'boolean')
       AND ${DESCRIPTION_OK(`${v} -> 'description'`, 4000)}`;

const FUNCTIONS = [
  // A value of a variable's type (valueProblem in src/domain/contract.ts).
  `CREATE FUNCTION promptrail_value_ok(kind text, vals json, given json) RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $$
   BEGIN
     CASE kind
     WHEN 'string' THEN RETURN json_typeof(given) = 'string';
     WHEN 'number' THEN RETURN json_typeof(given) = 'number';
     WHEN 'boolean' THEN RETURN json_typeof(given) = 'boolean';
     WHEN 'enum' THEN RETURN json_typeof(given) = 'string'
       AND EXISTS (SELECT 1 FROM json_array_elements_text(vals) x WHERE x = given #>> '{}');
     WHEN 'json' THEN RETURN true;
     WHEN 'messages' THEN
       IF json_typeof(given) <> 'array' THEN RETURN false; END IF;
       RETURN NOT EXISTS (SELECT 1 FROM json_array_elements(given) m WHERE json_typeof(m) <> 'object'
         OR (SELECT string_agg(k, ',' ORDER BY k) FROM json_object_keys(m) k) IS DISTINCT FROM 'content,role'
         OR json_typeof(m -> 'role') <> 'string' OR (m ->> 'role') NOT IN ('system', 'user', 'assistant')
         OR json_typeof(m -> 'content') <> 'string');
     ELSE RETURN false;
     END CASE;
   END $$`,
  // One declared variable in stored form: type and required always there; a default makes it optional.
  `CREATE FUNCTION promptrail_variable_ok(e json) RETURNS boolean LANGUAGE plpgsql IMMUTABLE STRICT AS $$
   DECLARE kind text;
   BEGIN
     IF json_typeof(e) <> 'object' OR ${EXTRA_KEYS("e", "'name', 'type', 'required', 'default', 'description', 'values'")} THEN
       RETURN false;
     END IF;
     kind := e ->> 'type';
     IF json_typeof(e -> 'name') IS DISTINCT FROM 'string' OR NOT promptrail_variable_name(e ->> 'name')
       OR json_typeof(e -> 'type') IS DISTINCT FROM 'string'
       OR kind NOT IN ('string', 'number', 'boolean', 'enum', 'json', 'messages')
       OR json_typeof(e -> 'required') IS DISTINCT FROM 'boolean'
       OR NOT ${DESCRIPTION_OK("e -> 'description'", 1000)}
       OR (kind = 'enum') <> (e -> 'values' IS NOT NULL) THEN
       RETURN false;
     END IF;
     IF kind = 'enum' AND (json_typeof(e -> 'values') <> 'array' OR json_array_length(e -> 'values') NOT BETWEEN 1 AND 100
       OR EXISTS (SELECT 1 FROM json_array_elements(e -> 'values') x
         WHERE json_typeof(x) <> 'string' OR length(x #>> '{}') NOT BETWEEN 1 AND 200)
       OR (SELECT count(DISTINCT x) <> count(*) FROM json_array_elements_text(e -> 'values') x)) THEN
       RETURN false;
     END IF;
     RETURN e -> 'default' IS NULL
       OR ((e ->> 'required') = 'false' AND promptrail_value_ok(kind, e -> 'values', e -> 'default'));
   END $$`,
  `CREATE FUNCTION promptrail_tool_ok(e json) RETURNS boolean LANGUAGE plpgsql IMMUTABLE STRICT AS $$
   DECLARE f json;
   BEGIN
     IF json_typeof(e) <> 'object' OR (SELECT string_agg(k, ',' ORDER BY k) FROM json_object_keys(e) k) <> 'function,type'
       OR json_typeof(e -> 'type') <> 'string' OR (e ->> 'type') <> 'function' OR json_typeof(e -> 'function') <> 'object' THEN
       RETURN false;
     END IF;
     f := e -> 'function';
     RETURN ${NAMED_SCHEMA_OK("f", "parameters")};
   END $$`,
  `CREATE FUNCTION promptrail_response_format_ok(r json) RETURNS boolean LANGUAGE plpgsql IMMUTABLE STRICT AS $$
   DECLARE s json;
   BEGIN
     IF json_typeof(r) <> 'object' OR json_typeof(r -> 'type') IS DISTINCT FROM 'string' THEN RETURN false; END IF;
     IF (r ->> 'type') = 'json_object' THEN
       RETURN (SELECT string_agg(k, ',') FROM json_object_keys(r) k) = 'type';
     END IF;
     IF (r ->> 'type') <> 'json_schema' OR (SELECT string_agg(k, ',' ORDER BY k) FROM json_object_keys(r) k) <> 'json_schema,type'
       OR json_typeof(r -> 'json_schema') <> 'object' THEN
       RETURN false;
     END IF;
     s := r -> 'json_schema';
     RETURN ${NAMED_SCHEMA_OK("s", "schema")};
   END $$`,
  // parseStoredContract of src/domain/contract.ts: well-formed, canonical, unique names.
  `CREATE FUNCTION promptrail_contract_ok(variables text, tools text, response_format text) RETURNS boolean
   LANGUAGE plpgsql IMMUTABLE AS $$
   DECLARE
     v json;
     t json;
   BEGIN
     IF variables IS NULL OR tools IS NULL OR NOT (${IS("variables", "array")}) OR NOT (${IS("tools", "array")})
       OR (response_format IS NOT NULL AND NOT (${IS("response_format", "object")})) THEN
       RETURN false;
     END IF;
     v := variables::json;
     t := tools::json;
     IF promptrail_canonical_json(v) <> variables OR promptrail_canonical_json(t) <> tools
       OR (response_format IS NOT NULL AND promptrail_canonical_json(response_format::json) <> response_format)
       OR json_array_length(v) > 100 OR json_array_length(t) > 128
       OR EXISTS (SELECT 1 FROM json_array_elements(v) e WHERE NOT promptrail_variable_ok(e))
       OR EXISTS (SELECT 1 FROM json_array_elements(t) e WHERE NOT promptrail_tool_ok(e)) THEN
       RETURN false;
     END IF;
     IF (SELECT count(DISTINCT e ->> 'name') <> count(*) FROM json_array_elements(v) e)
       OR (SELECT count(DISTINCT e -> 'function' ->> 'name') <> count(*) FROM json_array_elements(t) e) THEN
       RETURN false;
     END IF;
     RETURN response_format IS NULL OR promptrail_response_format_ok(response_format::json);
   END $$`,
  // hashOf of src/domain/prompt-content.ts: the stored columns are canonical, so they are spliced in as they are.
  `CREATE FUNCTION promptrail_version_hash(kind text, body text, config text, variables text, tools text,
     response_format text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
   DECLARE
     c text;
     extra text := '';
   BEGIN
     IF body IS NULL OR config IS NULL THEN RETURN NULL; END IF;
     IF variables = '[]' AND tools = '[]' AND response_format IS NULL THEN
       RETURN CASE kind WHEN 'chat' THEN promptrail_chat_hash(body, config) ELSE promptrail_content_hash(body, config) END;
     END IF;
     c := promptrail_canonical_config(config);
     IF c IS NULL OR NOT promptrail_contract_ok(variables, tools, response_format) THEN RETURN NULL; END IF;
     IF response_format IS NOT NULL THEN extra := extra || ',"responseFormat":' || response_format; END IF;
     IF tools <> '[]' THEN extra := extra || ',"tools":' || tools; END IF;
     IF variables <> '[]' THEN extra := extra || ',"variables":' || variables; END IF;
     IF kind = 'chat' THEN
       IF promptrail_chat_hash(body, config) IS NULL THEN RETURN NULL; END IF;
       RETURN promptrail_sha256('{"config":' || c || ',"messages":' || body || extra || '}');
     END IF;
     RETURN promptrail_sha256('{"body":' || to_json(body)::text || ',"config":' || c || extra || '}');
   END $$`,
];

const M = {
  hash: "content_hash must be the sha256 of the body and config",
  contract: "a contract holds well-formed variables, tools and response format",
  prod: "Cannot edit production versions",
};
const refuse = (condition: string, message: string) =>
  `IF (${condition}) THEN RAISE EXCEPTION USING MESSAGE = '${message.replaceAll("'", "''")}', CONSTRAINT = TG_NAME; END IF;`;
const VERSION_TYPE = "(SELECT type FROM prompts WHERE id = NEW.prompt_id)";
const REVISION_TYPE =
  "(SELECT p.type FROM versions v JOIN prompts p ON p.id = v.prompt_id WHERE v.id = NEW.version_id)";
const CONTRACT_OK = "promptrail_contract_ok(NEW.variables, NEW.tools, NEW.response_format)";
const EXPECTED = (kind: string) =>
  `promptrail_version_hash(${kind}, NEW.body, NEW.config, NEW.variables, NEW.tools, NEW.response_format)`;
/** R3 with the contract; malformed chat messages and contracts are left to their own triggers. */
const HASH_BY = (type: string) => `DECLARE kind text := ${type};
  BEGIN
    ${refuse(
      `NOT (kind = 'chat' AND promptrail_chat_hash(NEW.body, NEW.config) IS NULL) AND ${CONTRACT_OK}
      AND NEW.content_hash IS DISTINCT FROM ${EXPECTED("kind")}`,
      M.hash,
    )}
  END;`;

const fn = (name: string, body: string, result: "NEW" | "NULL") =>
  `CREATE OR REPLACE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     ${body}
     RETURN ${result};
   END $$`;
const trigger = (name: string, on: string) => `CREATE TRIGGER ${name} ${on} FOR EACH ROW EXECUTE FUNCTION ${name}()`;

const TRIGGERS = [
  fn("versions_insert_hash", HASH_BY(VERSION_TYPE), "NULL"),
  fn("revisions_insert_hash", HASH_BY(REVISION_TYPE), "NULL"),
  fn("versions_update_hash", HASH_BY(VERSION_TYPE), "NULL"),
  "DROP TRIGGER versions_update_hash ON versions",
  trigger(
    "versions_update_hash",
    "AFTER UPDATE OF body, config, content_hash, variables, tools, response_format ON versions",
  ),
  // R5 as before, with the hash that covers the contract (the old expected hash would let an
  // edit of a version with a contract skip its revision).
  fn(
    "versions_edit_keeps_revision",
    refuse(
      `(NEW.body IS DISTINCT FROM OLD.body OR NEW.config IS DISTINCT FROM OLD.config
         OR NEW.revision IS DISTINCT FROM OLD.revision OR NEW.content_hash IS DISTINCT FROM OLD.content_hash)
       AND (NEW.revision IS DISTINCT FROM OLD.revision + 1 OR NOT EXISTS (SELECT 1 FROM revisions r
         WHERE r.version_id = NEW.id AND r.revision = NEW.revision AND r.content_hash = NEW.content_hash
           AND r.body = NEW.body AND r.config = NEW.config))
       AND NEW.content_hash IS NOT DISTINCT FROM ${EXPECTED(VERSION_TYPE)}`,
      "an edit must store its revision first",
    ),
    "NULL",
  ),
  fn(
    "versions_prod_contract",
    refuse(
      `(OLD.stage = 'PROD' OR NEW.stage = 'PROD') AND (NEW.variables IS DISTINCT FROM OLD.variables
       OR NEW.tools IS DISTINCT FROM OLD.tools OR NEW.response_format IS DISTINCT FROM OLD.response_format)`,
      M.prod,
    ),
    "NEW",
  ),
  trigger("versions_prod_contract", "BEFORE UPDATE OF stage, variables, tools, response_format ON versions"),
  fn("versions_insert_contract", refuse(`NOT ${CONTRACT_OK}`, M.contract), "NULL"),
  trigger("versions_insert_contract", "AFTER INSERT ON versions"),
  fn("versions_update_contract", refuse(`NOT ${CONTRACT_OK}`, M.contract), "NULL"),
  trigger("versions_update_contract", "AFTER UPDATE OF variables, tools, response_format ON versions"),
  fn("revisions_insert_contract", refuse(`NOT ${CONTRACT_OK}`, M.contract), "NULL"),
  trigger("revisions_insert_contract", "AFTER INSERT ON revisions"),
];

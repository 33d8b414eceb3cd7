import { type Kysely, sql } from "kysely";

/**
 * docs/rules.md, chat prompts: chat prompts and sequence numbers, with their rules in the database itself (R12).
 *
 * - `prompts.type` ('text' or 'chat') is fixed when the prompt is created. A chat prompt's
 *   versions and revisions keep their messages in the same `body` column, as canonical JSON, so
 *   every rule already guarding content holds for messages unchanged: PROD immutable, an edit
 *   stores its revision first, the 1,000,000-byte limit (over the messages' JSON).
 * - The hash triggers now hash by type: `{"body","config"}` for text, `{"config","messages"}`
 *   for chat. `promptrail_chat_hash` (src/db/connect.ts) answers null for anything that is not
 *   1–100 well-formed messages in canonical form, so such a row is refused too.
 * - `versions.seq`: 1, 2, 3… in creation order within a prompt, never reused (a high-water
 *   mark on the prompt, like the version number's), never changed. The database gives it: a
 *   row inserted without one (seq 0, the default) takes the prompt's next; one inserted with a
 *   seq (an import keeps its numbers) must be above the mark. Existing versions are numbered by
 *   version number, which R8 makes the order they were created in.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE prompts ADD COLUMN type text NOT NULL DEFAULT 'text'
    CONSTRAINT prompts_type CHECK (type IN ('text', 'chat'))`.execute(db);
  await sql`ALTER TABLE prompts ADD COLUMN max_seq integer NOT NULL DEFAULT 0`.execute(db);
  await sql`ALTER TABLE versions ADD COLUMN seq integer NOT NULL DEFAULT 0`.execute(db);
  await sql`UPDATE versions SET seq = (SELECT count(*) FROM versions w WHERE w.prompt_id = versions.prompt_id
    AND (w.major < versions.major OR (w.major = versions.major AND w.minor <= versions.minor)))`.execute(db);
  await sql`UPDATE prompts SET max_seq = (SELECT coalesce(max(seq), 0) FROM versions WHERE prompt_id = prompts.id)`.execute(
    db,
  );
  await sql`CREATE UNIQUE INDEX versions_seq_unique ON versions (prompt_id, seq)`.execute(db);
  for (const name of REPLACED) await sql.raw(`DROP TRIGGER ${name}`).execute(db);
  for (const statement of TRIGGERS) await sql.raw(statement).execute(db);
}

const refuse = (message: string) => `BEGIN SELECT RAISE(ABORT, '${message}'); END`;

/** The prompt's type as seen from a version row (`NEW.prompt_id`) or a revision row (`NEW.version_id`). */
const TYPE_OF_VERSION = "(SELECT type FROM prompts WHERE id = NEW.prompt_id)";
const TYPE_OF_REVISION =
  "(SELECT p.type FROM versions v JOIN prompts p ON p.id = v.prompt_id WHERE v.id = NEW.version_id)";
const hashBy = (type: string) =>
  `CASE ${type} WHEN 'chat' THEN promptrail_chat_hash(NEW.body, NEW.config) ELSE promptrail_content_hash(NEW.body, NEW.config) END`;

const HASH = "content_hash must be the sha256 of the body and config";
const MESSAGES = "a chat version holds 1 to 100 messages as canonical JSON";
const SEQ = "sequence numbers are never reused";

/** The hash triggers of 202612010100_hardening, replaced by ones that hash by the prompt's type. */
const REPLACED = ["versions_insert_hash", "versions_update_hash", "revisions_insert_hash"];

const TRIGGERS = [
  `CREATE TRIGGER prompts_keep_type BEFORE UPDATE OF type ON prompts
   WHEN NEW.type IS NOT OLD.type ${refuse("a prompt keeps its type")}`,
  `CREATE TRIGGER prompts_seq_forward BEFORE UPDATE OF max_seq ON prompts
   WHEN NEW.max_seq < OLD.max_seq ${refuse(SEQ)}`,

  // seq: 0 asks for the next one; a given one must be above every number ever given in the
  // prompt. Then the mark rises. Once given, it never changes.
  `CREATE TRIGGER versions_seq_fresh BEFORE INSERT ON versions
   WHEN NEW.seq IS NULL OR NEW.seq < 0
     OR (NEW.seq > 0 AND NEW.seq <= (SELECT max_seq FROM prompts WHERE id = NEW.prompt_id)) ${refuse(SEQ)}`,
  `CREATE TRIGGER versions_seq_mark AFTER INSERT ON versions
   BEGIN
     UPDATE versions SET seq = (SELECT max_seq + 1 FROM prompts WHERE id = NEW.prompt_id) WHERE id = NEW.id AND seq = 0;
     UPDATE prompts SET max_seq = (SELECT seq FROM versions WHERE id = NEW.id) WHERE id = NEW.prompt_id;
   END`,
  `CREATE TRIGGER versions_seq_fixed BEFORE UPDATE OF seq ON versions
   WHEN NEW.seq IS NOT OLD.seq AND OLD.seq <> 0 ${refuse("a version keeps its sequence number")}`,

  `CREATE TRIGGER versions_insert_hash AFTER INSERT ON versions
   WHEN NEW.content_hash IS NOT ${hashBy(TYPE_OF_VERSION)} ${refuse(HASH)}`,
  `CREATE TRIGGER versions_update_hash AFTER UPDATE OF body, config, content_hash ON versions
   WHEN NEW.content_hash IS NOT ${hashBy(TYPE_OF_VERSION)} ${refuse(HASH)}`,
  `CREATE TRIGGER revisions_insert_hash AFTER INSERT ON revisions
   WHEN NEW.content_hash IS NOT ${hashBy(TYPE_OF_REVISION)} ${refuse(HASH)}`,
  // Created after the hash triggers, so that they run first (SQLite runs the newest first): malformed
  // messages are named as such rather than as a hash mismatch.
  `CREATE TRIGGER versions_insert_messages AFTER INSERT ON versions
   WHEN ${TYPE_OF_VERSION} = 'chat' AND promptrail_chat_hash(NEW.body, NEW.config) IS NULL ${refuse(MESSAGES)}`,
  `CREATE TRIGGER versions_update_messages AFTER UPDATE OF body, config ON versions
   WHEN ${TYPE_OF_VERSION} = 'chat' AND promptrail_chat_hash(NEW.body, NEW.config) IS NULL ${refuse(MESSAGES)}`,
  `CREATE TRIGGER revisions_insert_messages AFTER INSERT ON revisions
   WHEN ${TYPE_OF_REVISION} = 'chat' AND promptrail_chat_hash(NEW.body, NEW.config) IS NULL ${refuse(MESSAGES)}`,
];

export async function down(db: Kysely<any>): Promise<void> {
  const names = TRIGGERS.map((t) => /CREATE TRIGGER (\w+)/.exec(t)?.[1]);
  for (const name of names) await sql.raw(`DROP TRIGGER IF EXISTS ${name}`).execute(db);
  const textHash = "promptrail_content_hash(NEW.body, NEW.config)";
  await sql
    .raw(`CREATE TRIGGER versions_insert_hash AFTER INSERT ON versions
   WHEN NEW.content_hash IS NOT ${textHash} ${refuse(HASH)}`)
    .execute(db);
  await sql
    .raw(`CREATE TRIGGER versions_update_hash AFTER UPDATE OF body, config, content_hash ON versions
   WHEN NEW.content_hash IS NOT ${textHash} ${refuse(HASH)}`)
    .execute(db);
  await sql
    .raw(`CREATE TRIGGER revisions_insert_hash AFTER INSERT ON revisions
   WHEN NEW.content_hash IS NOT ${textHash} ${refuse(HASH)}`)
    .execute(db);
  await sql`DROP INDEX versions_seq_unique`.execute(db);
  await sql`ALTER TABLE versions DROP COLUMN seq`.execute(db);
  await sql`ALTER TABLE prompts DROP COLUMN max_seq`.execute(db);
  await sql`ALTER TABLE prompts DROP COLUMN type`.execute(db);
}

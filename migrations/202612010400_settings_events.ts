import { type Kysely, sql } from "kysely";

/**
 * docs/accounts.md: changes to stage environments (and, later, other settings) are events too, typed
 * `settings.changed`. They belong to no prompt, so the event log takes rows without a prompt —
 * only of that type, and every other type still needs its prompt. SQLite cannot change a
 * column's NOT NULL or a CHECK in place: the table is rebuilt (SQLite's documented procedure),
 * its rows, ids, indexes and append-only triggers kept as they were.
 */
const TYPES = `'prompt.created', 'version.created', 'version.edited', 'version.promoted', 'version.deleted',
  'version.made_current', 'version.tested', 'settings.changed'`;

export async function up(db: Kysely<any>): Promise<void> {
  await sql
    .raw(
      `CREATE TABLE events_rebuilt (
        id integer PRIMARY KEY AUTOINCREMENT,
        prompt_id integer REFERENCES prompts (id),
        at text NOT NULL,
        actor text NOT NULL,
        type text NOT NULL,
        version text,
        detail text NOT NULL DEFAULT '{}',
        CONSTRAINT events_type CHECK (type IN (${TYPES})),
        CONSTRAINT events_prompt CHECK ((prompt_id IS NULL) = (type = 'settings.changed'))
      )`,
    )
    .execute(db);
  await sql`INSERT INTO events_rebuilt (id, prompt_id, at, actor, type, version, detail)
    SELECT id, prompt_id, at, actor, type, version, detail FROM events ORDER BY id`.execute(db);
  // A trigger of another table that reads events would make the rename fail while events is
  // gone: it is dropped first and made again below, as it was.
  await sql`DROP TRIGGER prompts_never_deleted`.execute(db);
  // DROP TABLE deletes without firing the table's triggers (and drops them with it).
  await sql`DROP TABLE events`.execute(db);
  await sql`ALTER TABLE events_rebuilt RENAME TO events`.execute(db);
  await sql`CREATE INDEX events_by_prompt ON events (prompt_id, id)`.execute(db);
  await sql`CREATE INDEX events_by_version ON events (prompt_id, version, id)`.execute(db);
  for (const statement of TRIGGERS) await sql.raw(statement).execute(db);
}

const TRIGGERS = [
  // As 202612010100_hardening made it: also with foreign keys off, no orphaned PROD versions.
  `CREATE TRIGGER prompts_never_deleted BEFORE DELETE ON prompts
   WHEN EXISTS (SELECT 1 FROM versions WHERE prompt_id = OLD.id) OR EXISTS (SELECT 1 FROM events WHERE prompt_id = OLD.id)
   BEGIN SELECT RAISE(ABORT, 'a prompt with versions is never deleted'); END`,
  `CREATE TRIGGER events_no_update BEFORE UPDATE ON events
   BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END`,
  `CREATE TRIGGER events_no_delete BEFORE DELETE ON events
   BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END`,
  `CREATE TRIGGER events_insert_fresh BEFORE INSERT ON events
   WHEN EXISTS (SELECT 1 FROM events WHERE id = NEW.id)
   BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END`,
  `CREATE TRIGGER events_insert_prompt_exists BEFORE INSERT ON events
   WHEN NEW.prompt_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM prompts WHERE id = NEW.prompt_id)
   BEGIN SELECT RAISE(ABORT, 'a row needs its parent'); END`,
];

export async function down(): Promise<void> {
  throw new Error("202612010400_settings_events cannot be undone: settings events have no prompt to keep");
}

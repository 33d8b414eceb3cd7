import { type Kysely, sql } from "kysely";

/**
 * Prompts, versions, saved revisions and the event log, with the rules of R4 and R12 in the
 * database itself: whatever writes to this file, it cannot break them.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("prompts")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("name", "text", (c) => c.notNull().unique())
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    // High-water mark of allocated version numbers: R8 never reuses a number, even after a delete.
    .addColumn("max_major", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("max_minor", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addCheckConstraint(
      "prompts_name_format",
      sql`name GLOB '[a-z0-9]*' AND name NOT GLOB '*[^a-z0-9._-]*' AND length(name) BETWEEN 1 AND 100`,
    )
    .addCheckConstraint("prompts_description_size", sql`length(description) <= 2000`)
    .execute();

  await db.schema
    .createTable("versions")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("prompt_id", "integer", (c) => c.notNull().references("prompts.id"))
    .addColumn("major", "integer", (c) => c.notNull())
    .addColumn("minor", "integer", (c) => c.notNull())
    .addColumn("stage", "text", (c) => c.notNull())
    .addColumn("is_current", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("config", "text", (c) => c.notNull().defaultTo("{}"))
    .addColumn("revision", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("content_hash", "text", (c) => c.notNull())
    .addColumn("created_from", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addUniqueConstraint("versions_number_unique", ["prompt_id", "major", "minor"])
    .addCheckConstraint("versions_stage", sql`stage IN ('DEV', 'TST', 'PROD')`)
    .addCheckConstraint("versions_is_current", sql`is_current IN (0, 1)`)
    .addCheckConstraint("versions_number", sql`major >= 1 AND minor >= 0`)
    .addCheckConstraint("versions_revision", sql`revision >= 1`)
    .addCheckConstraint("versions_body_size", sql`length(CAST(body AS BLOB)) <= 1000000`)
    .addCheckConstraint(
      "versions_config",
      sql`json_valid(config) AND json_type(config) = 'object' AND length(CAST(config AS BLOB)) <= 65536`,
    )
    .execute();

  // R4: one current version per stage per prompt.
  await sql`CREATE UNIQUE INDEX versions_one_current_per_stage ON versions (prompt_id, stage) WHERE is_current = 1`.execute(
    db,
  );

  await db.schema
    .createTable("revisions")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("version_id", "integer", (c) => c.notNull().references("versions.id").onDelete("cascade"))
    .addColumn("revision", "integer", (c) => c.notNull())
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("config", "text", (c) => c.notNull())
    .addColumn("content_hash", "text", (c) => c.notNull())
    .addColumn("saved_at", "text", (c) => c.notNull())
    .addColumn("actor", "text", (c) => c.notNull())
    .addUniqueConstraint("revisions_unique", ["version_id", "revision"])
    .execute();

  await db.schema
    .createTable("events")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("prompt_id", "integer", (c) => c.notNull().references("prompts.id"))
    .addColumn("at", "text", (c) => c.notNull())
    .addColumn("actor", "text", (c) => c.notNull())
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("version", "text")
    .addColumn("detail", "text", (c) => c.notNull().defaultTo("{}"))
    .addCheckConstraint(
      "events_type",
      sql`type IN ('prompt.created', 'version.created', 'version.edited', 'version.promoted', 'version.deleted', 'version.made_current', 'version.tested')`,
    )
    .execute();
  await db.schema.createIndex("events_by_prompt").on("events").columns(["prompt_id", "id"]).execute();

  for (const statement of TRIGGERS) await sql.raw(statement).execute(db);
}

const TRIGGERS = [
  // R8: a new version takes a number above everything ever allocated, then raises the mark.
  `CREATE TRIGGER versions_number_fresh BEFORE INSERT ON versions
   WHEN EXISTS (SELECT 1 FROM prompts p WHERE p.id = NEW.prompt_id
     AND (NEW.major < p.max_major OR (NEW.major = p.max_major AND NEW.minor <= p.max_minor)))
   BEGIN SELECT RAISE(ABORT, 'version numbers are never reused'); END`,
  `CREATE TRIGGER versions_number_mark AFTER INSERT ON versions
   BEGIN UPDATE prompts SET max_major = NEW.major, max_minor = NEW.minor WHERE id = NEW.prompt_id; END`,
  // Lowering the mark would let the next new version take a deleted number again.
  `CREATE TRIGGER prompts_mark_forward BEFORE UPDATE OF max_major, max_minor ON prompts
   WHEN (NEW.max_major, NEW.max_minor) < (OLD.max_major, OLD.max_minor)
   BEGIN SELECT RAISE(ABORT, 'version numbers are never reused'); END`,
  `CREATE TRIGGER versions_new_is_dev BEFORE INSERT ON versions WHEN NEW.stage <> 'DEV'
   BEGIN SELECT RAISE(ABORT, 'new versions start in DEV'); END`,
  `CREATE TRIGGER versions_number_fixed BEFORE UPDATE OF prompt_id, major, minor, created_from ON versions
   WHEN NEW.prompt_id IS NOT OLD.prompt_id OR NEW.major IS NOT OLD.major OR NEW.minor IS NOT OLD.minor
     OR NEW.created_from IS NOT OLD.created_from
   BEGIN SELECT RAISE(ABORT, 'a version keeps its number'); END`,
  // R5/R12: production versions are immutable.
  // Also when the same statement moves the version into PROD: content is frozen as it arrives.
  `CREATE TRIGGER versions_prod_immutable BEFORE UPDATE OF stage, body, config, revision, content_hash ON versions
   WHEN (OLD.stage = 'PROD' OR NEW.stage = 'PROD') AND (NEW.body IS NOT OLD.body OR NEW.config IS NOT OLD.config
     OR NEW.revision IS NOT OLD.revision OR NEW.content_hash IS NOT OLD.content_hash)
   BEGIN SELECT RAISE(ABORT, 'Cannot edit production versions'); END`,
  // R5: no edit loses saved text — an edit of a draft steps the revision by one, and that
  // revision must already be stored with the new content. AFTER, so the PROD trigger and the
  // size checks speak first.
  `CREATE TRIGGER versions_edit_keeps_revision AFTER UPDATE OF body, config, revision, content_hash ON versions
   WHEN (NEW.body IS NOT OLD.body OR NEW.config IS NOT OLD.config OR NEW.revision IS NOT OLD.revision
     OR NEW.content_hash IS NOT OLD.content_hash)
     AND (NEW.revision IS NOT OLD.revision + 1 OR NOT EXISTS (SELECT 1 FROM revisions r
       WHERE r.version_id = NEW.id AND r.revision = NEW.revision AND r.content_hash = NEW.content_hash
         AND r.body = NEW.body AND r.config = NEW.config))
   BEGIN SELECT RAISE(ABORT, 'an edit must store its revision first'); END`,
  // R7/R12: forward only, one step at a time.
  `CREATE TRIGGER versions_stage_forward BEFORE UPDATE OF stage ON versions
   WHEN NEW.stage IS NOT OLD.stage
     AND NOT ((OLD.stage = 'DEV' AND NEW.stage = 'TST') OR (OLD.stage = 'TST' AND NEW.stage = 'PROD'))
   BEGIN SELECT RAISE(ABORT, 'stages move forward only: DEV to TST to PROD'); END`,
  // R9/R12: only DEV drafts that are not current can be deleted.
  `CREATE TRIGGER versions_delete_dev_only BEFORE DELETE ON versions
   WHEN OLD.stage <> 'DEV' OR OLD.is_current = 1
   BEGIN SELECT RAISE(ABORT, 'only DEV drafts that are not current can be deleted'); END`,
  // R5: saved revisions are never rewritten (they go only with their deleted draft).
  `CREATE TRIGGER revisions_no_update BEFORE UPDATE ON revisions
   BEGIN SELECT RAISE(ABORT, 'saved revisions are never changed'); END`,
  // Nor deleted while their version exists: the cascade of a deleted draft runs after its row is gone.
  `CREATE TRIGGER revisions_no_delete BEFORE DELETE ON revisions
   WHEN EXISTS (SELECT 1 FROM versions WHERE id = OLD.version_id)
   BEGIN SELECT RAISE(ABORT, 'saved revisions are never changed'); END`,
  // R11: the event log is append-only.
  `CREATE TRIGGER events_no_update BEFORE UPDATE ON events
   BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END`,
  `CREATE TRIGGER events_no_delete BEFORE DELETE ON events
   BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END`,
];

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ["events", "revisions", "versions", "prompts"]) {
    await db.schema.dropTable(table).execute();
  }
}

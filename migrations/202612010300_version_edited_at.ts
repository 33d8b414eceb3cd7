import { type Kysely, sql } from "kysely";

/**
 * docs/ui.md: "Edited" is the time of a version's last saved revision. `updated_at` also moves on
 * promote and make-current, so the edit time gets its own column, filled from the stored
 * revisions, and the database keeps it tied to the revision. (A row inserted without it, by raw
 * SQL, reads as edited when created.)
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("versions")
    .addColumn("edited_at", "text", (c) => c.notNull().defaultTo(""))
    .execute();
  await sql`UPDATE versions SET edited_at = coalesce(
      (SELECT r.saved_at FROM revisions r WHERE r.version_id = versions.id AND r.revision = versions.revision),
      created_at)`.execute(db);
  // The edit time moves with the revision and only with it: a promotion cannot fake an edit.
  await sql`CREATE TRIGGER versions_edited_at_with_revision BEFORE UPDATE OF edited_at ON versions
    WHEN NEW.edited_at IS NOT OLD.edited_at AND NEW.revision IS OLD.revision
    BEGIN SELECT RAISE(ABORT, 'the edit time changes only with a saved revision'); END`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TRIGGER versions_edited_at_with_revision`.execute(db);
  await db.schema.alterTable("versions").dropColumn("edited_at").execute();
}

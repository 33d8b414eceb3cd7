import type { Kysely } from "kysely";

/**
 * The stage rail asks when each current version became current: the newest event of that
 * version. Indexed by (prompt, version), that is a seek, however long the prompt's history.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex("events_by_version").on("events").columns(["prompt_id", "version", "id"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("events_by_version").execute();
}

import type { Kysely } from "kysely";

/**
 * A prompt nobody uses any more can be archived: hidden from the list, everything else kept
 * (versions, PROD history, events) and the runtime read still answering. NULL: not archived.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("prompts").addColumn("archived_at", "text").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("prompts").dropColumn("archived_at").execute();
}

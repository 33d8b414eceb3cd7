import { type Kysely, sql } from "kysely";

/**
 * The failed-sign-in limit counts per name and per client address. A successful sign-in
 * forgives its name's earlier failures, but those rows carry the address too: deleting them
 * also emptied the address's count. `name_forgiven` marks them forgiven for the name only; the
 * address keeps counting them until they are 15 minutes old.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql
    .raw(
      "ALTER TABLE sign_in_failures ADD COLUMN name_forgiven integer NOT NULL DEFAULT 0 CHECK (name_forgiven IN (0, 1))",
    )
    .execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw("ALTER TABLE sign_in_failures DROP COLUMN name_forgiven").execute(db);
}

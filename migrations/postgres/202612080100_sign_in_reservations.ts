import { type Kysely, sql } from "kysely";

/**
 * The failed-sign-in limit counts per name and per client address. A successful sign-in
 * forgives its name's earlier failures, but those rows carry the address too: deleting them
 * also emptied the address's count. `name_forgiven` marks them forgiven for the name only; the
 * address keeps counting them until they are 15 minutes old. (The same as SQLite's migration
 * of this name.)
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql
    .raw(
      `ALTER TABLE sign_in_failures ADD COLUMN name_forgiven integer NOT NULL DEFAULT 0
       CONSTRAINT sign_in_failures_name_forgiven CHECK (name_forgiven IN (0, 1))`,
    )
    .execute(db);
}

import type { Migration } from "kysely";

/** PostgreSQL's migrations (SPEC §10), by name in the order they apply. */
export const postgresMigrations: Record<string, Migration> = {};

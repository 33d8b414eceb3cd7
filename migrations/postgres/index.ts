import type { Migration } from "kysely";
import * as postgresSchema from "./202612020000_postgres_schema.js";

/** PostgreSQL's migrations (SPEC §10), by name in the order they apply. */
export const postgresMigrations: Record<string, Migration> = {
  "202612020000_postgres_schema": postgresSchema,
};

import type { TestProject } from "vitest/node";
import { connectPostgres } from "../../src/db/connect.js";
import { migrateToLatest } from "../../src/db/migrate.js";
import { createTestDatabase, dropCopiesOf } from "./pg-databases.js";

/**
 * The `postgres` project's setup: one database migrated by the real runner, which the workers'
 * test databases copy (CREATE DATABASE … TEMPLATE); it and its copies are dropped when the run ends.
 */
export default async function setup(project: TestProject) {
  const template = await createTestDatabase();
  const db = connectPostgres(template.url, { max: 1 });
  try {
    await migrateToLatest(db.kysely);
  } finally {
    await db.close();
  }
  project.provide("pgTemplate", template.name);
  return () => dropCopiesOf(template.name);
}

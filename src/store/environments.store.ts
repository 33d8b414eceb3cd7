import type { Kysely, Updateable } from "kysely";
import type { Database, EnvironmentRow, EnvironmentsTable } from "../db/schema.js";
import type { Stage } from "../domain/stage.js";

type Db = Kysely<Database>;

/** The three stage environments (seeded by the migration, never inserted or deleted after). */
export function listEnvironments(db: Db): Promise<EnvironmentRow[]> {
  return db.selectFrom("environments").selectAll().execute();
}

export function findEnvironment(db: Db, stage: Stage): Promise<EnvironmentRow | undefined> {
  return db.selectFrom("environments").selectAll().where("stage", "=", stage).executeTakeFirst();
}

export async function updateEnvironment(
  db: Db,
  stage: Stage,
  changes: Omit<Updateable<EnvironmentsTable>, "stage">,
): Promise<void> {
  await db.updateTable("environments").set(changes).where("stage", "=", stage).execute();
}

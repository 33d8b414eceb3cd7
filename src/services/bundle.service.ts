import type { Kysely } from "kysely";
import type { Database } from "../db/schema.js";
import type { Stage } from "../domain/stage.js";
import type { Version } from "../model/version.model.js";
import { currentVersionsIn } from "../store/bundle.store.js";
import { rowToVersion } from "./rows.js";

/**
 * What an offline bundle holds (docs/applications.md, "The offline bundle"): every prompt's
 * current version in `stage`, by name, read in one transaction so that a server writing
 * meanwhile cannot give it half of a change.
 */
export function currentVersions(db: Kysely<Database>, stage: Stage): Promise<Version[]> {
  return db.transaction().execute(async (tx) => {
    const rows = await currentVersionsIn(tx, stage);
    return rows.map((row) => rowToVersion({ name: row.name, type: row.prompt_type }, row));
  });
}

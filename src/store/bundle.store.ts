import type { Kysely } from "kysely";
import type { Database, VersionRow } from "../db/schema.js";
import type { PromptType } from "../domain/chat.js";
import type { Stage } from "../domain/stage.js";

/**
 * Every prompt's current version in `stage` (archived prompts too: the runtime read still
 * answers them), with the prompt's name and type, by name.
 */
export function currentVersionsIn(
  db: Kysely<Database>,
  stage: Stage,
): Promise<Array<VersionRow & { name: string; prompt_type: PromptType }>> {
  return db
    .selectFrom("versions as v")
    .innerJoin("prompts as p", "p.id", "v.prompt_id")
    .selectAll("v")
    .select(["p.name", "p.type as prompt_type"])
    .where("v.stage", "=", stage)
    .where("v.is_current", "=", 1)
    .orderBy("p.name")
    .execute();
}

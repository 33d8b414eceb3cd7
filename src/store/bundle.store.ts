import { type Kysely, sql } from "kysely";
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

/**
 * The next prompts in use (not archived) that have a current version in `stage`, by name after
 * `after`, with how many characters each version's body and variables hold: what an MCP client
 * lists (docs/mcp.md) is paged by count and by size before any body is read.
 */
export function currentSizesIn(
  db: Kysely<Database>,
  stage: Stage,
  page: { after?: string | undefined; limit: number },
): Promise<Array<{ name: string; chars: number }>> {
  let query = db
    .selectFrom("versions as v")
    .innerJoin("prompts as p", "p.id", "v.prompt_id")
    .select(["p.name", sql<number>`length(v.body) + length(v.variables)`.as("chars")])
    .where("v.stage", "=", stage)
    .where("v.is_current", "=", 1)
    .where("p.archived_at", "is", null)
    .orderBy("p.name")
    .limit(page.limit);
  if (page.after !== undefined) query = query.where("p.name", ">", page.after);
  return query.execute();
}

/** The current versions in `stage` of the prompts `names`, with each prompt's type and description, by name. */
export function currentVersionsNamed(
  db: Kysely<Database>,
  stage: Stage,
  names: string[],
): Promise<Array<VersionRow & { name: string; prompt_type: PromptType; description: string }>> {
  if (names.length === 0) return Promise.resolve([]);
  return db
    .selectFrom("versions as v")
    .innerJoin("prompts as p", "p.id", "v.prompt_id")
    .selectAll("v")
    .select(["p.name", "p.type as prompt_type", "p.description"])
    .where("v.stage", "=", stage)
    .where("v.is_current", "=", 1)
    .where("p.name", "in", names)
    .orderBy("p.name")
    .execute();
}

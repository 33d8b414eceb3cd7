import type { Kysely } from "kysely";
import type { Database } from "../db/schema.js";

type Db = Kysely<Database>;

/** The ad-hoc variables last used to TEST a prompt, as JSON text (null when never). */
export async function findAdhocVariables(db: Db, promptId: number): Promise<string | null> {
  const row = await db
    .selectFrom("adhoc_variables")
    .select("variables")
    .where("prompt_id", "=", promptId)
    .executeTakeFirst();
  return row?.variables ?? null;
}

export async function rememberAdhocVariables(db: Db, promptId: number, variables: string, now: string) {
  await db
    .insertInto("adhoc_variables")
    .values({ prompt_id: promptId, variables, updated_at: now })
    .onConflict((oc) => oc.column("prompt_id").doUpdateSet({ variables, updated_at: now }))
    .execute();
}

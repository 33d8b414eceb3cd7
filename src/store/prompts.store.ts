import { type Kysely, sql } from "kysely";
import type { Database, PromptRow } from "../db/schema.js";

type Db = Kysely<Database>;

export async function insertPrompt(
  db: Db,
  prompt: { name: string; description: string; type: "text" | "chat" },
  now: string,
): Promise<number> {
  const row = await db
    .insertInto("prompts")
    .values({ ...prompt, created_at: now, updated_at: now })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

export function findPromptByName(db: Db, name: string): Promise<PromptRow | undefined> {
  return db.selectFrom("prompts").selectAll().where("name", "=", name).executeTakeFirst();
}

/** Raises a prompt's seq mark (an import keeps the numbers of deleted versions used); never lowers it. */
export async function raiseSeqMark(db: Db, id: number, seq: number): Promise<void> {
  await db.updateTable("prompts").set({ max_seq: seq }).where("id", "=", id).where("max_seq", "<", seq).execute();
}

export async function touchPrompt(db: Db, id: number, now: string): Promise<void> {
  await db.updateTable("prompts").set({ updated_at: now }).where("id", "=", id).execute();
}

export async function setDescription(db: Db, id: number, description: string, now: string): Promise<void> {
  await db.updateTable("prompts").set({ description, updated_at: now }).where("id", "=", id).execute();
}

/**
 * What a prompt's pages show beside its current versions, in one statement: the DEV draft count,
 * whether it is archived, and the ad-hoc TEST variables remembered for it (JSON text, or null).
 */
export async function promptFacts(
  db: Db,
  promptId: number,
): Promise<{ drafts: number; archivedAt: string | null; remembered: string | null }> {
  const row = await db
    .selectFrom("prompts as p")
    .select((eb) => [
      "p.archived_at",
      eb
        .selectFrom("versions as v")
        .select((v) => v.fn.countAll<number>().as("n"))
        .whereRef("v.prompt_id", "=", "p.id")
        .where("v.stage", "=", "DEV")
        .as("drafts"),
      eb.selectFrom("adhoc_variables as a").select("a.variables").whereRef("a.prompt_id", "=", "p.id").as("remembered"),
    ])
    .where("p.id", "=", promptId)
    .executeTakeFirst();
  return {
    drafts: Number(row?.drafts ?? 0),
    archivedAt: row?.archived_at ?? null,
    remembered: row?.remembered ?? null,
  };
}

/** Archives (a time) or unarchives (null) a prompt; nothing else about it changes. */
export async function setArchivedAt(db: Db, id: number, archivedAt: string | null): Promise<void> {
  await db.updateTable("prompts").set({ archived_at: archivedAt }).where("id", "=", id).execute();
}

/**
 * Prompts by name, `q` matching name or description, keyset-paginated after `after`: those in
 * use, or with `archived` only the archived ones.
 */
export function listPrompts(
  db: Db,
  opts: { q?: string | undefined; after?: string | undefined; limit: number; archived?: boolean },
) {
  let query = db
    .selectFrom("prompts")
    .selectAll()
    .where("archived_at", opts.archived ? "is not" : "is", null)
    .orderBy("name")
    .limit(opts.limit);
  if (opts.q) {
    // Case-insensitive on both engines: SQLite's LIKE ignores ASCII case, PostgreSQL's does not.
    const pattern = `%${opts.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where(
      sql<boolean>`(lower(name) LIKE lower(${pattern}) ESCAPE '\\' OR lower(description) LIKE lower(${pattern}) ESCAPE '\\')`,
    );
  }
  if (opts.after !== undefined) query = query.where("name", ">", opts.after);
  return query.execute();
}

/** Which prompts a filtered, offset-paged list covers (the Langfuse-compatible list). */
export interface PromptFilter {
  name?: string | undefined;
  /** Only prompts with a current version in this stage. */
  stage?: "DEV" | "TST" | "PROD" | undefined;
}

function filtered(db: Db, filter: PromptFilter) {
  let query = db.selectFrom("prompts").where("archived_at", "is", null);
  if (filter.name !== undefined) query = query.where("name", "=", filter.name);
  const pointer = { DEV: "current_dev", TST: "current_tst", PROD: "current_prod" } as const;
  if (filter.stage) query = query.where(pointer[filter.stage], "is not", null);
  return query;
}

/** One page of prompts in use by name, `offset` rows in. */
export function pagePrompts(db: Db, filter: PromptFilter, page: { offset: number; limit: number }) {
  return filtered(db, filter).selectAll().orderBy("name").offset(page.offset).limit(page.limit).execute();
}

export async function countPrompts(db: Db, filter: PromptFilter): Promise<number> {
  const row = await filtered(db, filter)
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

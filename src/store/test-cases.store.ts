import type { Kysely } from "kysely";
import type { Database, TestCaseRow } from "../db/schema.js";

type Db = Kysely<Database>;

export interface TestCaseContent {
  name: string;
  variables: string;
  assertions: string;
  echo_output: string | null;
}

/** A prompt's test cases in the order they were created. */
export function listTestCases(db: Db, promptId: number): Promise<TestCaseRow[]> {
  return db.selectFrom("test_cases").selectAll().where("prompt_id", "=", promptId).orderBy("id").execute();
}

/** A page of a prompt's test cases in creation order: ids after `after`, at most `limit`. */
export function listTestCasePage(db: Db, promptId: number, page: { after?: number | undefined; limit: number }) {
  let query = db.selectFrom("test_cases").selectAll().where("prompt_id", "=", promptId);
  if (page.after !== undefined) query = query.where("id", ">", page.after);
  return query.orderBy("id").limit(page.limit).execute();
}

export async function countTestCases(db: Db, promptId: number): Promise<number> {
  const row = await db
    .selectFrom("test_cases")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("prompt_id", "=", promptId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export function findTestCase(db: Db, promptId: number, id: number): Promise<TestCaseRow | undefined> {
  return db
    .selectFrom("test_cases")
    .selectAll()
    .where("prompt_id", "=", promptId)
    .where("id", "=", id)
    .executeTakeFirst();
}

export function findTestCaseByName(db: Db, promptId: number, name: string): Promise<TestCaseRow | undefined> {
  return db
    .selectFrom("test_cases")
    .selectAll()
    .where("prompt_id", "=", promptId)
    .where("name", "=", name)
    .executeTakeFirst();
}

export async function insertTestCase(db: Db, promptId: number, content: TestCaseContent, now: string) {
  const row = await db
    .insertInto("test_cases")
    .values({ prompt_id: promptId, ...content, created_at: now, updated_at: now })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updateTestCase(db: Db, id: number, content: TestCaseContent, now: string): Promise<void> {
  await db
    .updateTable("test_cases")
    .set({ ...content, updated_at: now })
    .where("id", "=", id)
    .execute();
}

export async function deleteTestCase(db: Db, id: number): Promise<void> {
  await db.deleteFrom("test_cases").where("id", "=", id).execute();
}

import type { Kysely } from "kysely";
import type { Database } from "../db/schema.js";

type Db = Kysely<Database>;

/**
 * When the failed sign-ins since `since` happened, for one name and for one client address. A
 * failure a later success of its name forgave counts for its address only.
 */
export async function recentFailures(db: Db, key: { name: string; address: string }, since: string) {
  const byName = await db
    .selectFrom("sign_in_failures")
    .select("at")
    .where("name", "=", key.name)
    .where("name_forgiven", "=", 0)
    .where("at", ">", since)
    .orderBy("at", "desc")
    .limit(50)
    .execute();
  const byAddress = await db
    .selectFrom("sign_in_failures")
    .select("at")
    .where("address", "=", key.address)
    .where("at", ">", since)
    .orderBy("at", "desc")
    .limit(50)
    .execute();
  return { byName: byName.map((r) => r.at), byAddress: byAddress.map((r) => r.at) };
}

/** A failure, or the reservation of an attempt that counts as one until it succeeds: its id. */
export async function insertFailure(db: Db, failure: { name: string; address: string; at: string }): Promise<number> {
  const { id } = await db.insertInto("sign_in_failures").values(failure).returning("id").executeTakeFirstOrThrow();
  return id;
}

/** An attempt that succeeded was no failure: its reservation goes. */
export async function deleteFailure(db: Db, id: number): Promise<void> {
  await db.deleteFrom("sign_in_failures").where("id", "=", id).execute();
}

/** Failures older than the window count for nothing: the table stays small. */
export async function deleteFailuresBefore(db: Db, before: string): Promise<void> {
  await db.deleteFrom("sign_in_failures").where("at", "<=", before).execute();
}

/** A successful sign-in forgives that name's earlier typos; their addresses keep counting them. */
export async function forgiveFailuresOfName(db: Db, name: string): Promise<void> {
  await db
    .updateTable("sign_in_failures")
    .set({ name_forgiven: 1 })
    .where("name", "=", name)
    .where("name_forgiven", "=", 0)
    .execute();
}

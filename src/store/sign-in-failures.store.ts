import type { Kysely } from "kysely";
import type { Database } from "../db/schema.js";

type Db = Kysely<Database>;

/** When the failed sign-ins since `since` happened, for one name and for one client address. */
export async function recentFailures(db: Db, key: { name: string; address: string }, since: string) {
  const times = (column: "name" | "address", value: string) =>
    db
      .selectFrom("sign_in_failures")
      .select("at")
      .where(column, "=", value)
      .where("at", ">", since)
      .orderBy("at", "desc")
      .limit(50)
      .execute();
  const [byName, byAddress] = await Promise.all([times("name", key.name), times("address", key.address)]);
  return { byName: byName.map((r) => r.at), byAddress: byAddress.map((r) => r.at) };
}

export async function insertFailure(db: Db, failure: { name: string; address: string; at: string }): Promise<void> {
  await db.insertInto("sign_in_failures").values(failure).execute();
}

/** Failures older than the window count for nothing: the table stays small. */
export async function deleteFailuresBefore(db: Db, before: string): Promise<void> {
  await db.deleteFrom("sign_in_failures").where("at", "<=", before).execute();
}

/** A successful sign-in forgives that name's earlier typos (the address keeps its count). */
export async function deleteFailuresOfName(db: Db, name: string): Promise<void> {
  await db.deleteFrom("sign_in_failures").where("name", "=", name).execute();
}

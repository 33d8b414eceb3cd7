import type { Kysely } from "kysely";
import type { ApiTokenRow, Database } from "../db/schema.js";

type Db = Kysely<Database>;

export type TokenListRow = ApiTokenRow & { user_name: string };

export async function insertToken(
  db: Db,
  token: { userId: number; label: string; secretHash: string; readOnly: boolean; at: string },
): Promise<number> {
  const row = await db
    .insertInto("api_tokens")
    .values({
      user_id: token.userId,
      label: token.label,
      secret_hash: token.secretHash,
      read_only: token.readOnly ? 1 : 0,
      created_at: token.at,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A token that is not revoked, with its user, by the hash of its secret. */
export function findActiveToken(db: Db, secretHash: string) {
  return db
    .selectFrom("api_tokens as t")
    .innerJoin("users as u", "u.id", "t.user_id")
    .select(["t.id", "t.label", "t.read_only", "t.last_used_at", "u.id as user_id", "u.name", "u.role", "u.disabled"])
    .where("t.secret_hash", "=", secretHash)
    .where("t.revoked_at", "is", null)
    .executeTakeFirst();
}

const listed = (db: Db) =>
  db
    .selectFrom("api_tokens as t")
    .innerJoin("users as u", "u.id", "t.user_id")
    .selectAll("t")
    .select("u.name as user_name");

export function findToken(db: Db, id: number): Promise<TokenListRow | undefined> {
  return listed(db).where("t.id", "=", id).executeTakeFirst();
}

/** Tokens newest first: one user's, or everyone's. */
export function listTokens(db: Db, userId?: number): Promise<TokenListRow[]> {
  let query = listed(db).orderBy("t.id", "desc");
  if (userId !== undefined) query = query.where("t.user_id", "=", userId);
  return query.execute();
}

export async function touchToken(db: Db, id: number, at: string): Promise<void> {
  await db.updateTable("api_tokens").set({ last_used_at: at }).where("id", "=", id).execute();
}

export async function revokeToken(db: Db, id: number, at: string): Promise<void> {
  await db.updateTable("api_tokens").set({ revoked_at: at }).where("id", "=", id).execute();
}

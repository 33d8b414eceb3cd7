import type { Kysely } from "kysely";
import type { Database } from "../db/schema.js";

type Db = Kysely<Database>;

export async function insertSession(db: Db, session: { userId: number; secretHash: string; at: string }) {
  await db
    .insertInto("sessions")
    .values({
      user_id: session.userId,
      secret_hash: session.secretHash,
      created_at: session.at,
      last_used_at: session.at,
    })
    .execute();
}

/** A session with its user, by the hash of its cookie. */
export function findSession(db: Db, secretHash: string) {
  return db
    .selectFrom("sessions as s")
    .innerJoin("users as u", "u.id", "s.user_id")
    .select(["s.id", "s.last_used_at", "u.id as user_id", "u.name", "u.role", "u.disabled"])
    .where("s.secret_hash", "=", secretHash)
    .executeTakeFirst();
}

export async function touchSession(db: Db, id: number, at: string): Promise<void> {
  await db.updateTable("sessions").set({ last_used_at: at }).where("id", "=", id).execute();
}

export async function deleteSession(db: Db, id: number): Promise<void> {
  await db.deleteFrom("sessions").where("id", "=", id).execute();
}

/** Ends every session of a user (disabled, or a new password). */
export async function deleteUserSessions(db: Db, userId: number): Promise<void> {
  await db.deleteFrom("sessions").where("user_id", "=", userId).execute();
}

/** Sessions unused for longer than they last are gone for good (housekeeping at each sign-in). */
export async function deleteSessionsUnusedSince(db: Db, before: string): Promise<void> {
  await db.deleteFrom("sessions").where("last_used_at", "<", before).execute();
}

import type { Kysely } from "kysely";
import type { Database, RoleName, UserRow } from "../db/schema.js";

type Db = Kysely<Database>;

export function findUserByName(db: Db, name: string): Promise<UserRow | undefined> {
  return db.selectFrom("users").selectAll().where("name", "=", name).executeTakeFirst();
}

export function listUsers(db: Db): Promise<UserRow[]> {
  return db.selectFrom("users").selectAll().orderBy("name").execute();
}

/** Open mode (docs/accounts.md) lasts while no user is active. */
export async function hasActiveUser(db: Db): Promise<boolean> {
  const row = await db.selectFrom("users").select("id").where("disabled", "=", 0).limit(1).executeTakeFirst();
  return row !== undefined;
}

export async function countActiveAdmins(db: Db): Promise<number> {
  const row = await db
    .selectFrom("users")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("disabled", "=", 0)
    .where("role", "=", "admin")
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function insertUser(
  db: Db,
  user: { name: string; role: RoleName; passwordHash: string; at: string },
): Promise<number> {
  const row = await db
    .insertInto("users")
    .values({
      name: user.name,
      role: user.role,
      password_hash: user.passwordHash,
      created_at: user.at,
      updated_at: user.at,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updateUser(
  db: Db,
  id: number,
  changes: { role?: RoleName; disabled?: number; password_hash?: string },
  at: string,
): Promise<void> {
  await db
    .updateTable("users")
    .set({ ...changes, updated_at: at })
    .where("id", "=", id)
    .execute();
}

export async function touchUser(db: Db, id: number, at: string): Promise<void> {
  await db.updateTable("users").set({ last_seen_at: at }).where("id", "=", id).execute();
}

import type { Kysely } from "kysely";
import type { Database, UserRow } from "../db/schema.js";
import { DomainError } from "../domain/errors.js";
import type { Role } from "../domain/roles.js";
import type { User } from "../model/account.model.js";
import { appendSettingsEvent } from "../store/events.store.js";
import { deleteUserSessions } from "../store/sessions.store.js";
import {
  countActiveAdmins,
  findUserByName,
  hasActiveUser,
  insertUser,
  listUsers,
  updateUser,
} from "../store/users.store.js";
import { addUserInput, changePasswordInput, setPasswordInput, setRoleInput, userName } from "./accounts.inputs.js";
import { type Actor, eventActor, isoNow, LOCAL, requireRole, type ServiceDeps } from "./context.js";
import { parseInput } from "./parse.js";
import { hashPassword, verifyPassword } from "./secrets.js";
import { inTransaction, type Tx } from "./transaction.js";

export function rowToUser(row: UserRow): User {
  return {
    name: row.name,
    role: row.role,
    disabled: row.disabled === 1,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
  };
}

export async function requireUser(db: Kysely<Database>, name: string): Promise<UserRow> {
  const row = userName.safeParse(name).success ? await findUserByName(db, name) : undefined;
  if (!row) throw new DomainError("not_found", `No user named "${name}"`);
  return row;
}

const FIRST_ADMIN = "The first active user must be an admin, who can then add the others";

/** The last active admin keeps the role and stays enabled: someone must be able to manage users. */
async function refuseLosingLastAdmin(tx: Tx, row: UserRow): Promise<void> {
  if (row.role !== "admin" || row.disabled === 1) return;
  if ((await countActiveAdmins(tx)) <= 1)
    throw new DomainError(
      "invalid_transition",
      `${row.name} is the last active admin: make another user an admin first, so that someone can still manage users`,
    );
}

/**
 * Users (docs/accounts.md): admins manage them (the command line acts as `local`, which may). Every
 * change is a `settings.changed` event naming the user and the change, never a password.
 */
export function createUsersService(deps: ServiceDeps) {
  const { db } = deps;
  const logged = (tx: Tx, by: Actor, at: string, detail: Record<string, unknown>) =>
    appendSettingsEvent(tx, { at, ...eventActor(by), detail: { setting: "user", ...detail } });

  /** Changes one user in one transaction, with its event (the caller has checked the role). */
  async function change(
    name: string,
    by: Actor,
    work: (tx: Tx, row: UserRow, at: string) => Promise<Record<string, unknown>>,
  ): Promise<User> {
    return inTransaction(db, async (tx) => {
      const row = await requireUser(tx, name);
      const at = isoNow(deps);
      const detail = await work(tx, row, at);
      await logged(tx, by, at, { user: row.name, ...detail });
      return rowToUser(await requireUser(tx, name));
    });
  }

  return {
    /** Whether the server is secured: some user is active (else open mode, every request `local`). */
    secured(): Promise<boolean> {
      return hasActiveUser(db);
    },

    async list(by: Actor = LOCAL): Promise<User[]> {
      requireRole(by, "admin");
      return (await listUsers(db)).map(rowToUser);
    },

    /** A new user; the first active user must be an admin (the database insists too). */
    async add(input: unknown, by: Actor = LOCAL): Promise<User> {
      requireRole(by, "admin");
      const { name, role, password } = parseInput(addUserInput, input);
      const passwordHash = await hashPassword(password);
      return inTransaction(db, async (tx) => {
        if (await findUserByName(tx, name))
          throw new DomainError("name_taken", `A user named "${name}" already exists`);
        if (role !== "admin" && (await countActiveAdmins(tx)) === 0) {
          const message = FIRST_ADMIN;
          throw new DomainError("validation_failed", message, [{ path: "role", message }]);
        }
        const at = isoNow(deps);
        await insertUser(tx, { name, role, passwordHash, at });
        await logged(tx, by, at, { user: name, change: "added", role });
        return rowToUser(await requireUser(tx, name));
      });
    },

    setRole(name: string, input: unknown, by: Actor = LOCAL): Promise<User> {
      requireRole(by, "admin");
      const { role } = parseInput(setRoleInput, input);
      return change(name, by, async (tx, row, at) => {
        if (role !== "admin") await refuseLosingLastAdmin(tx, row);
        await updateUser(tx, row.id, { role }, at);
        return { change: "role", from: row.role, to: role };
      });
    },

    /** Ends the user's sessions at once; their tokens stop working (they stay listed). */
    disable(name: string, by: Actor = LOCAL): Promise<User> {
      requireRole(by, "admin");
      return change(name, by, async (tx, row, at) => {
        if (row.disabled === 1) throw new DomainError("invalid_transition", `${name} is disabled already`);
        await refuseLosingLastAdmin(tx, row);
        await updateUser(tx, row.id, { disabled: 1 }, at);
        await deleteUserSessions(tx, row.id);
        return { change: "disabled" };
      });
    },

    enable(name: string, by: Actor = LOCAL): Promise<User> {
      requireRole(by, "admin");
      return change(name, by, async (tx, row, at) => {
        if (row.disabled === 0) throw new DomainError("invalid_transition", `${name} is not disabled`);
        if (row.role !== "admin" && (await countActiveAdmins(tx)) === 0)
          throw new DomainError("invalid_transition", FIRST_ADMIN);
        await updateUser(tx, row.id, { disabled: 0 }, at);
        return { change: "enabled" };
      });
    },

    /** An admin (or the operator's command line) sets a password; the user's sessions end. */
    async setPassword(name: string, input: unknown, by: Actor = LOCAL): Promise<User> {
      requireRole(by, "admin");
      const { password } = parseInput(setPasswordInput, input);
      const hash = await hashPassword(password);
      return change(name, by, async (tx, row, at) => {
        await updateUser(tx, row.id, { password_hash: hash }, at);
        await deleteUserSessions(tx, row.id);
        return { change: "password" };
      });
    },

    /**
     * One's own new password, after proving the current one; every session of the user ends
     * (the caller signs the browser that asked in again).
     */
    async changeOwnPassword(input: unknown, by: Actor): Promise<{ name: string; role: Role }> {
      requireRole(by, "self");
      const { current, password } = parseInput(changePasswordInput, input);
      if (by.userId === undefined)
        throw new DomainError(
          "invalid_transition",
          "Nobody is signed in (open mode has no accounts): no password to change",
        );
      const row = await requireUser(db, by.actor);
      if (!(await verifyPassword(current, row.password_hash))) {
        const message = "That is not your current password";
        throw new DomainError("validation_failed", message, [{ path: "current", message }]);
      }
      const hash = await hashPassword(password);
      const user = await change(row.name, by, async (tx, found, at) => {
        await updateUser(tx, found.id, { password_hash: hash }, at);
        await deleteUserSessions(tx, found.id);
        return { change: "password" };
      });
      return { name: user.name, role: user.role };
    },
  };
}

import { migrateToLatest } from "../db/migrate.js";
import { isRole, ROLES, type Role } from "../domain/roles.js";
import { createTokensService } from "../services/tokens.service.js";
import { createUsersService } from "../services/users.service.js";
import { type CliIo, DB_OPTION, type ParsedArgs, UsageError } from "./command.js";
import { existingDatabase, settingsOf, usingDatabase } from "./settings.js";

export const ACCOUNT_OPTIONS = { ...DB_OPTION };

/**
 * The user and token verbs work on the database file, also while a server runs on it (SQLite
 * queues the writers; the server sees each change at its next request). They act as `local`,
 * the operator, who may do anything. Only `user add` may create the file (the first admin
 * often comes before the first start).
 */
export interface Accounts {
  users: ReturnType<typeof createUsersService>;
  tokens: ReturnType<typeof createTokensService>;
}

export async function withAccounts<T>(
  args: ParsedArgs,
  io: CliIo,
  work: (accounts: Accounts) => Promise<T>,
  options: { create?: boolean } = {},
): Promise<T> {
  const config = settingsOf(args, io.env);
  return usingDatabase(options.create ? config : existingDatabase(config), async (db) => {
    await migrateToLatest(db.kysely);
    const deps = { db: db.kysely };
    return work({ users: createUsersService(deps), tokens: createTokensService(deps) });
  });
}

/** A role named on the command line; a wrong one is a usage error (exit 2). */
export function roleArgument(value: string | undefined, what = "--role"): Role {
  if (!isRole(value)) throw new UsageError(`${what} "${value}" is not a role: use ${ROLES.join(", ")}`);
  return value;
}

/** Rows as aligned columns, for `user list` and `token list`. */
export function columns(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  const line = (r: string[]) =>
    r
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return `${rows.map(line).join("\n")}\n`;
}

/** "2026-12-01 14:03" (UTC), or "never". */
export const when = (iso: string | null) => (iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}` : "never");

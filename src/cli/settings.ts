import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { type Config, loadConfig } from "../config.js";
import { type DatabaseTarget, type Db, open } from "../db/connect.js";
import { type ParsedArgs, stringValue, UsageError } from "./command.js";
import { userPath } from "./paths.js";

const FLAGS = { host: "HOST", port: "PORT", db: "PROMPTRAIL_DB", "database-url": "PROMPTRAIL_DATABASE_URL" } as const;

/** The settings of a verb: its flags win over the environment variables they stand for. */
export function settingsOf(args: ParsedArgs, env: NodeJS.ProcessEnv): Config {
  const port = stringValue(args, "port");
  if (port !== undefined && !(/^\d{1,5}$/.test(port) && Number(port) <= 65535))
    throw new UsageError(`--port takes a number from 0 to 65535, not "${port}"`);
  const overrides: Record<string, string> = {};
  for (const [flag, variable] of Object.entries(FLAGS)) {
    const value = stringValue(args, flag);
    if (value === "") throw new UsageError(`--${flag} needs a value`);
    if (value !== undefined) overrides[variable] = value;
  }
  // A file the user named is where they stand (the default ./data/promptrail.db stays the checkout's).
  const named = overrides.PROMPTRAIL_DB ?? env.PROMPTRAIL_DB;
  if (named) overrides.PROMPTRAIL_DB = userPath(env, named);
  return loadConfig({ ...env, ...overrides });
}

/**
 * Verbs that read a registry never create an empty SQLite file by mistake (a PostgreSQL database
 * is created by its operator, never by us).
 */
export function existingDatabase<T extends DatabaseTarget>(target: T): T {
  if (!target.databaseUrl && !existsSync(target.dbFile))
    throw new Error(`no database at ${target.dbFile}: pass --db FILE or set PROMPTRAIL_DB`);
  return target;
}

/**
 * Whether opening `target` would create its SQLite file (a verb that may create one, such as
 * `user add`, then says so: `--db typo.db` must not pass unnoticed as the registry it meant).
 */
export function createsFile(target: DatabaseTarget): boolean {
  return !target.databaseUrl && !existsSync(target.dbFile);
}

/** The line a verb prints on stderr when it created a new, empty database file. */
export const createdLine = (target: DatabaseTarget) =>
  `promptrail: note: ${resolve(target.dbFile)} did not exist: created a new, empty database there. If you meant an existing one, check --db or PROMPTRAIL_DB\n`;

/** Opens the database for one verb and closes it whatever happens. */
export async function usingDatabase<T>(target: DatabaseTarget, work: (db: Db) => Promise<T>): Promise<T> {
  const db = open(target);
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

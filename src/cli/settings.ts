import { existsSync } from "node:fs";
import { type Config, loadConfig } from "../config.js";
import { type DatabaseTarget, type Db, open } from "../db/connect.js";
import { type ParsedArgs, stringValue, UsageError } from "./command.js";

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

/** Opens the database for one verb and closes it whatever happens. */
export async function usingDatabase<T>(target: DatabaseTarget, work: (db: Db) => Promise<T>): Promise<T> {
  const db = open(target);
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

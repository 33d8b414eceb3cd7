import { existsSync } from "node:fs";
import { type Config, loadConfig } from "../config.js";
import { connect, type Db } from "../db/connect.js";
import { type ParsedArgs, stringValue, UsageError } from "./command.js";

const FLAGS = { host: "HOST", port: "PORT", db: "PROMPTRAIL_DB" } as const;

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

/** Verbs that read a registry never create an empty one by mistake. */
export function existingDatabase(file: string): string {
  if (!existsSync(file)) throw new Error(`no database at ${file}: pass --db FILE or set PROMPTRAIL_DB`);
  return file;
}

/** Opens the database for one verb and closes it whatever happens. */
export async function usingDatabase<T>(file: string, work: (db: Db) => Promise<T>): Promise<T> {
  const db = connect(file);
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

import type { Readable, Writable } from "node:stream";

/** What a verb may touch of its process: tests pass their own streams, environment and signals. */
export interface CliIo {
  env: NodeJS.ProcessEnv;
  stdin: Readable;
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable;
  /** Where `serve` hears SIGTERM and SIGINT (the process itself, or a test's emitter). */
  signals: Pick<NodeJS.EventEmitter, "once" | "off">;
}

/** One flag of a verb, for util.parseArgs and for its usage text. */
export interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
  /** The placeholder shown in usage for a string flag: FILE, N, H. */
  value?: string;
  /** A flag the verb cannot do without (usage shows it without brackets). */
  required?: boolean;
  help: string;
}

export interface ParsedArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/**
 * A verb of the one command line (docs/operations.md). `name` may be two words ("user add") for verbs
 * grouped under one noun; the registry in commands.ts lists one entry per verb.
 */
export interface Command {
  name: string;
  /** Positionals as usage shows them, e.g. "FILE" or "[VERB]". */
  args?: string;
  positionals: { min: number; max: number };
  options: Record<string, OptionSpec>;
  summary: string;
  /** Paragraphs shown by `help VERB` under the usage line. */
  details?: string;
  /** Answers the exit code (0 when nothing is returned). */
  run(args: ParsedArgs, io: CliIo): Promise<number | undefined>;
}

/** A wrong verb, flag or argument: usage goes to stderr and the exit code is 2. */
export class UsageError extends Error {}

/** A string flag's value (parseArgs has checked its type). */
export function stringValue(args: ParsedArgs, name: string): string | undefined {
  const value = args.values[name];
  return typeof value === "string" ? value : undefined;
}

/** `--db FILE` and `--database-url URL`, shared by every verb that opens the database. */
export const DB_OPTION: Record<string, OptionSpec> = {
  db: { type: "string", value: "FILE", help: "the SQLite file (default: $PROMPTRAIL_DB, else ./data/promptrail.db)" },
  "database-url": {
    type: "string",
    value: "URL",
    help: "PostgreSQL instead of the file: postgres://user@host:5432/db (default: $PROMPTRAIL_DATABASE_URL)",
  },
};

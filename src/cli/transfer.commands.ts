import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import type { Readable } from "node:stream";
import { text } from "node:stream/consumers";
import { describeTarget } from "../db/connect.js";
import { migrateToLatest } from "../db/migrate.js";
import { exportRegistry } from "../services/export.service.js";
import { importRegistry, TargetNotEmpty } from "../services/import.service.js";
import { readDocument } from "../services/transfer.schema.js";
import { type Command, DB_OPTION, stringValue } from "./command.js";
import { userPath } from "./paths.js";
import { createdLine, createsFile, existingDatabase, settingsOf, usingDatabase } from "./settings.js";

export const exportCommand: Command = {
  name: "export",
  positionals: { min: 0, max: 0 },
  options: { ...DB_OPTION, out: { type: "string", value: "FILE", help: "write to FILE instead of stdout" } },
  summary: "write the whole registry as one JSON document (to move it to another machine)",
  details: [
    "Prompts with every version, revision, test case and event, and the stage environments;",
    "never users, sessions, tokens or keys. Read in one transaction, so a running server",
    "cannot tear it. `promptrail import` loads it into a new database.",
  ].join("\n"),
  async run(args, io) {
    const config = existingDatabase(settingsOf(args, io.env));
    const dbFile = describeTarget(config);
    const doc = await usingDatabase(config, async (db) => {
      await migrateToLatest(db.kysely);
      return exportRegistry(db.kysely, new Date());
    });
    const json = `${JSON.stringify(doc, null, 2)}\n`;
    const given = stringValue(args, "out");
    const out = given === undefined ? undefined : userPath(io.env, given);
    if (out === undefined) io.stdout.write(json);
    else {
      writeWhole(out, json);
      io.stderr.write(`Exported ${doc.prompts.length} prompt(s) from ${dbFile} to ${out}\n`);
    }
    return 0;
  },
};

export const importCommand: Command = {
  name: "import",
  args: "FILE",
  positionals: { min: 1, max: 1 },
  options: { ...DB_OPTION },
  summary: "load an export (FILE, or - for stdin) into a database that has no prompts",
  details: [
    "Keeps version numbers, stages, current versions, revisions, events and test cases. The",
    "file is checked whole before anything is written, and loaded in one transaction: a",
    "refused file writes nothing. A database that already has prompts is refused.",
  ].join("\n"),
  async run(args, io) {
    const [source = ""] = args.positionals;
    const doc = readDocument(await readJson(source === "-" ? source : userPath(io.env, source), io.stdin));
    const config = settingsOf(args, io.env);
    const dbFile = describeTarget(config);
    if (createsFile(config)) io.stderr.write(createdLine(config));
    const done = await usingDatabase(config, async (db) => {
      await migrateToLatest(db.kysely);
      return importRegistry(db.kysely, doc, new Date());
    }).catch((error: unknown) => {
      if (!(error instanceof TargetNotEmpty)) throw error;
      const fresh = config.databaseUrl ? "an empty database" : "a new file (--db NEW.db)";
      throw new Error(`${dbFile} already has prompts: import into ${fresh}; nothing was written`);
    });
    io.stdout.write(
      `Imported ${done.prompts} prompt(s), ${done.versions} version(s) and ${done.events} event(s) into ${dbFile}\n`,
    );
    return 0;
  },
};

async function readJson(source: string, stdin: Readable): Promise<unknown> {
  const name = source === "-" ? "stdin" : source;
  const content = source === "-" ? await text(stdin) : readFileSync(source, "utf8");
  try {
    return JSON.parse(content);
  } catch (error) {
    throw new Error(`${name} is not JSON (${(error as Error).message}): give a file written by promptrail export`);
  }
}

/** The whole file or nothing: a reader never sees half an export. */
export function writeWhole(file: string, content: string): void {
  const partial = `${file}.partial-${process.pid}`;
  try {
    writeFileSync(partial, content);
    renameSync(partial, file);
  } finally {
    rmSync(partial, { force: true });
  }
}

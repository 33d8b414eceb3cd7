import { backupDatabase } from "../db/backup.js";
import { connect } from "../db/connect.js";
import { type Command, DB_OPTION } from "./command.js";
import { userPath } from "./paths.js";
import { existingDatabase, settingsOf } from "./settings.js";

export const backupCommand: Command = {
  name: "backup",
  args: "FILE",
  positionals: { min: 1, max: 1 },
  options: { ...DB_OPTION, force: { type: "boolean", help: "replace FILE if it exists" } },
  summary: "copy the database to FILE, safely while a server writes to it",
  details: [
    "Uses SQLite's online backup API; the copy is one consistent snapshot, checked with",
    "PRAGMA integrity_check before it takes FILE's place. To restore, stop the server and",
    "put the copy where --db points (remove any FILE-wal and FILE-shm left beside it).",
  ].join("\n"),
  async run(args, io) {
    const target = userPath(io.env, args.positionals[0] ?? "");
    const config = existingDatabase(settingsOf(args, io.env));
    if (config.databaseUrl)
      throw new Error("backup copies the SQLite file; back PostgreSQL up with pg_dump (docs/postgresql.md)");
    const { dbFile } = config;
    const db = connect(dbFile);
    const done = await backupDatabase(db, dbFile, target, { force: args.values.force === true }).finally(() =>
      db.close(),
    );
    const size = `${(done.bytes / 1024 / 1024).toFixed(1)} MiB`;
    io.stdout.write(`Backed up ${dbFile} to ${done.file} (${size}, integrity ok) in ${done.ms} ms\n`);
    return 0;
  },
};

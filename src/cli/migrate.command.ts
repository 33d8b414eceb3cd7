import { describeTarget } from "../db/connect.js";
import { migrateToLatest } from "../db/migrate.js";
import { type Command, DB_OPTION } from "./command.js";
import { createdLine, createsFile, settingsOf, usingDatabase } from "./settings.js";

export const migrateCommand: Command = {
  name: "migrate",
  positionals: { min: 0, max: 0 },
  options: { ...DB_OPTION },
  summary: "bring the database to the latest schema and exit (serve does it at every start)",
  async run(args, io) {
    const config = settingsOf(args, io.env);
    if (createsFile(config)) io.stderr.write(createdLine(config));
    const applied = await usingDatabase(config, (db) => migrateToLatest(db.kysely));
    const where = describeTarget(config);
    io.stdout.write(applied.length ? `Applied ${applied.join(", ")} to ${where}\n` : `${where} is up to date\n`);
    return 0;
  },
};

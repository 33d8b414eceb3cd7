import { describeTarget } from "../db/connect.js";
import { migrateToLatest } from "../db/migrate.js";
import { type Bundle, makeBundle } from "../domain/bundle.js";
import type { Json } from "../domain/content.js";
import { parseStage, type Stage } from "../domain/stage.js";
import { versionJson } from "../http/json.js";
import { currentVersions } from "../services/bundle.service.js";
import { type CliIo, type Command, DB_OPTION, type ParsedArgs, stringValue, UsageError } from "./command.js";
import { userPath } from "./paths.js";
import { existingDatabase, settingsOf, usingDatabase } from "./settings.js";
import { registryClient } from "./sync.commands.js";
import { writeWhole } from "./transfer.commands.js";

export const bundleCommand: Command = {
  name: "bundle",
  positionals: { min: 0, max: 0 },
  options: {
    stage: {
      type: "string",
      value: "STAGE",
      required: true,
      help: "whose current versions to bundle: DEV, TST or PROD (what applications read)",
    },
    out: { type: "string", value: "FILE", help: "write to FILE instead of stdout" },
    url: {
      type: "string",
      value: "URL",
      help: "read from a running server (with $PROMPTRAIL_TOKEN) instead of a database",
    },
    ...DB_OPTION,
  },
  summary: "write every prompt's current version in a stage as one verifiable JSON document",
  details: [
    "For shipping inside an application image: @promptrail/client serves from it when the",
    "server cannot answer, after checking its sha256 (docs/applications.md). Reads the database",
    "(--db, --database-url, or their variables) in one transaction, or a running server's",
    "runtime read with --url. A bundle carries no test runs, history, users or keys.",
  ].join("\n"),
  async run(args, io) {
    const stage = stageOf(args);
    const { bundle, from } = await bundleFrom(args, io, stage);
    const json = `${JSON.stringify(bundle, null, 2)}\n`;
    const given = stringValue(args, "out");
    const out = given === undefined ? undefined : userPath(io.env, given);
    const count = Object.keys(bundle.prompts).length;
    if (count === 0) io.stderr.write(`No prompt has a current ${stage} version in ${from}: the bundle is empty\n`);
    if (out === undefined) io.stdout.write(json);
    else {
      writeWhole(out, json);
      io.stderr.write(
        `Bundled ${count} prompt(s) current in ${stage} from ${from} to ${out} (sha256 ${bundle.sha256})\n`,
      );
    }
    return 0;
  },
};

function stageOf(args: ParsedArgs): Stage {
  const value = stringValue(args, "stage") ?? "";
  const stage = parseStage(value);
  if (!stage) throw new UsageError(`--stage takes DEV, TST or PROD, not "${value}"`);
  return stage;
}

async function bundleFrom(args: ParsedArgs, io: CliIo, stage: Stage): Promise<{ bundle: Bundle; from: string }> {
  const url = stringValue(args, "url");
  if (url !== undefined) {
    if (stringValue(args, "db") !== undefined || stringValue(args, "database-url") !== undefined)
      throw new UsageError("read from a server (--url) or from a database (--db, --database-url), not both");
    const versions = await registryClient(url, io).currentIn(stage);
    return { bundle: makeBundle(stage, new Date(), versions as Array<{ [key: string]: Json }>), from: url };
  }
  const config = existingDatabase(settingsOf(args, io.env));
  const versions = await usingDatabase(config, async (db) => {
    await migrateToLatest(db.kysely);
    return currentVersions(db.kysely, stage);
  });
  const objects = versions.map((v) => versionJson(v, null) as { [key: string]: Json });
  return { bundle: makeBundle(stage, new Date(), objects), from: describeTarget(config) };
}

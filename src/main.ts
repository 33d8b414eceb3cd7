import { serve } from "@hono/node-server";
import { createApp } from "./app.js";
import { loadConfig } from "./config.js";
import { connect } from "./db/connect.js";
import { migrateToLatest } from "./db/migrate.js";

/**
 * The only place that reads the environment and argv. Verbs: `serve` (default) and `migrate`.
 */
async function main(argv: string[], env: NodeJS.ProcessEnv) {
  const config = loadConfig(env);
  const verb = argv[0] ?? "serve";
  if (verb !== "serve" && verb !== "migrate") {
    console.error(`Unknown command "${verb}". Use: serve | migrate`);
    process.exitCode = 2;
    return;
  }
  const db = connect(config.dbFile);
  const applied = await migrateToLatest(db.kysely);
  if (verb === "migrate") {
    console.log(
      applied.length ? `Applied ${applied.join(", ")} to ${config.dbFile}` : `${config.dbFile} is up to date`,
    );
    await db.close();
    return;
  }
  const app = createApp({ db, publicUrl: config.publicUrl });
  const server = serve({ fetch: app.fetch, hostname: config.host, port: config.port }, (info) => {
    const host = info.address.includes(":") ? `[${info.address}]` : info.address;
    console.log(`Promptrail listening on http://${host}:${info.port} (database ${config.dbFile})`);
  });
  const stop = () => {
    server.close(() => void db.close().then(() => process.exit(0)));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main(process.argv.slice(2), process.env).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

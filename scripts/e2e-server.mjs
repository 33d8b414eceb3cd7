// A web server of the Playwright run (playwright.config.ts, one per project): starts every run on an empty
// database, bundles the app, then runs it in this process. The database is the SQLite file
// named by PROMPTRAIL_DB (deleted first) or, with PROMPTRAIL_E2E_ENGINE=postgres, the PostgreSQL
// database promptrail_e2e_<PORT> on PROMPTRAIL_TEST_PG_ADMIN_URL's server, dropped and created
// again (like the file, it stays after the run for a look at what the journeys left).
import { rmSync } from "node:fs";
import { pathToFileURL } from "node:url";
import pg from "pg";
import { buildNodeBundle, root } from "./build.mjs";

if (process.env.PROMPTRAIL_E2E_ENGINE === "postgres") {
  const admin = process.env.PROMPTRAIL_TEST_PG_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const name = `promptrail_e2e_${Number(process.env.PORT)}`;
  const onAdmin = async (statement) => {
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await onAdmin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await onAdmin(`CREATE DATABASE "${name}"`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  process.env.PROMPTRAIL_DATABASE_URL = url.toString();
} else {
  const dbFile = process.env.PROMPTRAIL_DB;
  if (!dbFile) throw new Error("e2e-server: PROMPTRAIL_DB must name the (throw-away) test database");
  for (const suffix of ["", "-wal", "-shm"]) rmSync(`${dbFile}${suffix}`, { force: true });
}

await buildNodeBundle();
await import(pathToFileURL(`${root}/dist/promptrail.mjs`).href);

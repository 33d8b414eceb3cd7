/**
 * A second OS process for start-up races (see raceProcesses): opens the database file on its
 * own connection, waits at the barrier, then migrates it as every server does at start. Prints
 * what it applied as one line of JSON. Started bundled (test/support/bundles.ts), or through tsx.
 *
 * argv: dbFile barrierDir workerId
 */
import { connect } from "../../src/db/connect.js";
import { migrateToLatest } from "../../src/db/migrate.js";
import { awaitBarrier } from "./barrier.js";

const [file, barrier, worker] = process.argv.slice(2);
if (!file || !barrier || !worker) throw new Error("usage: migrate-worker.ts FILE BARRIER ID");
const db = connect(file);
await awaitBarrier(barrier, worker);
try {
  process.stdout.write(`${JSON.stringify(await migrateToLatest(db.kysely))}\n`);
} finally {
  await db.close();
}

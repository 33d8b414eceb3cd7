/**
 * A second OS process for start-up races: opens the database file on its own connection, says it
 * is ready, waits for the barrier to open, then migrates it as every server does at start.
 * Prints what it applied as one line of JSON. Run with `node --import tsx`.
 *
 * argv: dbFile barrierDir workerId
 */
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { connect } from "../../src/db/connect.js";
import { migrateToLatest } from "../../src/db/migrate.js";

const [file, barrier, worker] = process.argv.slice(2);
if (!file || !barrier || !worker) throw new Error("usage: migrate-worker.ts FILE BARRIER ID");
const db = connect(file);
writeFileSync(join(barrier, `ready-${worker}`), "");
const deadline = Date.now() + 15_000;
while (!existsSync(join(barrier, "go"))) {
  if (Date.now() > deadline) throw new Error("the barrier never opened");
  await sleep(1);
}
try {
  process.stdout.write(`${JSON.stringify(await migrateToLatest(db.kysely))}\n`);
} finally {
  await db.close();
}

/**
 * A second OS process for concurrency tests: opens the database (the SQLite file, or a
 * PostgreSQL database by its URL) on its own connection,
 * says it is ready, waits for the shared barrier file, then runs one service call and prints
 * the outcome as one line of JSON. A promote names the next stage, as the page's button does. Started bundled (test/support/bundles.ts), or through tsx.
 *
 * argv: dbFileOrUrl barrierDir workerId action prompt version [body revision]
 */
import { POSTGRES_URL } from "../../src/config.js";
import { connect, connectPostgres } from "../../src/db/connect.js";
import { DomainError } from "../../src/domain/errors.js";
import { nextStage } from "../../src/domain/stage.js";
import { createServices } from "../../src/services/index.js";
import { awaitBarrier } from "./barrier.js";

const [file, barrier, worker, action, prompt, version, body, revision] = process.argv.slice(2);
if (!file || !barrier || !worker || !prompt || !version) throw new Error("usage: see the header of this file");

const db = POSTGRES_URL.test(file) ? connectPostgres(file, { max: 2 }) : connect(file);
const services = createServices({ db });
await db.kysely.selectFrom("prompts").select("id").execute(); // connection warm before the start line

await awaitBarrier(barrier, worker);

try {
  const result =
    action === "promote"
      ? await services.versions.promote(prompt, version, {
          to: nextStage((await services.versions.get(prompt, version)).stage),
        })
      : await services.versions.save(prompt, version, { body: body ?? "", revision: Number(revision) });
  process.stdout.write(`${JSON.stringify({ ok: true, stage: result.stage, revision: result.revision })}\n`);
} catch (error) {
  if (!(error instanceof DomainError)) throw error;
  process.stdout.write(`${JSON.stringify({ ok: false, code: error.code })}\n`);
} finally {
  await db.close();
}

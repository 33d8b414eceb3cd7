import type { Kysely } from "kysely";
import type { Database } from "../../src/db/schema.js";
import { startWebhookWorker, type WebhookWorker } from "../../src/server/webhook-worker.js";
import { createDeliveriesService, type WebhookSettings } from "../../src/services/deliveries.service.js";
import { createServices } from "../../src/services/index.js";
import { afterEveryTest } from "./cleanups.js";
import { freshDb } from "./db.js";

const workers: WebhookWorker[] = [];
afterEveryTest(async () => {
  for (const worker of workers.splice(0)) await worker.stop();
});

/** Fast timings for tests: retries after ~50 ms, 1 s to answer; loopback allowed (the receiver is local). */
export const FAST: Partial<WebhookSettings> = {
  allowPrivate: true,
  retryDelaysMs: [50, 50, 50, 50, 50, 50],
  timeoutMs: 1000,
  leaseMs: 3000,
};

/**
 * Services over a fresh database with a webhook worker running as the server runs it (the
 * commit watch), ticking every 10 ms; stopped after the test.
 */
export async function webhookWorld(settings: Partial<WebhookSettings> = {}) {
  const db = await freshDb();
  const webhooks = { ...FAST, ...settings };
  const services = createServices({ db, webhooks });
  const deliveries = createDeliveriesService({ db: db.kysely, webhooks });
  const worker = startWebhookWorker({ deliveries, changed: db.watchCommits(), tickMs: 10, pollMs: 20 });
  workers.push(worker);
  return { db, ...services, deliveries, worker };
}

/** The rows of the outbox, oldest first. */
export function outbox(world: { db: { kysely: Kysely<Database> } }): Promise<Array<Record<string, unknown>>> {
  return world.db.kysely.selectFrom("webhook_deliveries").selectAll().orderBy("id").execute();
}

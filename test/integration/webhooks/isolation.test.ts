import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, test } from "vitest";
import { PER_WEBHOOK } from "../../../src/services/deliveries.service.js";
import { receiver } from "../../support/receiver.js";
import { outbox, webhookWorld } from "../../support/webhooks.js";

/**
 * Each webhook is its own queue with its own share of the worker (docs/limits.md): a receiver
 * that answers after seconds holds up only its own deliveries. Real receivers on 127.0.0.1, the
 * worker as the server runs it, on the test's engine.
 */
describe("one slow receiver does not hold up the others", () => {
  test("49 webhooks to a receiver that answers after 4 s: the healthy one gets the PROD promotion within seconds", async () => {
    const slow = await receiver(async (_hit, res) => {
      await sleep(4000);
      res.writeHead(204);
      res.end();
    });
    const healthy = await receiver();
    // Slow answers are within the delivery timeout: each holds its slot for the whole 4 s.
    const w = await webhookWorld({ timeoutMs: 10_000, leaseMs: 30_000, retryDelaysMs: [60_000] });
    for (let i = 0; i < 49; i++) await w.webhooks.create({ url: `${slow.url}?hook=${i}` });
    await w.webhooks.create({ url: healthy.url, stages: ["PROD"] });
    // Changes queue 49 deliveries each to the slow receiver before the promotion.
    await w.prompts.create({ name: "p", body: "v1" });
    for (let i = 2; i <= 5; i++) await w.versions.save("p", "1.0", { body: `v${i}` });
    await w.versions.promote("p", "1.0");
    await slow.waitFor(49); // the slow receiver is busy with every webhook's first delivery
    const promoted = Date.now();
    await w.versions.promote("p", "1.0", { to: "PROD" });
    const [hit] = await healthy.waitFor(1, 3000);
    expect(hit?.body).toMatchObject({ type: "version.promoted", stage: "PROD" });
    const waited = Date.now() - promoted;
    expect(waited).toBeLessThan(3000);
    // Meanwhile the slow webhooks keep their deliveries queued, PER_WEBHOOK at a time each.
    const pending = (await outbox(w)).filter((d) => d.status === "pending");
    expect(pending.length).toBeGreaterThan(49 * 2);
    expect(slow.maxInFlight).toBeLessThanOrEqual(49 * PER_WEBHOOK);
    console.info(`the healthy receiver got its delivery ${waited} ms after the promotion`);
  }, 30_000);

  test("a webhook never has more than its share in flight, however many deliveries it has due", async () => {
    const slow = await receiver(async (_hit, res) => {
      await sleep(300);
      res.writeHead(204);
      res.end();
    });
    const w = await webhookWorld({ timeoutMs: 5000 });
    await w.webhooks.create({ url: slow.url });
    await w.prompts.create({ name: "p", body: "x" });
    for (let i = 0; i < 8; i++) await w.versions.save("p", "1.0", { body: `x${i}` });
    await slow.waitFor(10, 15_000);
    expect(slow.maxInFlight).toBe(PER_WEBHOOK);
  }, 20_000);
});

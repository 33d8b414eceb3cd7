import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, test } from "vitest";
import { EVENT_TYPES } from "../../../src/domain/events.js";
import { type Resolve, webhookSenderWith } from "../../../src/providers/webhook-sender.js";
import { createDeliveriesService } from "../../../src/services/deliveries.service.js";
import { createServices } from "../../../src/services/index.js";
import { freshDb } from "../../support/db.js";
import { type Hit, receiver, signatureValid } from "../../support/receiver.js";
import { rawSql, rawValue } from "../../support/state.js";
import { FAST, outbox, webhookWorld } from "../../support/webhooks.js";

const BODY_KEYS = ["id", "type", "at", "actor", "prompt", "version", "stage", "data"];

/** Every kind of change, in order: one of each R11 event type at least. */
async function everyChange(w: Awaited<ReturnType<typeof webhookWorld>>) {
  await w.prompts.create({ name: "greet", body: "Hello {{name}}" }); // prompt.created, version.created (DEV)
  await w.versions.save("greet", "1.0", { body: "Hi {{name}}", revision: 1 }); // version.edited (DEV)
  await w.testRuns.run("greet", "1.0", { variables: { name: "Ada" } }); // version.tested (DEV)
  await w.versions.promote("greet", "1.0"); // version.promoted → TST
  await w.versions.promote("greet", "1.0", { to: "PROD" }); // version.promoted → PROD
  await w.versions.createNew("greet", "1.0"); // version.created 1.1 (DEV)
  await w.versions.createNew("greet", "1.0"); // version.created 1.2 (DEV)
  await w.versions.delete("greet", "1.2"); // version.deleted (DEV)
  await w.versions.makeCurrent("greet", "1.1"); // version.made_current (DEV)
}

const EXPECTED = [
  ["prompt.created", "1.0", "DEV"],
  ["version.created", "1.0", "DEV"],
  ["version.edited", "1.0", "DEV"],
  ["version.tested", "1.0", "DEV"],
  ["version.promoted", "1.0", "TST"],
  ["version.promoted", "1.0", "PROD"],
  ["version.created", "1.1", "DEV"],
  ["version.created", "1.2", "DEV"],
  ["version.deleted", "1.2", "DEV"],
  ["version.made_current", "1.1", "DEV"],
];

/**
 * Waits until every delivery in the outbox is done (delivered, or failed for good) and the worker
 * has recorded its last attempt: from then on nothing more can be sent.
 */
async function settled(w: Awaited<ReturnType<typeof webhookWorld>>): Promise<void> {
  await expect
    .poll(async () => (await outbox(w)).filter((d) => d.status === "pending" || d.lease_token !== null).length)
    .toBe(0);
  await w.worker.stop();
}

/** In the order the changes were made (deliveries may arrive in any order). */
const byTime = (hits: Hit[]) => [...hits].sort((a, b) => a.body.at.localeCompare(b.body.at));

describe("docs/webhooks.md: deliveries reach a real receiver, signed", () => {
  test("every event type is delivered once, with the headers, body and signature of the spec", async () => {
    const r = await receiver();
    const w = await webhookWorld();
    const { webhook, secret } = await w.webhooks.create({ url: r.url });
    const before = Math.floor(Date.now() / 1000);
    await everyChange(w);
    await r.waitFor(EXPECTED.length);
    await settled(w);
    expect(r.hits).toHaveLength(EXPECTED.length);
    // Sent concurrently, so in any order; each one exactly once.
    const seen = r.hits.map((h) => [h.body.type, h.body.version, h.body.stage]);
    expect(seen.sort()).toEqual([...EXPECTED].sort());
    expect(new Set(r.hits.map((h) => h.body.type))).toEqual(new Set(EVENT_TYPES));
    for (const hit of r.hits) {
      expect(hit.path).toBe("/hooks/promptrail");
      expect(hit.headers["content-type"]).toBe("application/json");
      expect(hit.headers["promptrail-event"]).toBe(hit.body.type);
      expect(hit.headers["promptrail-delivery"]).toBe(hit.body.id);
      expect(hit.body.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(Object.keys(hit.body)).toEqual(BODY_KEYS);
      expect(hit.body).toMatchObject({ actor: "local", prompt: "greet" });
      expect(typeof hit.body.data).toBe("object");
      expect(signatureValid(hit, secret), hit.raw).toBe(true);
      expect(signatureValid(hit, `${secret}x`)).toBe(false);
      const t = Number(/t=(\d+)/.exec(String(hit.headers["promptrail-signature"]))?.[1]);
      expect(t).toBeGreaterThanOrEqual(before);
      expect(t).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
    }
    // The body is exactly the bytes stored in the outbox, the data the event's detail.
    const promoted = r.hits.find((h) => h.body.type === "version.promoted" && h.body.stage === "PROD");
    expect(promoted?.body.data).toEqual({ from: "TST", to: "PROD", replaced: null });
    // Each answer is recorded after the receiver has sent it.
    await expect
      .poll(async () => (await outbox(w)).map((d) => d.status))
      .toEqual(Array(EXPECTED.length).fill("delivered"));
    expect((await outbox(w)).every((d) => d.webhook_id === webhook.id)).toBe(true);
  });

  test("a receiver that fails three times, then answers 2xx, gets the delivery exactly once more, same id", async () => {
    const r = await receiver((_hit, res, nth) => {
      res.writeHead(nth <= 3 ? ([500, 502, 503][nth - 1] ?? 500) : 204);
      res.end(nth <= 3 ? `not now (${nth})` : "");
    });
    const w = await webhookWorld({ retryDelaysMs: [60, 60, 60, 60, 60, 60], random: () => 0.5 });
    await w.webhooks.create({ url: r.url, types: ["prompt.created"] });
    await w.prompts.create({ name: "p", body: "x" });
    const hits = await r.waitFor(4);
    await settled(w);
    expect(r.hits).toHaveLength(4);
    // At least once, and idempotent by id: every attempt is the same delivery, byte for byte.
    expect(new Set(hits.map((h) => h.body.id)).size).toBe(1);
    expect(new Set(hits.map((h) => h.raw)).size).toBe(1);
    // The backoff waited between attempts (60 ms, jitter ±20 % around it).
    for (let i = 1; i < 4; i++) expect((hits[i]?.at ?? 0) - (hits[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(45);
    await expect
      .poll(async () => (await outbox(w))[0])
      .toMatchObject({ status: "delivered", attempts: 4, lease_token: null });
    const log = (await rawSql(w.db, "SELECT http_status, error, response FROM webhook_attempts ORDER BY id")).rows;
    expect(log).toEqual([
      { http_status: 500, error: "The receiver answered 500", response: "not now (1)" },
      { http_status: 502, error: "The receiver answered 502", response: "not now (2)" },
      { http_status: 503, error: "The receiver answered 503", response: "not now (3)" },
      { http_status: 204, error: null, response: null },
    ]);
  });

  test("when the backoff is used up the delivery has failed and is not sent again", async () => {
    const r = await receiver((_hit, res) => {
      res.writeHead(500);
      res.end();
    });
    const w = await webhookWorld({ retryDelaysMs: [20, 20] });
    await w.webhooks.create({ url: r.url });
    await w.prompts.create({ name: "p", body: "x" });
    await r.waitFor(6); // two events, three attempts each
    await settled(w);
    expect(r.hits).toHaveLength(6);
    expect((await outbox(w)).map((d) => [d.status, d.attempts])).toEqual([
      ["failed", 3],
      ["failed", 3],
    ]);
  });

  test("a stage filter of PROD sends only the changes that leave a version in PROD", async () => {
    const r = await receiver();
    const w = await webhookWorld();
    await w.webhooks.create({ url: r.url, stages: ["prod"] });
    await w.prompts.create({ name: "p", body: "v1" });
    await w.versions.save("p", "1.0", { body: "v1 edited" });
    await w.versions.promote("p", "1.0");
    await w.versions.promote("p", "1.0", { to: "PROD" }); // → PROD
    await w.versions.createNew("p", "1.0");
    await w.versions.promote("p", "1.1");
    await w.versions.promote("p", "1.1", { to: "PROD" }); // → PROD
    await w.versions.makeCurrent("p", "1.0"); // the rollback
    await w.testRuns.run("p", "1.1", {}); // a test of a PROD version
    await r.waitFor(4);
    await settled(w);
    expect(byTime(r.hits).map((h) => [h.body.type, h.body.version, h.body.stage])).toEqual([
      ["version.promoted", "1.0", "PROD"],
      ["version.promoted", "1.1", "PROD"],
      ["version.made_current", "1.0", "PROD"],
      ["version.tested", "1.1", "PROD"],
    ]);
  });

  test("redirects are not followed; a slow receiver times out; the log keeps the first 1 KiB of an answer", async () => {
    const r = await receiver((hit, res, nth) => {
      if (nth === 1) {
        res.writeHead(307, { location: `${hit.path}/elsewhere` });
        res.end();
      } else if (nth === 2) {
        // never answers: the attempt times out
      } else {
        res.writeHead(200, { "content-type": "text/plain" });
        res.end("x".repeat(5000));
      }
    });
    const w = await webhookWorld({ timeoutMs: 300, retryDelaysMs: [20, 20] });
    await w.webhooks.create({ url: r.url, types: ["prompt.created"] });
    await w.prompts.create({ name: "p", body: "x" });
    await r.waitFor(3);
    await settled(w);
    expect(r.hits.map((h) => h.path)).toEqual(Array(3).fill("/hooks/promptrail"));
    const log = async () =>
      (await rawSql(w.db, "SELECT http_status, error, length(response) AS kept FROM webhook_attempts ORDER BY id"))
        .rows;
    await expect.poll(log).toEqual([
      {
        http_status: 307,
        error: "Redirect to /hooks/promptrail/elsewhere not followed: give the webhook its final URL",
        kept: null,
      },
      { http_status: null, error: "No answer within 0.3 s", kept: null },
      { http_status: 200, error: null, kept: 1024 },
    ]);
    expect((await outbox(w))[0]?.status).toBe("delivered");
  });

  test("without PROMPTRAIL_WEBHOOK_PRIVATE loopback is refused: when saved, and when a name resolves to it (DNS rebinding)", async () => {
    const r = await receiver();
    // "rebind.example" resolves to a public address when the webhook is saved, to loopback when it is sent.
    const resolve: Resolve = (_name, callback) => callback(null, [{ address: "127.0.0.1", family: 4 }]);
    const w = await webhookWorld({ allowPrivate: false, retryDelaysMs: [], send: webhookSenderWith(resolve) });
    await expect(w.webhooks.create({ url: r.url })).rejects.toThrow(/127\.0\.0\.1 is a loopback address/);
    await expect(w.webhooks.create({ url: `http://localhost:${r.port}/` })).rejects.toThrow(/loopback/);
    await expect(w.webhooks.create({ url: "http://169.254.169.254/latest" })).rejects.toThrow(/metadata/);
    await w.webhooks.create({ url: `http://rebind.example:${r.port}/hooks` });
    await w.prompts.create({ name: "p", body: "x" });
    await settled(w);
    expect(r.hits).toEqual([]);
    const errors = (await rawSql<{ error: string }>(w.db, "SELECT error FROM webhook_attempts ORDER BY id")).rows;
    expect(errors.map((e) => e.error)).toEqual(
      Array(2).fill(
        "Refused: rebind.example resolves to 127.0.0.1, a loopback address; the server's operator can allow loopback and private networks with PROMPTRAIL_WEBHOOK_PRIVATE=1",
      ),
    );
    expect((await outbox(w)).map((d) => d.status)).toEqual(["failed", "failed"]);
  });

  test("Test sends a signed ping at once and answers its attempt; Redeliver sends a delivery again, same id", async () => {
    const r = await receiver((_hit, res, nth) => {
      res.writeHead(nth === 2 ? 500 : 200);
      res.end("thanks");
    });
    const w = await webhookWorld({ retryDelaysMs: [] });
    const { webhook, secret } = await w.webhooks.create({ url: r.url, active: false });
    const ping = await w.webhooks.test(String(webhook.id));
    expect(ping).toMatchObject({ type: "ping", status: "delivered", attempts: 1, prompt: null, stage: null });
    expect(ping.log).toEqual([expect.objectContaining({ status: 200, error: null, response: "thanks" })]);
    expect(r.hits[0]?.headers["promptrail-event"]).toBe("ping");
    expect(signatureValid(r.hits[0] as Hit, secret)).toBe(true);
    const failed = await w.webhooks.test(String(webhook.id));
    expect(failed).toMatchObject({ status: "failed", attempts: 1 });
    const again = await w.webhooks.redeliver(String(webhook.id), failed.id);
    expect(again).toMatchObject({ id: failed.id, status: "pending", attempts: 0 });
    // The webhook is paused: its deliveries wait (nothing is due to any sender). Active again, the redelivery goes out.
    expect(await w.deliveries.claim(10)).toEqual([]);
    expect(r.hits).toHaveLength(2);
    await w.webhooks.save(String(webhook.id), { active: true });
    await r.waitFor(3);
    expect(r.hits[2]?.body.id).toBe(failed.id);
    // The worker records the answer after the receiver has sent it.
    const deliveries = async () =>
      (await w.webhooks.get(String(webhook.id))).deliveries.map((d) => [d.status, d.log.length]);
    await expect.poll(deliveries).toEqual([
      ["delivered", 2],
      ["delivered", 1],
    ]);
  });
});

describe("leases: one sender at a time, and a dead sender's deliveries are not lost", () => {
  test("a claimed delivery is nobody else's until its lease runs out; then another sender takes it", async () => {
    const r = await receiver();
    const db = await freshDb();
    const s = { db, ...createServices({ db, webhooks: FAST }) };
    let clock = Date.now();
    const sender = (lease: number) =>
      createDeliveriesService({
        db: s.db.kysely,
        now: () => new Date(clock),
        webhooks: { ...FAST, leaseMs: lease },
      });
    const dying = sender(30_000);
    const other = sender(30_000);
    await s.webhooks.create({ url: r.url, types: ["prompt.created"] });
    await s.prompts.create({ name: "p", body: "x" });
    clock += 1000; // the event's time has come
    const [held] = await dying.claim(10);
    expect(held).toBeDefined();
    expect(await other.claim(10)).toEqual([]);
    clock += 29_000;
    expect(await other.claim(10)).toEqual([]);
    clock += 1000; // the first sender died without a word: its lease has run out
    const [taken] = await other.claim(10);
    expect(taken?.uuid).toBe(held?.uuid);
    expect((await other.attempt(taken as NonNullable<typeof taken>)).delivered).toBe(true);
    // The first sender comes back late: its attempt is logged, but the delivery's state is not its to change.
    await dying.attempt(held as NonNullable<typeof held>);
    expect(await outbox(s)).toEqual([expect.objectContaining({ status: "delivered", attempts: 1, lease_token: null })]);
    expect(r.hits.map((h) => h.body.id)).toEqual([held?.uuid, held?.uuid]);
    expect(await rawValue(s.db, "SELECT count(*) AS n FROM webhook_attempts")).toBe(2);
  });

  test("stopping the worker lets the attempt in flight finish and record itself", async () => {
    const r = await receiver(async (_hit, res) => {
      await sleep(300);
      res.writeHead(204);
      res.end();
    });
    const w = await webhookWorld();
    await w.webhooks.create({ url: r.url, types: ["prompt.created"] });
    await w.prompts.create({ name: "p", body: "x" });
    await r.waitFor(1);
    await w.worker.stop();
    expect(await outbox(w)).toEqual([expect.objectContaining({ status: "delivered", lease_token: null })]);
  });

  test("cutting the worker aborts the attempt in flight: logged as stopped, due again after its backoff", async () => {
    const r = await receiver(() => undefined); // never answers
    const w = await webhookWorld({ retryDelaysMs: [60_000] });
    await w.webhooks.create({ url: r.url, types: ["prompt.created"] });
    await w.prompts.create({ name: "p", body: "x" });
    await r.waitFor(1);
    w.worker.cut();
    await w.worker.stop();
    expect(await outbox(w)).toEqual([expect.objectContaining({ status: "pending", attempts: 1, lease_token: null })]);
    expect((await rawSql(w.db, "SELECT error FROM webhook_attempts")).rows).toEqual([
      { error: "Stopped: the server was shutting down" },
    ]);
  });
});

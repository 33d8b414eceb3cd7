import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, expect, test } from "vitest";
import { listeningUrl, spawnCli } from "../../support/cli.js";
import { databaseEnv, freshDb, type TestDb } from "../../support/db.js";
import { receiver, signatureValid } from "../../support/receiver.js";
import { rawSql, rawValue } from "../../support/state.js";

/** `promptrail serve` as its own process, allowed to reach the loopback receiver. */
const servers: ChildProcessWithoutNullStreams[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    if (server.exitCode !== null || server.signalCode !== null) continue;
    const exited = new Promise((resolve) => server.once("exit", resolve));
    server.kill("SIGKILL");
    await exited;
  }
});

/** On the test's database: its SQLite file, or on PostgreSQL its URL (docs/postgresql.md: any number of instances). */
async function serve(db: TestDb) {
  const server = spawnCli(["serve", "--port", "0"], {
    ...databaseEnv(db),
    PROMPTRAIL_LOG: "json",
    PROMPTRAIL_WEBHOOK_PRIVATE: "1",
  });
  servers.push(server);
  return { server, url: await listeningUrl(server) };
}

async function post(base: string, path: string, body: unknown) {
  const res = await fetch(`${base}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify(body),
  });
  expect(res.status, await res.clone().text()).toBeLessThan(300);
  return res.json() as Promise<Record<string, unknown>>;
}

async function until<T>(what: string, read: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

test("a server killed with SIGKILL after the commit, before the delivery, delivers after its restart", async () => {
  const db = await freshDb();
  // The receiver is down when the change commits: its port refuses connections.
  const probe = await receiver();
  const port = probe.port;
  await probe.close();
  const first = await serve(db);
  const hook = await post(first.url, "/settings/webhooks", {
    url: `http://127.0.0.1:${port}/hooks`,
    types: ["version.promoted"],
  });
  await post(first.url, "/prompts", { name: "greet", body: "Hello" });
  await post(first.url, "/prompts/greet/versions/1.0/promote", {});
  // The first attempt was refused; the next is ~10 s away. Killed now, nothing is left in memory.
  await until("the first attempt", () => rawValue(db, "SELECT 1 FROM webhook_attempts"));
  first.server.kill("SIGKILL");
  await new Promise((resolve) => first.server.once("exit", resolve));
  const before = (await rawSql(db, "SELECT uuid, status, attempts FROM webhook_deliveries")).rows;
  expect(before).toEqual([{ uuid: expect.any(String), status: "pending", attempts: 1 }]);
  // The backoff's ten seconds pass while the server is down: the delivery is due at the restart.
  await rawSql(db, "UPDATE webhook_deliveries SET next_attempt_at = created_at");

  const r = await receiver(undefined, port);
  await serve(db);
  const [hit] = await r.waitFor(1, 20_000);
  // Once the delivery is recorded as delivered, no sender sends it again.
  await until("the delivery to be recorded", () =>
    rawValue(db, "SELECT 1 FROM webhook_deliveries WHERE status = 'delivered'"),
  );
  expect(r.hits).toHaveLength(1);
  expect(hit?.body).toMatchObject({
    id: (before[0] as { uuid: string }).uuid,
    type: "version.promoted",
    stage: "TST",
  });
  expect(signatureValid(hit as NonNullable<typeof hit>, String(hook.secret))).toBe(true);
  expect((await rawSql(db, "SELECT http_status FROM webhook_attempts ORDER BY id")).rows).toEqual([
    { http_status: null },
    { http_status: 204 },
  ]);
}, 60_000);

test("two server processes on one database never send the same delivery twice", async () => {
  const db = await freshDb();
  const r = await receiver(async (_hit, res) => {
    await sleep(20 + Math.random() * 30);
    res.writeHead(204);
    res.end();
  });
  const a = await serve(db);
  const b = await serve(db);
  await post(a.url, "/settings/webhooks", { url: r.url });
  // Changes through both servers; each server's worker sees every commit and races for the outbox.
  for (let i = 0; i < 15; i++) {
    await post(i % 2 ? a.url : b.url, "/prompts", { name: `p${i}`, body: "x" });
  }
  await r.waitFor(30, 30_000);
  // Every delivery recorded as delivered: nothing more can be sent, by either server.
  const delivered = async () =>
    Number(await rawValue(db, "SELECT count(*) AS n FROM webhook_deliveries WHERE status = 'delivered'")) === 30 ||
    undefined;
  await until("every delivery to be recorded", delivered);
  const ids = r.hits.map((h) => h.body.id);
  expect(ids).toHaveLength(30);
  expect(new Set(ids).size).toBe(30);
  expect((await rawSql(db, "SELECT status, count(*) AS n FROM webhook_deliveries GROUP BY status")).rows).toEqual([
    { status: "delivered", n: 30 },
  ]);
  expect(await rawValue(db, "SELECT count(*) AS n FROM webhook_attempts")).toBe(30);
}, 60_000);

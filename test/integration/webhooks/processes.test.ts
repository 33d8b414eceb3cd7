import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import Database from "better-sqlite3";
import { afterEach, expect, test } from "vitest";
import { listeningUrl, spawnCli, tempFolder } from "../../support/cli.js";
import { receiver, signatureValid } from "../../support/receiver.js";

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

async function serve(file: string) {
  const server = spawnCli(["serve", "--port", "0", "--db", file], {
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

async function until<T>(what: string, read: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

test("a server killed with SIGKILL after the commit, before the delivery, delivers after its restart", async () => {
  const file = join(tempFolder(), "promptrail.db");
  // The receiver is down when the change commits: its port refuses connections.
  const probe = await receiver();
  const port = probe.port;
  await probe.close();
  const first = await serve(file);
  const hook = await post(first.url, "/settings/webhooks", {
    url: `http://127.0.0.1:${port}/hooks`,
    types: ["version.promoted"],
  });
  await post(first.url, "/prompts", { name: "greet", body: "Hello" });
  await post(first.url, "/prompts/greet/versions/1.0/promote", {});
  const db = new Database(file, { readonly: true });
  try {
    // The first attempt was refused; the next is ~10 s away. Killed now, nothing is left in memory.
    await until("the first attempt", () => db.prepare("SELECT 1 FROM webhook_attempts").get());
    first.server.kill("SIGKILL");
    await new Promise((resolve) => first.server.once("exit", resolve));
    const before = db.prepare("SELECT uuid, status, attempts FROM webhook_deliveries").all();
    expect(before).toEqual([{ uuid: expect.any(String), status: "pending", attempts: 1 }]);

    const r = await receiver(undefined, port);
    await serve(file);
    const [hit] = await r.waitFor(1, 20_000);
    await sleep(300);
    expect(r.hits).toHaveLength(1);
    expect(hit?.body).toMatchObject({
      id: (before[0] as { uuid: string }).uuid,
      type: "version.promoted",
      stage: "TST",
    });
    expect(signatureValid(hit as NonNullable<typeof hit>, String(hook.secret))).toBe(true);
    await until("the delivery to be recorded", () =>
      db.prepare("SELECT 1 FROM webhook_deliveries WHERE status = 'delivered'").get(),
    );
    expect(db.prepare("SELECT http_status FROM webhook_attempts ORDER BY id").all()).toEqual([
      { http_status: null },
      { http_status: 204 },
    ]);
  } finally {
    db.close();
  }
}, 60_000);

test("two server processes on one database never send the same delivery twice", async () => {
  const file = join(tempFolder(), "promptrail.db");
  const r = await receiver(async (_hit, res) => {
    await sleep(20 + Math.random() * 30);
    res.writeHead(204);
    res.end();
  });
  const a = await serve(file);
  const b = await serve(file);
  await post(a.url, "/settings/webhooks", { url: r.url });
  // Changes through both servers; each server's worker sees every commit and races for the outbox.
  for (let i = 0; i < 15; i++) {
    await post(i % 2 ? a.url : b.url, "/prompts", { name: `p${i}`, body: "x" });
  }
  await r.waitFor(30, 30_000);
  await sleep(500);
  const ids = r.hits.map((h) => h.body.id);
  expect(ids).toHaveLength(30);
  expect(new Set(ids).size).toBe(30);
  const db = new Database(file, { readonly: true });
  try {
    expect(db.prepare("SELECT status, count(*) AS n FROM webhook_deliveries GROUP BY status").all()).toEqual([
      { status: "delivered", n: 30 },
    ]);
    expect(db.prepare("SELECT count(*) AS n FROM webhook_attempts").get()).toEqual({ n: 30 });
  } finally {
    db.close();
  }
}, 60_000);

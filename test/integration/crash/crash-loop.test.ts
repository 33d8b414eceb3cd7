import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import SQLite from "better-sqlite3";
import { afterAll, beforeAll, expect, test } from "vitest";
import { contentHash } from "../../../src/domain/content.js";
import { nodeArgs } from "../../support/bundles.js";
import { runs } from "../../support/depth.js";
import { brokenRules } from "../../support/invariants.js";

/**
 * a crash loop. The built server runs as a child process on one SQLite file while
 * clients write to it; it is killed with SIGKILL at a random moment, restarted, and then the
 * file must pass PRAGMA integrity_check, keep every rule, and hold every write the server had
 * acknowledged (2xx) before it died. PROMPTRAIL_CRASH_RUNS sets the number of kills (3, or 25 with
 * PROMPTRAIL_TEST_DEEP=1: test/support/depth.ts).
 */
const RUNS = runs("PROMPTRAIL_CRASH_RUNS", 3, 25);
const root = fileURLToPath(new URL("../../..", import.meta.url));

type Ack =
  | { kind: "create"; name: string }
  | { kind: "save"; name: string; version: string; body: string }
  | { kind: "new"; name: string; version: string }
  | { kind: "promote"; name: string; version: string; stage: string }
  | { kind: "test"; name: string; version: string; run: number };

let dir = "";
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "promptrail-crash-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function start(file: string): Promise<{ child: ChildProcess; base: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, nodeArgs("src/main.ts"), {
    cwd: root,
    env: { ...process.env, HOST: "127.0.0.1", PORT: String(port), PROMPTRAIL_DB: file, PROMPTRAIL_LOG: "off" },
    stdio: "ignore",
  });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode} at start`);
    try {
      if ((await fetch(`${base}/healthz`)).ok) return { child, base };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error("the server did not come up");
    await sleep(20);
  }
}

async function post(
  base: string,
  path: string,
  body: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${base}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Writes until the server dies, recording each write it acknowledged. */
async function writer(base: string, round: number, worker: number, acked: Ack[]): Promise<void> {
  const name = `r${round}-w${worker}`;
  try {
    if ((await post(base, "/prompts", { name, body: "start" })).status !== 201) return;
    acked.push({ kind: "create", name });
    let draft = "1.0";
    for (let k = 0; ; k++) {
      const step = k % 4;
      if (step === 0) {
        const body = `${name} text ${k} ${"x".repeat(k * 50)}`;
        if ((await post(base, `/prompts/${name}/versions/${draft}/save`, { body })).status === 200)
          acked.push({ kind: "save", name, version: draft, body });
      } else if (step === 1) {
        const res = await post(base, `/prompts/${name}/versions/${draft}/test`, {});
        if (res.status === 200) acked.push({ kind: "test", name, version: draft, run: res.body.id as number });
      } else if (step === 2) {
        const res = await post(base, `/prompts/${name}/versions/${draft}/promote`, {});
        if (res.status === 200) acked.push({ kind: "promote", name, version: draft, stage: res.body.stage as string });
      } else {
        const res = await post(base, `/prompts/${name}/versions/${draft}/new`, {});
        if (res.status !== 201) continue;
        draft = res.body.version as string;
        acked.push({ kind: "new", name, version: draft });
      }
    }
  } catch {
    // the server was killed: the loop ends here
  }
}

const RANK: Record<string, number> = { DEV: 0, TST: 1, PROD: 2 };

/** Every acknowledged write, read straight from the file. */
function missing(sqlite: SQLite.Database, acked: Ack[]): Ack[] {
  const version = sqlite.prepare(
    `SELECT v.id, v.stage FROM versions v JOIN prompts p ON p.id = v.prompt_id
     WHERE p.name = ? AND v.major || '.' || v.minor = ?`,
  );
  return acked.filter((ack) => {
    if (ack.kind === "create") return !sqlite.prepare("SELECT 1 FROM prompts WHERE name = ?").get(ack.name);
    const row = version.get(ack.name, ack.version) as { id: number; stage: string } | undefined;
    if (!row) return true;
    if (ack.kind === "save")
      return !sqlite
        .prepare("SELECT 1 FROM revisions WHERE version_id = ? AND content_hash = ?")
        .get(row.id, contentHash(ack.body, {}));
    if (ack.kind === "promote") return (RANK[row.stage] ?? -1) < (RANK[ack.stage] ?? 3);
    if (ack.kind === "test")
      return !sqlite.prepare("SELECT 1 FROM test_runs WHERE id = ? AND version_id = ?").get(ack.run, row.id);
    return false;
  });
}

test(`crash loop: ${RUNS} × SIGKILL at a random moment, then integrity, every rule and every acknowledged write`, async () => {
  const file = join(dir, "crash.db");
  const acked: Ack[] = [];
  for (let round = 0; round < RUNS; round++) {
    const { child, base } = await start(file);
    const exited = new Promise((resolve) => child.once("exit", resolve));
    const writers = [0, 1, 2].map((w) => writer(base, round, w, acked));
    await sleep(30 + Math.random() * 400);
    child.kill("SIGKILL");
    await exited;
    await Promise.all(writers);
    const sqlite = new SQLite(file);
    try {
      expect(brokenRules(sqlite), `after kill ${round + 1}`).toEqual([]);
      expect(missing(sqlite, acked), `after kill ${round + 1}`).toEqual([]);
    } finally {
      sqlite.close();
    }
  }
  // And the server still starts on the file and answers.
  const { child, base } = await start(file);
  expect((await fetch(`${base}/prompts`, { headers: { accept: "application/json" } })).status).toBe(200);
  child.kill("SIGKILL");
  console.info(`crash loop: ${RUNS} kills, ${acked.length} acknowledged writes, 0 lost`);
  expect(acked.length).toBeGreaterThan(RUNS);
}, 600_000);

import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { echoBack, fakeOpenAi } from "../support/fake-openai.js";

/**
 * The single executable on its own (docs/operations.md): copied alone into an empty
 * folder, run with a clean environment (`env -i`) as `promptrail serve --port N --db FILE`, and
 * driven over HTTP and through its other verbs. `npm run test:binary` builds dist/promptrail
 * first. Timings are printed by bench/binary-start.mjs, not asserted here.
 */
const root = new URL("../../", import.meta.url);
const built = new URL("dist/promptrail", root).pathname;
const require = createRequire(import.meta.url);

let dir: string;
let binary: string;
let dbFile: string;
let server: ChildProcess | undefined;
let output = "";
let base: string;

/** `env -i promptrail ARGS…`: nothing of this process's environment reaches the binary. */
function clean(args: string[], env: Record<string, string> = {}) {
  const assignments = Object.entries(env).map(([k, v]) => `${k}=${v}`);
  return spawn("/usr/bin/env", ["-i", ...assignments, binary, ...args], { cwd: dir, stdio: ["pipe", "pipe", "pipe"] });
}

/** Runs a verb to its end: exit code and what it printed. */
function verb(args: string[], env: Record<string, string> = {}) {
  const child = clean(args, env);
  child.stdin?.end();
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (c) => {
    stdout += c;
  });
  child.stderr?.on("data", (c) => {
    stderr += c;
  });
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on("close", (code) => resolve({ code, stdout, stderr })),
  );
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Starts `serve --port N --db FILE` and waits for its first answer. */
async function start(env: Record<string, string> = {}): Promise<string> {
  const port = await freePort();
  const child = clean(["serve", "--port", String(port), "--db", dbFile], env);
  server = child;
  output = "";
  child.stdout?.on("data", (c) => {
    output += c;
  });
  child.stderr?.on("data", (c) => {
    output += c;
  });
  const url = `http://127.0.0.1:${port}`;
  for (const started = Date.now(); Date.now() - started < 15_000; await sleep(10)) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}:\n${output}`);
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return url;
  }
  throw new Error(`no answer on ${url} within 15 s:\n${output}`);
}

function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

async function stop(): Promise<number | null> {
  const child = server;
  server = undefined;
  if (!child) return null;
  const exited = exitOf(child);
  child.kill("SIGTERM");
  return exited;
}

async function json(path: string, init: RequestInit = {}) {
  const response = await fetch(`${base}${path}`, {
    ...init,
    headers: { Accept: "application/json", "Content-Type": "application/json", ...init.headers },
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

const post = (path: string, body: unknown = {}) => json(path, { method: "POST", body: JSON.stringify(body) });

beforeAll(async () => {
  if (!existsSync(built))
    throw new Error("dist/promptrail is missing: run `npm run build:binary` (or `npm run test:binary`)");
  dir = mkdtempSync(join(tmpdir(), "promptrail-binary-"));
  binary = join(dir, "promptrail");
  copyFileSync(built, binary);
  chmodSync(binary, 0o755);
  expect(readdirSync(dir)).toEqual(["promptrail"]);
  dbFile = join(dir, "data", "promptrail.db");
  base = await start();
});

afterAll(async () => {
  await stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("the single executable, alone in an empty folder with a clean environment", () => {
  it("serves on the port and database its flags name", async () => {
    expect(output).toContain(`listening on ${base} (database ${dbFile})`);
    expect(existsSync(dbFile)).toBe(true);
    expect((await json("/healthz")).body).toEqual({ ok: true });
  });

  it("creates a prompt, promotes it to PROD and serves the runtime read", async () => {
    const created = await post("/prompts", { name: "greeting", body: "Hello {{who}}", config: { temperature: 0 } });
    expect(created.status).toBe(201);
    expect(created.headers.get("location")).toBe("/prompts/greeting/versions/1.0");
    for (const stage of ["TST", "PROD"])
      expect((await post("/prompts/greeting/versions/1.0/promote", { to: stage })).body.stage).toBe(stage);
    const plain = await fetch(`${base}/prompts/greeting/stages/prod`, { headers: { Accept: "text/plain" } });
    expect(await plain.text()).toBe("Hello {{who}}");
  });

  it("answers MCP: the prompt rendered by its contract, and the read-only tools (docs/mcp.md)", async () => {
    const call = (method: string, params: unknown) =>
      json("/mcp", {
        method: "POST",
        headers: { Accept: "application/json, text/event-stream" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
      });
    const got = await call("prompts/get", { name: "greeting", arguments: { who: "Ada" } });
    expect(got.body.result.messages).toEqual([{ role: "user", content: { type: "text", text: "Hello Ada" } }]);
    const tools = await call("tools/list", {});
    expect(tools.body.result.tools.map((t: { name: string }) => t.name).sort()).toEqual([
      "compare_versions",
      "get_prompt",
      "list_prompts",
      "render_prompt",
    ]);
  });

  it("answers a page and an htmx fragment", async () => {
    const page = await fetch(`${base}/`);
    const html = await page.text();
    expect(html).toMatch(/^<!DOCTYPE html>/i);
    expect(html).toContain("/static/htmx.min.js");
    expect(html).toContain("greeting");
    const fragment = await (await fetch(`${base}/prompts?q=greet`, { headers: { "HX-Request": "true" } })).text();
    expect(fragment).not.toMatch(/<html|<!DOCTYPE/i);
    expect(fragment).toContain("greeting");
  });

  it("serves the embedded static files, byte for byte", async () => {
    const files = {
      "htmx.min.js": require.resolve("htmx.org/dist/htmx.min.js"),
      "app.css": new URL("static/app.css", root).pathname,
      "app.js": new URL("static/app.js", root).pathname,
      "contract.js": new URL("static/contract.js", root).pathname,
    };
    for (const [name, source] of Object.entries(files)) {
      const response = await fetch(`${base}/static/${name}`);
      expect(response.status, name).toBe(200);
      expect(Buffer.from(await response.arrayBuffer()).equals(readFileSync(source)), name).toBe(true);
    }
  });

  it("logs one JSON line per request", () => {
    const lines = output
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines).toContainEqual(
      expect.objectContaining({ method: "POST", path: "/prompts", status: 201, actor: "local" }),
    );
  });

  it("takes a backup while writes run; the copy passes PRAGMA integrity_check", async () => {
    let writing = true;
    let writes = 0;
    const writer = (async () => {
      for (let i = 0; writing; i++) {
        expect((await post("/prompts", { name: `busy-${i}`, body: "x".repeat(50_000) })).status).toBe(201);
        writes += 1;
      }
    })();
    while (writes < 10) await sleep(10);
    const copy = join(dir, "backup.db");
    const before = writes;
    const backup = await verb(["backup", copy, "--db", dbFile]);
    const during = writes - before;
    writing = false;
    await writer;
    expect(backup).toMatchObject({ code: 0, stderr: "" });
    expect(backup.stdout).toMatch(/^Backed up .* \(.* MiB, integrity ok\) in \d+ ms\n$/);
    expect(during).toBeGreaterThan(0);
    const db = new Database(copy, { readonly: true });
    expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
    expect((db.prepare("SELECT count(*) AS n FROM prompts").get() as { n: number }).n).toBeGreaterThan(before);
    db.close();
    expect((await verb(["backup", copy, "--db", dbFile])).code).toBe(1); // never overwrites without --force
  });

  it("stops on SIGTERM in the middle of a request: the request completes, exit 0", async () => {
    const model = await fakeOpenAi(async (request, res) => {
      await sleep(1000);
      echoBack(request, res);
    });
    await post("/settings/environments/DEV", { provider: "openai", baseUrl: model.baseUrl, apiKeyEnv: null });
    await post("/prompts", { name: "slow", body: "Hi {{who}}" });
    const inFlight = post("/prompts/slow/versions/1.0/test", { variables: { who: "there" } });
    while (model.requests.length === 0) await sleep(10);
    const child = server as ChildProcess;
    const exited = exitOf(child);
    child.kill("SIGTERM");
    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ status: "passed", results: [{ output: "Hi there" }] });
    expect(await exited).toBe(0);
    server = undefined;
    expect(output).toContain('"msg":"Stopped"');
    expect(existsSync(`${dbFile}-wal`)).toBe(false);
  });

  it("export → import into a new file → export gives the same document but exportedAt", async () => {
    const first = await verb(["export", "--db", dbFile, "--out", join(dir, "registry.json")]);
    expect(first).toMatchObject({ code: 0, stdout: "" });
    const moved = join(dir, "moved", "promptrail.db");
    const imported = await verb(["import", join(dir, "registry.json"), "--db", moved]);
    expect(imported.code).toBe(0);
    // A verb that creates the database file says so (a mistyped --db must not pass unnoticed).
    expect(imported.stderr).toContain(`${moved} did not exist: created a new, empty database there`);
    expect(imported.stdout).toMatch(/^Imported \d+ prompt\(s\), \d+ version\(s\) and \d+ event\(s\) into /);
    const second = await verb(["export", "--db", moved]);
    expect(second.code).toBe(0);
    const doc = JSON.parse(readFileSync(join(dir, "registry.json"), "utf8"));
    const again = JSON.parse(second.stdout);
    expect(again.exportedAt).not.toBe(doc.exportedAt);
    expect({ ...again, exportedAt: "" }).toEqual({ ...doc, exportedAt: "" });
    expect(doc.prompts.find((p: { name: string }) => p.name === "greeting").versions[0]).toMatchObject({
      version: "1.0",
      stage: "PROD",
      current: true,
    });
    expect((await verb(["import", join(dir, "registry.json"), "--db", moved])).code).toBe(1); // not empty now
  });

  it("moves the registry into PostgreSQL with import --database-url, then serves it from there (docs/postgresql.md)", async () => {
    const adminUrl = process.env.PROMPTRAIL_TEST_PG_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
    const name = `promptrail_binary_${process.pid}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    const url = Object.assign(new URL(adminUrl), { pathname: `/${name}` }).toString();
    try {
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.query(`CREATE DATABASE "${name}"`);
      expect((await verb(["export", "--db", dbFile, "--out", join(dir, "to-postgres.json")])).code).toBe(0);
      const imported = await verb(["import", join(dir, "to-postgres.json"), "--database-url", url]);
      expect(imported).toMatchObject({ code: 0, stderr: "" });
      const port = await freePort();
      const child = clean(["serve", "--port", String(port)], { PROMPTRAIL_DATABASE_URL: url, PROMPTRAIL_LOG: "off" });
      try {
        let read: Response | undefined;
        for (const started = Date.now(); !read && Date.now() - started < 15_000; await sleep(20))
          read = await fetch(`http://127.0.0.1:${port}/prompts/greeting/stages/PROD`).catch(() => undefined);
        expect(read?.status).toBe(200);
        expect(await read?.json()).toMatchObject({ prompt: "greeting", stage: "PROD", body: "Hello {{who}}" });
      } finally {
        const exited = exitOf(child);
        child.kill("SIGTERM");
        expect(await exited).toBe(0);
      }
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    }
  });

  it("answers --version and --help, and exits 2 on an unknown verb", async () => {
    expect(await verb(["--version"])).toEqual({
      code: 0,
      stdout: expect.stringMatching(/^promptrail 0\.\d+\.\d+\n$/),
      stderr: "",
    });
    expect((await verb(["--help"])).stdout).toMatch(/^Usage: promptrail VERB/);
    expect(await verb(["frob"])).toMatchObject({
      code: 2,
      stdout: "",
      stderr: expect.stringMatching(/^promptrail: unknown verb "frob"/),
    });
  });

  it("runs the migrate verb and exits", async () => {
    const { code, stdout } = await verb(["migrate", "--db", join(dir, "other.db")]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/Applied .* to .*other\.db/);
  });

  it("unpacks its SQLite addon once into PROMPTRAIL_CACHE_DIR and reuses it on restart", async () => {
    const cache = join(dir, "cache");
    base = await start({ PROMPTRAIL_CACHE_DIR: cache });
    const before = readdirSync(cache);
    expect(before).toHaveLength(1);
    expect(readdirSync(join(cache, before[0] as string))).toEqual(["better_sqlite3.node"]);
    expect(await stop()).toBe(0);
    base = await start({ PROMPTRAIL_CACHE_DIR: cache });
    expect(readdirSync(cache)).toEqual(before);
    expect((await json("/prompts/greeting/stages/PROD")).body.version).toBe("1.0");
  });
});

import { type ChildProcess, execFile, spawn } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * The single executable on its own: copied alone into an empty folder, started with a clean
 * environment (no node_modules, no static/ to fall back on), driven over HTTP. `npm run
 * test:binary` builds dist/promptrail first.
 */
const root = new URL("../../", import.meta.url);
const built = new URL("dist/promptrail", root).pathname;
const require = createRequire(import.meta.url);

let dir: string;
let binary: string;
let server: ChildProcess | undefined;
let base: string;

function env(extra: Record<string, string> = {}) {
  return { PATH: "/usr/bin:/bin", HOME: dir, PROMPTRAIL_CACHE_DIR: join(dir, "cache"), ...extra };
}

/** Starts the binary on a free port and answers its base URL once it says it listens. */
function start(): Promise<string> {
  const child = spawn(binary, [], {
    cwd: dir,
    env: env({ PORT: "0", PROMPTRAIL_DB: join(dir, "data", "promptrail.db") }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  server = child;
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening" line within 15 s:\n${output}`)), 15_000);
    const onData = (chunk: Buffer) => {
      output += chunk;
      const url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve(url);
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", (code) => reject(new Error(`exited with ${code} before listening:\n${output}`)));
  });
}

function stop(): Promise<number | null> {
  const child = server;
  server = undefined;
  if (!child || child.exitCode !== null) return Promise.resolve(child?.exitCode ?? null);
  return new Promise((resolve) => {
    child.once("exit", (code) => resolve(code));
    child.kill("SIGTERM");
  });
}

async function json(path: string, init: RequestInit = {}) {
  const response = await fetch(`${base}${path}`, {
    ...init,
    headers: { Accept: "application/json", "Content-Type": "application/json", ...init.headers },
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

beforeAll(async () => {
  if (!existsSync(built))
    throw new Error("dist/promptrail is missing: run `npm run build:binary` (or `npm run test:binary`)");
  dir = mkdtempSync(join(tmpdir(), "promptrail-binary-"));
  binary = join(dir, "promptrail");
  copyFileSync(built, binary);
  chmodSync(binary, 0o755);
  base = await start();
});

afterAll(async () => {
  await stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("the single executable, alone in an empty folder", () => {
  it("answers /healthz", async () => {
    const { status, body } = await json("/healthz");
    expect(status).toBe(200);
    expect(body).toEqual({ ok: true });
  });

  it("creates a prompt, promotes it to PROD and serves the runtime read", async () => {
    const created = await json("/prompts", {
      method: "POST",
      body: JSON.stringify({ name: "greeting", body: "Hello {{who}}", config: { temperature: 0 } }),
    });
    expect(created.status).toBe(201);
    expect(created.headers.get("location")).toBe("/prompts/greeting/versions/1.0");
    expect(created.body).toMatchObject({ prompt: "greeting", version: "1.0", stage: "DEV", current: true });

    for (const stage of ["TST", "PROD"]) {
      const promoted = await json("/prompts/greeting/versions/1.0/promote", { method: "POST", body: "{}" });
      expect(promoted.status).toBe(200);
      expect(promoted.body.stage).toBe(stage);
    }
    const plain = await fetch(`${base}/prompts/greeting/stages/prod`, { headers: { Accept: "text/plain" } });
    expect(plain.status).toBe(200);
    expect(await plain.text()).toBe("Hello {{who}}");
  });

  it("serves the embedded static files, byte for byte", async () => {
    const files = {
      "htmx.min.js": require.resolve("htmx.org/dist/htmx.min.js"),
      "app.css": new URL("static/app.css", root).pathname,
      "app.js": new URL("static/app.js", root).pathname,
    };
    for (const [name, source] of Object.entries(files)) {
      const response = await fetch(`${base}/static/${name}`);
      expect(response.status, name).toBe(200);
      expect(Buffer.from(await response.arrayBuffer()).equals(readFileSync(source)), name).toBe(true);
    }
  });

  it("renders the HTML home page", async () => {
    const response = await fetch(`${base}/`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("/static/htmx.min.js");
  });

  it("unpacked its SQLite addon once into the cache folder and reuses it on restart", async () => {
    const cached = () => readdirSync(join(dir, "cache")).sort();
    const before = cached();
    expect(before).toHaveLength(1);
    expect(readdirSync(join(dir, "cache", before[0] as string))).toEqual(["better_sqlite3.node"]);
    expect(await stop()).toBe(0);
    base = await start();
    expect(cached()).toEqual(before);
    expect((await json("/prompts/greeting/stages/PROD")).body.version).toBe("1.0");
  });

  it("runs the migrate verb and exits", async () => {
    const { stdout } = await promisify(execFile)(binary, ["migrate"], {
      cwd: dir,
      env: env({ PROMPTRAIL_DB: join(dir, "other.db") }),
    });
    expect(stdout).toMatch(/Applied .* to .*other\.db/);
  });
});

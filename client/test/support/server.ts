import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach } from "vitest";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const bundle = join(root, "dist", "promptrail.mjs");

/** A line of the server's JSON request log. */
export interface LogLine {
  method: string;
  path: string;
  status: number;
}

const started: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of started.splice(0)) await stop();
});

/**
 * The built server (`node dist/promptrail.mjs serve`) as its own process on a SQLite file in a
 * temp folder, stopped and removed after the test. `stop()` is SIGTERM, the graceful stop;
 * `start()` again serves the same file on the same port, as a restarted server would.
 */
export async function realServer(env: NodeJS.ProcessEnv = {}) {
  const dir = mkdtempSync(join(tmpdir(), "promptrail-client-"));
  const db = join(dir, "promptrail.db");
  let child: ChildProcessWithoutNullStreams | null = null;
  let port = 0;
  const log: LogLine[] = [];

  async function start(): Promise<string> {
    const proc = spawn(process.execPath, [bundle, "serve", "--port", String(port), "--db", db], {
      cwd: root,
      env: { PATH: process.env.PATH, PROMPTRAIL_LOG: "json", ...env },
    });
    child = proc;
    const url = await new Promise<string>((resolve, reject) => {
      let out = "";
      proc.stdout.on("data", (chunk: Buffer) => {
        out += chunk;
        for (;;) {
          const end = out.indexOf("\n");
          if (end === -1) break;
          const line = JSON.parse(out.slice(0, end)) as LogLine & { msg?: string };
          out = out.slice(end + 1);
          const listening = /listening on (http:\/\/\S+)/.exec(line.msg ?? "")?.[1];
          if (listening) resolve(listening);
          else if (line.method) log.push(line);
        }
      });
      proc.stderr.on("data", (chunk: Buffer) => process.stderr.write(chunk));
      proc.once("exit", (code) => reject(new Error(`the server exited with ${code} before listening`)));
    });
    port = Number(new URL(url).port);
    return url;
  }

  async function stop(): Promise<void> {
    const proc = child;
    child = null;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((resolve) => proc.once("exit", resolve));
    proc.kill("SIGTERM");
    await exited;
  }

  const url = await start();
  started.push(async () => {
    await stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A JSON call to the server (as an editor in open mode, or with `token`). */
  async function call(path: string, body?: unknown, token?: string) {
    const res = await fetch(`${url}${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers: {
        accept: "application/json",
        ...(body !== undefined && { "content-type": "application/json" }),
        ...(token && { authorization: `Bearer ${token}` }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    if (res.status >= 300) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
    return res.json() as Promise<Record<string, unknown>>;
  }

  return { url, db, dir, log, start, stop, call };
}

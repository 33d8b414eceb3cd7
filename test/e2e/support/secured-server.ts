import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { type Browser, type BrowserContext, expect, type Page } from "@playwright/test";
import pg from "pg";
import type { EngineOption } from "./fixtures.js";

/**
 * A secured server of a spec's own (the run's shared server is in open mode): the same bundle, a
 * database named after the spec (a SQLite file beside the run's, or in the `postgres` project a
 * database of its own), users made with the command line as an operator would.
 */
export const PASSWORD = "correct horse battery staple";
const BUNDLE = join(process.cwd(), "dist", "promptrail.mjs");
const ADMIN_URL = process.env.PROMPTRAIL_TEST_PG_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

export function securedServer(name: string) {
  const file = join(
    process.env.PROMPTRAIL_E2E_DB ? dirname(process.env.PROMPTRAIL_E2E_DB) : join(tmpdir(), "promptrail-e2e"),
    `${name}.db`,
  );
  const pgName = `promptrail_e2e_${name}_${Number(process.env.PROMPTRAIL_E2E_PORT ?? 3917)}`;
  const pgUrl = Object.assign(new URL(ADMIN_URL), { pathname: `/${pgName}` }).toString();
  let database: string[] = [];
  let server: ChildProcess | undefined;
  let base = "";

  function cli(args: string[], stdin = ""): string {
    const done = spawnSync(process.execPath, [BUNDLE, ...args, ...database], { input: stdin, encoding: "utf8" });
    if (done.status !== 0) throw new Error(`promptrail ${args.join(" ")}: ${done.stderr}`);
    return done.stdout;
  }

  async function start(users: Array<[string, string]>, engine: EngineOption["engine"]): Promise<string> {
    database = engine === "postgres" ? ["--database-url", pgUrl] : ["--db", file];
    mkdirSync(dirname(file), { recursive: true });
    for (const suffix of ["", "-wal", "-shm"]) rmSync(`${file}${suffix}`, { force: true });
    if (engine === "postgres") {
      const admin = new pg.Client({ connectionString: ADMIN_URL });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${pgName}" WITH (FORCE)`);
      await admin.query(`CREATE DATABASE "${pgName}"`);
      await admin.end();
    }
    for (const [user, role] of users) cli(["user", "add", user, "--role", role], `${PASSWORD}\n`);
    const token = cli(["token", "create", users[0]?.[0] ?? "", "--label", "e2e setup"]).trim();
    server = spawn(process.execPath, [BUNDLE, "serve", "--port", "0", ...database], {
      env: { PATH: process.env.PATH, PROMPTRAIL_LOG: "off" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    base = await new Promise<string>((resolve, reject) => {
      let out = "";
      server?.stdout?.on("data", (chunk) => {
        out += chunk;
        const url = /listening on (http:\/\/[^\s"]+)/.exec(out)?.[1];
        if (url) resolve(url);
      });
      server?.once("exit", (code) => reject(new Error(`the secured server exited with ${code}: ${out}`)));
    });
    return token;
  }

  async function stop(): Promise<void> {
    if (!server || server.exitCode !== null) return;
    const exited = new Promise((resolve) => server?.once("exit", resolve));
    server.kill("SIGTERM");
    await exited;
  }

  /** A browser context signed in as `user` (through the sign-in page), on `path`. */
  async function signedIn(
    browser: Browser,
    user: string,
    path: string,
  ): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ baseURL: base });
    const page = await context.newPage();
    await page.goto(path);
    await page.getByLabel("Name").fill(user);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(path);
    return { context, page };
  }

  /** A JSON call with the setup token. */
  async function api(token: string, method: string, path: string, body?: unknown) {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        accept: "application/json",
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  }

  return { start, stop, signedIn, api, base: () => base };
}

import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { Browser, BrowserContext, Page } from "@playwright/test";
import pg from "pg";
import { expect, test } from "./support/fixtures.js";
import { checkEachVariant } from "./support/screenshots.js";

/**
 * docs/accounts.md in the browser. The run's shared server is in open mode (the other journeys need it),
 * so these journeys start their own, secured one: the same bundle, its own database, users made
 * with the command line as an operator would.
 */
const PASSWORD = "correct horse battery staple";
const BUNDLE = join(process.cwd(), "dist", "promptrail.mjs");
const DB = join(
  process.env.PROMPTRAIL_E2E_DB ? dirname(process.env.PROMPTRAIL_E2E_DB) : join(tmpdir(), "promptrail-e2e"),
  "accounts.db",
);
/**
 * In the `postgres` project (playwright.config.ts), the secured server and the command line use
 * a database of their own on the test server instead of the file, made afresh for each run.
 */
const ADMIN_URL = process.env.PROMPTRAIL_TEST_PG_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const PG_NAME = `promptrail_e2e_accounts_${Number(process.env.PROMPTRAIL_E2E_PORT ?? 3917)}`;
const PG_URL = Object.assign(new URL(ADMIN_URL), { pathname: `/${PG_NAME}` }).toString();
/** The secured server's database as the command line names it: set by the project's engine. */
let database: string[] = [];

async function freshPostgresDatabase(): Promise<void> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${PG_NAME}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${PG_NAME}"`);
  } finally {
    await admin.end();
  }
}

let server: ChildProcess | undefined;
let base = "";

function promptrail(args: string[], stdin = ""): string {
  const done = spawnSync(process.execPath, [BUNDLE, ...args, ...database], { input: stdin, encoding: "utf8" });
  if (done.status !== 0) throw new Error(`promptrail ${args.join(" ")}: ${done.stderr}`);
  return done.stdout;
}

test.beforeAll(async ({ engine }) => {
  // Six processes one after the other (four users, a token, the server): on a busy machine that
  // alone took more than the default 30 s.
  test.setTimeout(90_000);
  mkdirSync(dirname(DB), { recursive: true });
  for (const suffix of ["", "-wal", "-shm"]) rmSync(`${DB}${suffix}`, { force: true });
  database = engine === "postgres" ? ["--database-url", PG_URL] : ["--db", DB];
  if (engine === "postgres") await freshPostgresDatabase();
  promptrail(["user", "add", "ada", "--role", "admin"], `${PASSWORD}\n`);
  promptrail(["user", "add", "eddie", "--role", "editor"], `${PASSWORD}\n`);
  promptrail(["user", "add", "rita", "--role", "releaser"], `${PASSWORD}\n`);
  promptrail(["user", "add", "vera", "--role", "viewer"], `${PASSWORD}\n`);
  const token = promptrail(["token", "create", "ada", "--label", "e2e setup"]).trim();
  server = spawn(process.execPath, [BUNDLE, "serve", "--port", "0", ...database], {
    env: {
      PATH: process.env.PATH,
      PROMPTRAIL_LOG: "off",
      PROMPTRAIL_PASSWORD_COST: process.env.PROMPTRAIL_PASSWORD_COST,
    },
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
  const created = await fetch(`${base}/prompts`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({
      name: "support-reply",
      description: "Replies to a customer's ticket",
      body: "Reply to {{customer}} about:\n\n{{ticket}}\n\nBe brief and kind.",
    }),
  });
  expect(created.status).toBe(201);
});

test.afterAll(async () => {
  if (!server || server.exitCode !== null) return;
  const exited = new Promise((resolve) => server?.once("exit", resolve));
  server.kill("SIGTERM");
  await exited;
});

async function signedIn(
  browser: Browser,
  name: string,
  path: string,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: base });
  const page = await context.newPage();
  await page.goto(path);
  // Not signed in: the sign-in page, which brings the person back where they were going.
  await expect(page).toHaveURL(`/login?next=${encodeURIComponent(path)}`);
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(path);
  return { context, page };
}

const VERSION = "/prompts/support-reply/versions/1.0";

test("an editor promotes to TST and finds PROD needs a releaser; a releaser promotes; history names both", {
  tag: "@engine",
}, async ({ browser }) => {
  const editor = await signedIn(browser, "eddie", VERSION);
  const header = editor.page.getByRole("banner");
  await expect(header).toContainText("eddie");
  await expect(header).toContainText("editor");
  await expect(header.getByRole("button", { name: "Sign out" })).toBeVisible();

  await editor.page.getByRole("button", { name: "Promote to TST", exact: true }).click();
  await expect(editor.page.getByRole("status").filter({ hasText: "v1.0 promoted to TST" })).toBeVisible();
  const toProd = editor.page.getByRole("button", { name: "Promote to PROD", exact: true });
  await expect(toProd).toBeDisabled();
  const reason = "Promoting to PROD and rolling PROD back needs the releaser role; you are an editor";
  // The reason is on the page as text, and it is what describes the button.
  await expect(editor.page.getByRole("list", { name: "Why some buttons are disabled" })).toContainText(reason);
  await expect(toProd).toHaveAccessibleDescription(reason);

  const releaser = await signedIn(browser, "rita", VERSION);
  releaser.page.once("dialog", (dialog) => void dialog.accept());
  await releaser.page.getByRole("button", { name: "Promote to PROD", exact: true }).click();
  await expect(releaser.page.getByRole("status").filter({ hasText: "v1.0 promoted to PROD" })).toBeVisible();

  await releaser.page.goto("/prompts/support-reply/history");
  const timeline = releaser.page.getByRole("listitem");
  await expect(timeline.filter({ hasText: "TST" }).filter({ hasText: "eddie" }).first()).toBeVisible();
  await expect(timeline.filter({ hasText: "PROD" }).filter({ hasText: "rita" }).first()).toBeVisible();

  // Signing out ends the session: the next page asks to sign in again.
  await releaser.page.getByRole("button", { name: "Sign out" }).click();
  await expect(releaser.page).toHaveURL("/login");
  await releaser.page.goto(VERSION);
  await expect(releaser.page).toHaveURL(/\/login\?next=/);
  await editor.context.close();
  await releaser.context.close();
});

test("a refused sign-in says why in words, and keeps the name", async ({ browser }) => {
  const context = await browser.newContext({ baseURL: base });
  const page = await context.newPage();
  await page.goto("/login");
  await page.getByLabel("Name").fill("eddie");
  await page.getByLabel("Password").fill("not my password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toHaveText("Wrong name or password");
  await expect(page.getByLabel("Name")).toHaveValue("eddie");
  await expect(page.getByLabel("Password")).toBeFocused();
  await context.close();
});

test("a new token's secret is shown once: reloading the page shows it no more and makes no second token", {
  tag: "@engine",
}, async ({ browser }) => {
  const { context, page } = await signedIn(browser, "eddie", "/settings/tokens");
  const rows = page.getByRole("row").filter({ hasText: "reload check" });
  await page.getByLabel("Label").fill("reload check");
  await page.getByRole("button", { name: "Create token" }).click();
  await expect(page).toHaveURL("/settings/tokens");
  const secret = await page.getByLabel("The new token").inputValue();
  expect(secret).toMatch(/^prt_/);
  await expect(rows).toHaveCount(1);
  await page.reload();
  await expect(page.getByLabel("The new token")).toHaveCount(0);
  await expect(page.getByText(secret)).toHaveCount(0);
  await expect(rows).toHaveCount(1);
  await context.close();
});

test("screenshots of the sign-in, users, tokens and password pages, and a viewer's version page: light, dark, phone", {
  tag: "@screenshots",
}, async ({ browser }) => {
  test.setTimeout(90_000);
  const pages: Array<{ name: string; as: string; path: string; act?: (page: Page) => Promise<void> }> = [
    { name: "login", as: "", path: "/login" },
    { name: "users", as: "ada", path: "/settings/users" },
    {
      name: "tokens-created",
      as: "ada",
      path: "/settings/tokens",
      act: async (page) => {
        await page.getByLabel("Label").fill("checkout-service PROD reads");
        await page.getByLabel("Read-only (acts as a viewer)").check();
        await page.getByRole("button", { name: "Create token" }).click();
        await expect(page.getByText("it will not be shown again")).toBeVisible();
      },
    },
    { name: "tokens-own", as: "eddie", path: "/settings/tokens" },
    { name: "password", as: "eddie", path: "/settings/password" },
    { name: "version-viewer", as: "vera", path: VERSION },
  ];
  const sessions = new Map<string, BrowserContext>();
  for (const shot of pages) {
    let context = sessions.get(shot.as);
    if (!context) {
      context = shot.as
        ? (await signedIn(browser, shot.as, shot.path)).context
        : await browser.newContext({ baseURL: base });
      sessions.set(shot.as, context);
    }
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(shot.path);
    await shot.act?.(page);
    await checkEachVariant(page, `accounts-${shot.name}`);
  }
  for (const context of sessions.values()) await context.close();
});

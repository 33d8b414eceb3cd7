import { getRequestListener } from "@hono/node-server";
import { afterEach, expect, test, vi } from "vitest";
import { createApp } from "../../../src/app.js";
import { listen } from "../../../src/server/http-server.js";
import { createServerLog } from "../../../src/server/request-log.js";
import { cli } from "../../support/cli.js";
import { databaseEnv, freshDb } from "../../support/db.js";
import { dumpAll, refusedRaw } from "../../support/state.js";

const stops: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
  vi.restoreAllMocks();
});

/**
 * docs/accounts.md and docs/operations.md: no page, JSON answer or log line ever holds a password, a session cookie's value or
 * a token's secret — but the one answer that sets the cookie (its Set-Cookie) and the one that
 * creates a token (shown once) — and the database holds only their hashes.
 */
test("passwords, session cookies and token secrets appear nowhere but where they are handed out", async () => {
  const db = await freshDb();
  const lines: string[] = [];
  const consoleOut = [
    vi.spyOn(console, "error").mockImplementation((...args) => void lines.push(args.join(" "))),
    vi.spyOn(console, "log").mockImplementation((...args) => void lines.push(args.join(" "))),
  ];
  const log = createServerLog("json", (text) => lines.push(...text.trimEnd().split("\n")));
  const app = createApp({ db, notes: log });
  const server = await listen(log.requests(getRequestListener(app.fetch)), { host: "127.0.0.1", port: 0 });
  stops.push(() => server.stop());

  const secrets = new Set<string>();
  const passwords = {
    admin: "admin passphrase one",
    editor: "editor passphrase two",
    wrong: "a wrong guess of a passphrase",
    changed: "the editor's new passphrase",
  };
  for (const p of Object.values(passwords)) secrets.add(p);

  // The first admin and an editor, from the command line (its output is checked too).
  const env = databaseEnv(db);
  const outputs: string[] = [];
  const run = async (argv: string[], stdin = "") => {
    const done = await cli(argv, { env, stdin });
    expect(done.code, done.stderr).toBe(0);
    outputs.push(done.stdout, done.stderr);
    return done.stdout;
  };
  await run(["user", "add", "ada", "--role", "admin"], `${passwords.admin}\n`);
  await run(["user", "add", "eve", "--role", "editor"], `${passwords.editor}\n`);
  const cliToken = (await run(["token", "create", "eve", "--label", "ci"])).trim();
  secrets.add(cliToken);
  const handedOut = [cliToken]; // token create prints the secret: that is its whole output
  await run(["token", "list"]);
  await run(["user", "list"]);

  const answers: string[] = [];
  const base = server.url;
  async function call(path: string, init: RequestInit & { handsOut?: boolean } = {}) {
    const res = await fetch(`${base}${path}`, { redirect: "manual", ...init });
    const body = await res.text();
    const headers: string[] = [];
    res.headers.forEach((value, name) => {
      if (!(init.handsOut && name === "set-cookie")) headers.push(`${name}: ${value}`);
    });
    if (!init.handsOut) answers.push(body);
    answers.push(headers.join("\n"));
    return { res, body };
  }
  const json = (body: unknown, extra: Record<string, string> = {}) => ({
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json", ...extra },
    body: JSON.stringify(body),
  });

  // Signing in: a wrong password, then the right one, by form and by JSON.
  await call("/login", json({ name: "eve", password: passwords.wrong }));
  const form = await call("/login", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ name: "eve", password: passwords.editor, next: "/prompts" }),
    handsOut: true,
  });
  const eve = /promptrail_session=([^;]+)/.exec(form.res.headers.get("set-cookie") ?? "")?.[1] ?? "";
  secrets.add(eve);
  const adminLogin = await call("/login", { ...json({ name: "ada", password: passwords.admin }), handsOut: true });
  answers.push(adminLogin.body);
  const ada = /promptrail_session=([^;]+)/.exec(adminLogin.res.headers.get("set-cookie") ?? "")?.[1] ?? "";
  secrets.add(ada);
  const asEve = { cookie: `promptrail_session=${eve}` };
  const asAda = { cookie: `promptrail_session=${ada}` };

  // Work, pages and JSON, as a person and as programs.
  await call("/prompts", json({ name: "p", body: "Hi {{x}}" }, asEve));
  for (const path of ["/", "/prompts/p", "/prompts/p/versions/1.0", "/settings/tokens", "/settings/password", "/me"])
    await call(path, { headers: asEve });
  for (const path of ["/settings/users", "/settings/tokens", "/settings/environments"])
    await call(path, { headers: asAda });
  const created = await call("/settings/tokens", { ...json({ label: "app" }, asEve), handsOut: true });
  const apiToken = (JSON.parse(created.body) as { secret: string }).secret;
  secrets.add(apiToken);
  handedOut.push(apiToken);
  // The form answers 303 (its Location is checked like every header); its cookie carries the
  // secret to the one page that shows it, which is where it is handed out.
  const posted = await call("/settings/tokens", {
    method: "POST",
    headers: { ...asAda, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ label: "page", readOnly: "true" }),
    handsOut: true,
  });
  answers.push(posted.body);
  const carried = /promptrail_new_token=[^;]+/.exec(posted.res.headers.get("set-cookie") ?? "")?.[0] ?? "";
  const page = await call("/settings/tokens", { headers: { cookie: `${asAda.cookie}; ${carried}` }, handsOut: true });
  const pageToken = /value="(prt_[^"]+)"/.exec(page.body)?.[1] ?? "";
  expect(pageToken).toMatch(/^prt_/);
  secrets.add(pageToken);
  handedOut.push(pageToken);
  for (const authorization of [
    `Bearer ${apiToken}`,
    `Basic ${Buffer.from(`pk:${cliToken}`).toString("base64")}`,
    `Bearer ${pageToken}`,
  ]) {
    await call("/prompts/p/stages/dev", { headers: { authorization } });
    await call("/prompts/p/stages/dev", { headers: { authorization, accept: "text/plain" } });
    await call("/prompts/p/versions/1.0/promote", json({}, { authorization }));
  }
  // Refusals say nothing of what was sent.
  await call("/prompts", { headers: { authorization: `Bearer ${apiToken}x`, accept: "application/json" } });
  await call("/prompts", { headers: { cookie: `promptrail_session=${eve}x` } });
  // A new password, then signing out.
  const changed = await call("/settings/password", {
    ...json({ current: passwords.editor, password: passwords.changed }, asEve),
    handsOut: true,
  });
  answers.push(changed.body);
  const renewed = /promptrail_session=([^;]+)/.exec(changed.res.headers.get("set-cookie") ?? "")?.[1] ?? "";
  secrets.add(renewed);
  await call("/logout", json({}, { cookie: `promptrail_session=${renewed}` }));
  await server.stop();
  log.flush();
  stops.length = 0;
  for (const spy of consoleOut) spy.mockRestore();

  // The checks.
  expect(lines.length).toBeGreaterThan(20);
  expect(secrets.size).toBe(4 + 3 + 3);
  const everywhere = { answers: answers.join("\n"), log: lines.join("\n"), cli: outputs.join("\n") };
  for (const secret of secrets) {
    const allowedInCli = handedOut.includes(secret) && secret === cliToken;
    expect(everywhere.answers.includes(secret), `an answer holds ${secret.slice(0, 8)}…`).toBe(false);
    expect(everywhere.log.includes(secret), `the log holds ${secret.slice(0, 8)}…`).toBe(false);
    if (!allowedInCli) expect(everywhere.cli.includes(secret), `the CLI printed ${secret.slice(0, 8)}…`).toBe(false);
  }
  expect(lines.filter((l) => l.startsWith("{")).map((l) => JSON.parse(l).actor)).toContain("eve");

  // The database: only hashes, and no secret in any row of any table.
  const dump = JSON.stringify(await dumpAll(db));
  for (const secret of secrets) expect(dump.includes(secret), `the database holds ${secret.slice(0, 8)}…`).toBe(false);
  const hashes = await db.kysely.selectFrom("users").select("password_hash").execute();
  // scrypt with N = 2^PROMPTRAIL_PASSWORD_COST (10 in the tests; test/unit/services/password-hashes.test.ts checks 2^15 by default).
  const n = 2 ** Number(process.env.PROMPTRAIL_PASSWORD_COST ?? 15);
  for (const { password_hash } of hashes)
    expect(password_hash).toMatch(new RegExp(`^scrypt\\$${n}\\$8\\$1\\$[\\w-]{22}\\$[\\w-]{43}$`));
  for (const table of ["sessions", "api_tokens"] as const) {
    const stored = await db.kysely.selectFrom(table).select("secret_hash").execute();
    expect(stored.length).toBeGreaterThan(0);
    for (const { secret_hash } of stored) expect(secret_hash).toMatch(/^[0-9a-f]{64}$/);
  }
  // And it refuses to store anything else there.
  expect((await refusedRaw(db, "UPDATE api_tokens SET secret_hash = ?", apiToken)).kind).toBe("CHECK");
  expect((await refusedRaw(db, "UPDATE users SET password_hash = ?", passwords.admin)).kind).toBe("CHECK");
});

import { describe, expect, test } from "vitest";
import { PASSWORD, securedApp, sessionCookie } from "../../support/accounts.js";
import { rawSql, rawValue } from "../../support/state.js";
import { FORM, freshApp } from "../http/support/http.js";

const HTML = "text/html,application/xhtml+xml,*/*;q=0.8";

describe("without credentials in secured mode (docs/accounts.md)", () => {
  test("JSON and the runtime read: 401 unauthorized with WWW-Authenticate", async () => {
    const client = await securedApp();
    await client.local.prompts.create({ name: "p", body: "hi" });
    for (const [path, accept] of [
      ["/prompts", "application/json"],
      ["/prompts/p/stages/dev", "application/json"],
      ["/prompts/p/stages/dev", "*/*"],
      ["/me", "application/json"],
    ] as const) {
      const res = await client.request(path, { headers: { accept } });
      expect(res.status, path).toBe(401);
      expect(res.headers.get("www-authenticate")).toBe('Bearer realm="promptrail"');
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
    }
    const text = await client.request("/prompts/p/stages/dev", { headers: { accept: "text/plain" } });
    expect([text.status, text.headers.get("www-authenticate")]).toEqual([401, 'Bearer realm="promptrail"']);
    expect(await text.text()).toMatch(/^Sign in/);
  });

  test("a page goes to the sign-in page and back; htmx is told to go there", async () => {
    const client = await securedApp();
    const page = await client.request("/prompts/p/versions/1.0?edit=1", { headers: { accept: HTML } });
    expect(page.status).toBe(303);
    expect(page.headers.get("location")).toBe(`/login?next=${encodeURIComponent("/prompts/p/versions/1.0?edit=1")}`);
    const htmx = await client.request("/prompts/p/versions/1.0/test", {
      method: "POST",
      headers: { "hx-request": "true", "hx-current-url": "http://localhost/prompts/p/versions/1.0" },
    });
    expect(htmx.status).toBe(401);
    expect(htmx.headers.get("hx-redirect")).toBe(`/login?next=${encodeURIComponent("/prompts/p/versions/1.0")}`);
    // A form posted after the session ended comes back to the page it was posted from.
    const form = await client.form("/prompts", { name: "x", body: "y" }, { referer: "http://localhost/prompts?q=a" });
    expect([form.status, form.headers.get("location")]).toEqual([
      303,
      `/login?next=${encodeURIComponent("/prompts?q=a")}`,
    ]);
    const elsewhere = await client.form("/prompts", { name: "x" }, { referer: "https://evil.example/x" });
    expect(elsewhere.headers.get("location")).toBe("/login?next=%2F");
  });

  test("/healthz, /login and /static stay open", async () => {
    const client = await securedApp();
    for (const path of ["/healthz", "/login", "/static/app.css"]) {
      expect((await client.request(path)).status, path).toBe(200);
    }
  });
});

describe("signing in", () => {
  test("a form signs in with 303 to `next` and the session cookie; a JSON sign-in answers the user", async () => {
    const client = await securedApp();
    const res = await client.form("/login", { name: "editor", password: PASSWORD, next: "/prompts?q=x" });
    expect([res.status, res.headers.get("location")]).toEqual([303, "/prompts?q=x"]);
    const cookie = res.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/promptrail_session=[A-Za-z0-9_-]{43};/);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).toMatch(/Max-Age=34560000/);
    expect(cookie).not.toMatch(/Secure/);
    const json = await client.as(null, "POST", "/login", { name: "releaser", password: PASSWORD });
    expect([json.status, json.body]).toEqual([200, { user: { name: "releaser", role: "releaser" } }]);
  });

  test("`next` must be a path on this site", async () => {
    const client = await securedApp();
    for (const next of ["//evil.example/", "https://evil.example/", "/\\evil.example"]) {
      const res = await client.form("/login", { name: "viewer", password: PASSWORD, next });
      expect(res.headers.get("location"), next).toBe("/");
    }
  });

  test("Secure over HTTPS: X-Forwarded-Proto counts only with PROMPTRAIL_TRUST_PROXY=1", async () => {
    const headers = { "x-forwarded-proto": "https" };
    const untrusted = await securedApp();
    const plain = await untrusted.form("/login", { name: "viewer", password: PASSWORD }, headers);
    expect(plain.headers.get("set-cookie")).not.toMatch(/Secure/);
    const trusted = await securedApp({ trustProxy: true });
    const secure = await trusted.form("/login", { name: "viewer", password: PASSWORD }, headers);
    expect(secure.headers.get("set-cookie")).toMatch(/; Secure/);
  });

  test("a wrong name and a wrong password get the same answer", async () => {
    const client = await securedApp();
    const wrongName = await client.as(null, "POST", "/login", { name: "nobody", password: PASSWORD });
    const wrongPassword = await client.as(null, "POST", "/login", { name: "editor", password: "not the password" });
    expect(wrongName.status).toBe(401);
    expect(wrongName.body).toEqual(wrongPassword.body);
    expect(wrongName.body.error).toEqual({ code: "unauthorized", message: "Wrong name or password" });
    // The form: the page again, with the reason and the name kept (never the password).
    const page = await client.form("/login", { name: "editor", password: "not the password", next: "/x" });
    const html = await page.text();
    expect(page.status).toBe(401);
    expect(html).toContain("Wrong name or password");
    expect(html).toContain('value="editor"');
    expect(html).not.toContain("not the password");
  });

  test("a disabled user cannot sign in, with the same answer", async () => {
    const client = await securedApp();
    await client.local.users.disable("editor");
    const res = await client.as(null, "POST", "/login", { name: "editor", password: PASSWORD });
    expect([res.status, res.body.error.message]).toEqual([401, "Wrong name or password"]);
  });
});

describe("the failed sign-in limit: the 6th failure in 15 minutes is 429", () => {
  /** One sign-in as it comes from `address` (behind a trusted proxy, which names the client). */
  const attempt = (client: Awaited<ReturnType<typeof securedApp>>, name: string, password: string, address: string) =>
    client.request("/login", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json", "x-forwarded-for": address },
      body: JSON.stringify({ name, password }),
    });

  test("per name: five failures from anywhere, then even the right password waits", async () => {
    const client = await securedApp({ trustProxy: true });
    for (let i = 1; i <= 5; i++) expect((await attempt(client, "editor", "wrong", `10.0.0.${i}`)).status).toBe(401);
    const sixth = await attempt(client, "editor", "wrong", "10.0.0.6");
    expect(sixth.status).toBe(429);
    const retry = Number(sixth.headers.get("retry-after"));
    expect(retry).toBeGreaterThan(14 * 60);
    expect(retry).toBeLessThanOrEqual(15 * 60);
    expect(((await sixth.json()) as { error: { code: string; message: string } }).error).toEqual({
      code: "rate_limited",
      message: "Too many attempts — try again in 15 min",
    });
    expect((await attempt(client, "editor", PASSWORD, "10.0.0.7")).status).toBe(429);
    // Another name from the same addresses is not held up.
    expect((await attempt(client, "viewer", PASSWORD, "10.0.0.8")).status).toBe(200);
  });

  test("per client address: five failures under any names, then that address waits", async () => {
    const client = await securedApp({ trustProxy: true });
    for (const name of ["a", "b", "c", "d", "e"])
      expect((await attempt(client, name, "x", "10.9.9.9")).status).toBe(401);
    expect((await attempt(client, "admin", PASSWORD, "10.9.9.9")).status).toBe(429);
    expect((await attempt(client, "admin", PASSWORD, "10.9.9.10")).status).toBe(200);
  });

  test("the sign-in page says how long to wait, in words", async () => {
    const client = await securedApp();
    for (let i = 0; i < 5; i++) await client.form("/login", { name: "viewer", password: "wrong" });
    const res = await client.form("/login", { name: "viewer", password: "wrong" });
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(await res.text()).toContain("Too many attempts — try again in 15 min");
  });

  test("failures older than 15 minutes count for nothing", async () => {
    const client = await securedApp({ trustProxy: true });
    for (let i = 0; i < 5; i++) await attempt(client, "editor", "wrong", "10.1.1.1");
    const old = new Date(Date.now() - 16 * 60_000).toISOString();
    await rawSql(client.db, "UPDATE sign_in_failures SET at = ?", old);
    expect((await attempt(client, "editor", PASSWORD, "10.1.1.1")).status).toBe(200);
  });
});

describe("sessions", () => {
  test("last 14 days from their last use, and a use moves that on", async () => {
    const client = await securedApp();
    const { session } = client.who.editor;
    const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
    await rawSql(client.db, "UPDATE sessions SET last_used_at = ?", daysAgo(13));
    expect((await client.as({ session }, "GET", "/me")).status).toBe(200);
    await expect.poll(() => lastUsed(client)).toBeGreaterThan(Date.now() - 60_000);
    await rawSql(client.db, "UPDATE sessions SET last_used_at = ?", daysAgo(15));
    const expired = await client.as({ session }, "GET", "/me");
    expect([expired.status, expired.body.error.code]).toEqual([401, "unauthorized"]);
  });

  test("Sign out ends the session", async () => {
    const client = await securedApp();
    const { session } = client.who.viewer;
    const res = await client.request("/logout", {
      method: "POST",
      headers: { cookie: `promptrail_session=${session}`, accept: HTML, "content-type": FORM },
    });
    expect([res.status, res.headers.get("location")]).toEqual([303, "/login"]);
    expect(res.headers.get("set-cookie")).toMatch(/promptrail_session=;.*Max-Age=0/);
    expect((await client.as({ session }, "GET", "/me")).status).toBe(401);
  });

  test("a new password ends every session of the user; the browser that changed it stays signed in", async () => {
    const client = await securedApp();
    const other = await client.as(null, "POST", "/login", { name: "editor", password: PASSWORD });
    expect(other.status).toBe(200);
    const { session } = client.who.editor;
    const res = await client.request("/settings/password", {
      method: "POST",
      headers: { cookie: `promptrail_session=${session}`, accept: HTML, "content-type": FORM },
      body: new URLSearchParams({
        current: PASSWORD,
        password: "a brand new passphrase",
        confirm: "a brand new passphrase",
      }),
    });
    expect(res.status).toBe(303);
    const renewed = sessionCookie(res);
    expect(renewed).toBeTruthy();
    expect((await client.as({ session }, "GET", "/me")).status).toBe(401);
    expect((await client.as({ session: renewed as string }, "GET", "/me")).body.user).toEqual({
      name: "editor",
      role: "editor",
    });
    expect((await client.as(null, "POST", "/login", { name: "editor", password: PASSWORD })).status).toBe(401);
    // The CLI's (an admin's) new password ends sessions too.
    await client.local.users.setPassword("editor", { password: "yet another passphrase" });
    expect((await client.as({ session: renewed as string }, "GET", "/me")).status).toBe(401);
  });

  test("a disabled user's sessions end at once", async () => {
    const client = await securedApp();
    const { session } = client.who.releaser;
    expect((await client.as({ session }, "GET", "/me")).status).toBe(200);
    await client.local.users.disable("releaser");
    expect((await client.as({ session }, "GET", "/me")).status).toBe(401);
    expect(
      await rawValue(
        client.db,
        "SELECT count(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.name = 'releaser'",
      ),
    ).toBe(0);
  });
});

describe("GET /me", () => {
  test("open mode: anyone, as nobody", async () => {
    const client = await freshApp();
    const res = await client.api("GET", "/me");
    expect(res.body).toEqual({ mode: "open", user: null });
  });

  test("secured: who the session or token is, with the role it acts with", async () => {
    const client = await securedApp();
    expect((await client.as({ session: client.who.releaser.session }, "GET", "/me")).body).toEqual({
      mode: "secured",
      user: { name: "releaser", role: "releaser" },
    });
    expect((await client.as({ token: client.who.admin.readOnly }, "GET", "/me")).body.user).toEqual({
      name: "admin",
      role: "viewer",
    });
  });
});

/**
 * Read where only committed data shows (the touch is written after the answer): SQLite's
 * read-only connection, or any of PostgreSQL's.
 */
async function lastUsed(client: Awaited<ReturnType<typeof securedApp>>): Promise<number> {
  const read = "SELECT max(last_used_at) FROM sessions";
  const at =
    client.db.engine === "postgres" ? await rawValue(client.db, read) : client.db.reader().prepare(read).pluck().get();
  return Date.parse(at as string);
}

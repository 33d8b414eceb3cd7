import { describe, expect, test } from "vitest";
import { createServices } from "../../../src/services/index.js";
import { securedApp } from "../../support/accounts.js";
import { connectAgain } from "../../support/db.js";
import { eventsOf } from "../../support/state.js";
import { freshApp } from "../http/support/http.js";

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

describe("API tokens (docs/accounts.md)", () => {
  test("Bearer, and HTTP Basic with the token as the password and any user name", async () => {
    const client = await securedApp();
    const { token } = client.who.editor;
    for (const authorization of [`Bearer ${token}`, basic("pk-lf-anything", token), basic("", token)]) {
      const res = await client.request("/me", { headers: { authorization } });
      expect(res.status, authorization.slice(0, 12)).toBe(200);
      expect(((await res.json()) as { user: unknown }).user).toEqual({ name: "editor", role: "editor" });
    }
  });

  test("anything else in Authorization is refused, even next to a valid session", async () => {
    const client = await securedApp();
    const cookie = `promptrail_session=${client.who.admin.session}`;
    for (const authorization of [
      "Bearer prt_not-a-token",
      `Bearer ${client.who.admin.token}x`,
      basic("admin", "correct horse battery staple"),
      "Bearer",
      "Digest abc",
    ]) {
      const res = await client.request("/me", { headers: { authorization, cookie, accept: "application/json" } });
      expect(res.status, authorization).toBe(401);
    }
  });

  test("a read-only token acts as a viewer: it reads, it may not change, and `actions` say so", async () => {
    const client = await securedApp();
    await client.local.prompts.create({ name: "p", body: "hi" });
    const shown = { token: client.who.admin.readOnly };
    const read = await client.as(shown, "GET", "/prompts/p/stages/dev");
    expect(read.status).toBe(200);
    expect(read.body.actions).toEqual({
      edit: false,
      test: false,
      promote: null,
      createNew: false,
      delete: false,
      makeCurrent: false,
    });
    const write = await client.as(shown, "POST", "/prompts/p/versions/1.0/promote", {});
    expect([write.status, write.body.error.code]).toEqual([403, "forbidden"]);
    expect(write.body.error.message).toMatch(/needs the editor role/);
    // It cannot mint itself a stronger token either.
    const minted = await client.as(shown, "POST", "/settings/tokens", { label: "escape" });
    expect([minted.status, minted.body.error.message]).toEqual([
      403,
      "A read-only token may create only read-only tokens",
    ]);
  });

  test("the JSON `actions` follow the role: an editor may not promote TST to PROD", async () => {
    const client = await securedApp();
    await client.local.prompts.create({ name: "p", body: "hi" });
    await client.local.versions.promote("p", "1.0");
    const editor = await client.as({ token: client.who.editor.token }, "GET", "/prompts/p/versions/1.0");
    expect(editor.body.actions).toMatchObject({ edit: true, promote: null, createNew: true });
    const releaser = await client.as({ token: client.who.releaser.token }, "GET", "/prompts/p/versions/1.0");
    expect(releaser.body.actions).toMatchObject({ edit: true, promote: "PROD" });
    const refused = await client.as({ token: client.who.editor.token }, "POST", "/prompts/p/versions/1.0/promote", {});
    expect([refused.status, refused.body.error.message]).toEqual([
      403,
      "Promoting to PROD and rolling PROD back needs the releaser role; you are an editor",
    ]);
  });

  test("shows when it was last used", async () => {
    const client = await securedApp();
    const before = await client.as({ session: client.who.viewer.session }, "GET", "/settings/tokens");
    expect(before.body.tokens.map((t: { lastUsedAt: unknown }) => t.lastUsedAt)).toEqual([null, null]);
    expect((await client.as({ token: client.who.viewer.readOnly }, "GET", "/prompts")).status).toBe(200);
    await expect
      .poll(async () => {
        const after = await client.as({ session: client.who.viewer.session }, "GET", "/settings/tokens");
        return after.body.tokens.find((t: { readOnly: boolean }) => t.readOnly).lastUsedAt;
      })
      .not.toBeNull();
  });

  test("revoked: the next request is refused, also when another process revokes it", async () => {
    const client = await securedApp();
    const { token } = client.who.editor;
    expect((await client.as({ token }, "GET", "/prompts")).status).toBe(200);
    const list = await client.as({ token }, "GET", "/settings/tokens");
    const id = list.body.tokens.find((t: { readOnly: boolean }) => !t.readOnly).id;
    // As the command line does it: its own connection to the database.
    const other = connectAgain(client.db);
    await createServices({ db: other }).tokens.revoke(id);
    await other.close();
    const refused = await client.as({ token }, "GET", "/prompts");
    expect([refused.status, refused.body.error.code]).toEqual([401, "unauthorized"]);
    const listed = await client.as({ session: client.who.editor.session }, "GET", "/settings/tokens");
    expect(listed.body.tokens.find((t: { id: number }) => t.id === id).revokedAt).not.toBeNull();
  });

  test("a disabled user's token is refused; enabled again, it works again", async () => {
    const client = await securedApp();
    const { token } = client.who.editor;
    expect((await client.as({ token }, "GET", "/prompts")).status).toBe(200);
    await client.local.users.disable("editor");
    expect((await client.as({ token }, "GET", "/prompts")).status).toBe(401);
    expect((await client.as({ token }, "GET", "/prompts/x/stages/prod")).status).toBe(401);
    await client.local.users.enable("editor");
    expect((await client.as({ token }, "GET", "/prompts")).status).toBe(200);
  });

  test("one's own tokens; others' only for an admin", async () => {
    const client = await securedApp();
    const mine = await client.as({ session: client.who.editor.session }, "GET", "/settings/tokens");
    expect(new Set(mine.body.tokens.map((t: { user: string }) => t.user))).toEqual(new Set(["editor"]));
    const all = await client.as({ session: client.who.admin.session }, "GET", "/settings/tokens");
    expect(all.body.tokens).toHaveLength(8);
    const viewers = all.body.tokens.filter((t: { user: string }) => t.user === "viewer");
    const theirs = await client.as(
      { session: client.who.editor.session },
      "POST",
      `/settings/tokens/${viewers[0].id}/revoke`,
      {},
    );
    expect([theirs.status, theirs.body.error.message]).toEqual([
      403,
      "Changing settings, users and other people's tokens needs the admin role; you are an editor",
    ]);
    const forOther = await client.as({ session: client.who.editor.session }, "POST", "/settings/tokens", {
      label: "x",
      user: "viewer",
    });
    expect(forOther.status).toBe(403);
    const byAdmin = await client.as(
      { session: client.who.admin.session },
      "POST",
      `/settings/tokens/${viewers[0].id}/revoke`,
      {},
    );
    expect(byAdmin.status).toBe(200);
    const again = await client.as(
      { session: client.who.admin.session },
      "POST",
      `/settings/tokens/${viewers[0].id}/revoke`,
      {},
    );
    expect([again.status, again.body.error.code]).toEqual([409, "invalid_transition"]);
  });

  test("created: the secret once, on the page the form lands on; listed: never", async () => {
    const client = await securedApp();
    const created = await client.as({ session: client.who.releaser.session }, "POST", "/settings/tokens", {
      label: "deploy bot",
    });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^prt_[A-Za-z0-9_-]{43}$/);
    expect(created.body.token).toMatchObject({
      user: "releaser",
      label: "deploy bot",
      readOnly: false,
      lastUsedAt: null,
    });
    const listed = await client.as({ session: client.who.releaser.session }, "GET", "/settings/tokens");
    expect(listed.text).not.toContain(created.body.secret);
    expect(JSON.stringify(await client.dump())).not.toContain(created.body.secret);
    // The form: POST → 303 → GET. The secret is in no URL and no answer body but the page the
    // redirect lands on, once; reloading that page shows it no more and makes no second token.
    const session = `promptrail_session=${client.who.releaser.session}`;
    const count = async () =>
      (await client.as({ session: client.who.releaser.session }, "GET", "/settings/tokens")).body.tokens.length;
    const before = await count();
    const form = await client.request("/settings/tokens", {
      method: "POST",
      headers: { cookie: session, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ label: "cron", readOnly: "true" }),
    });
    expect([form.status, form.headers.get("location")]).toEqual([303, "/settings/tokens"]);
    expect(await form.text()).not.toContain("prt_");
    const slot = form.headers.getSetCookie().find((c) => c.startsWith("promptrail_new_token=")) ?? "";
    expect(slot).toMatch(/; Max-Age=60; Path=\/settings\/tokens; HttpOnly; SameSite=Strict$/);
    const carried = slot.split(";")[0] ?? "";
    const landed = await client.request("/settings/tokens", { headers: { cookie: `${session}; ${carried}` } });
    const html = await landed.text();
    const secret = /value="(prt_[^"]+)"/.exec(html)?.[1] ?? "";
    expect(secret).toMatch(/^prt_/);
    expect(html).toContain("it will not be shown again");
    expect(html).toContain("Token “cron” created");
    expect(landed.headers.getSetCookie().join()).toMatch(/promptrail_new_token=;.*Max-Age=0/);
    // The reload: the browser deleted the cookie, so nothing is shown, and nothing was created.
    const next = await client.request("/settings/tokens", { headers: { cookie: session } });
    expect(await next.text()).not.toContain(secret);
    expect(await count()).toBe(before + 1);
    // A cookie naming a token that is not one's own shows nothing.
    const planted = `promptrail_new_token=1.${client.who.admin.token}`;
    const other = await client.request("/settings/tokens", { headers: { cookie: `${session}; ${planted}` } });
    expect(await other.text()).not.toContain(client.who.admin.token);
  });
});

describe("the actor of every change (R11, docs/accounts.md)", () => {
  test("events, revisions and test runs carry the user's name; a token's label is in the event's detail", async () => {
    const client = await securedApp();
    const session = { session: client.who.editor.session };
    const token = { token: client.who.releaser.token };
    expect((await client.as(session, "POST", "/prompts", { name: "p", body: "Hi {{x}}" })).status).toBe(201);
    expect((await client.as(session, "POST", "/prompts/p/versions/1.0/save", { body: "Hello {{x}}" })).status).toBe(
      200,
    );
    expect((await client.as(session, "POST", "/prompts/p/versions/1.0/test", { variables: { x: "a" } })).status).toBe(
      200,
    );
    expect((await client.as(session, "POST", "/prompts/p/versions/1.0/promote", {})).status).toBe(200);
    expect((await client.as(token, "POST", "/prompts/p/versions/1.0/promote", { to: "PROD" })).status).toBe(200);
    const events = (await eventsOf(client.db, "p")).map((e) => [e.type, e.actor, e.detail.token ?? null]);
    expect(events).toEqual([
      ["prompt.created", "editor", null],
      ["version.created", "editor", null],
      ["version.edited", "editor", null],
      ["version.tested", "editor", null],
      ["version.promoted", "editor", null],
      ["version.promoted", "releaser", "releaser full"],
    ]);
    const revisions = await client.as(session, "GET", "/prompts/p/versions/1.0/revisions");
    expect(revisions.body.revisions.map((r: { actor: string }) => r.actor)).toEqual(["editor", "editor"]);
    const history = await client.as(token, "GET", "/prompts/p/history");
    expect(history.body.events[0]).toMatchObject({ actor: "releaser", detail: { token: "releaser full" } });
  });

  test("open mode: the actor is local, whatever a request shows", async () => {
    const client = await freshApp();
    const res = await client.request("/prompts", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer prt_whatever" },
      body: JSON.stringify({ name: "q", body: "x" }),
    });
    expect(res.status).toBe(201);
    expect((await eventsOf(client.db, "q")).map((e) => e.actor)).toEqual(["local", "local"]);
  });
});

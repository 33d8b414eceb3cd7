import { describe, expect, test } from "vitest";
import type { Db } from "../../../src/db/connect.js";
import { PASSWORD, securedApp } from "../../support/accounts.js";
import { freshServices, TEST_ENGINE } from "../../support/db.js";
import { rawSql, refusedRaw } from "../../support/state.js";
import { expectError } from "../http/support/http.js";

const settingsEvents = async (db: Db) =>
  (
    await db.kysely
      .selectFrom("events")
      .select(["actor", "detail"])
      .where("type", "=", "settings.changed")
      .orderBy("id")
      .execute()
  ).map((e) => ({ actor: e.actor, ...JSON.parse(e.detail) }));

describe("users (docs/accounts.md)", () => {
  test("the first active user must be an admin; the last active admin stays one", async () => {
    const s = await freshServices();
    await expect(s.users.add({ name: "eve", role: "editor", password: PASSWORD })).rejects.toMatchObject({
      code: "validation_failed",
      message: "The first active user must be an admin, who can then add the others",
    });
    await s.users.add({ name: "ada", role: "admin", password: PASSWORD });
    await s.users.add({ name: "eve", role: "editor", password: PASSWORD });
    for (const change of [() => s.users.disable("ada"), () => s.users.setRole("ada", { role: "releaser" })])
      await expect(change()).rejects.toMatchObject({
        code: "invalid_transition",
        message: expect.stringMatching(/^ada is the last active admin/),
      });
    await s.users.setRole("eve", { role: "admin" });
    await s.users.disable("ada");
    expect((await s.users.list()).map((u) => [u.name, u.role, u.disabled])).toEqual([
      ["ada", "admin", true],
      ["eve", "admin", false],
    ]);
  });

  test("the database keeps those rules against raw SQL too, and keeps names and users for good", async () => {
    const s = await freshServices();
    const insert =
      "INSERT INTO users (name, role, disabled, password_hash, created_at, updated_at) VALUES (?, ?, ?, 'scrypt$x', 'now', 'now')";
    expect((await refusedRaw(s.db, insert, "eve", "editor", 0)).message).toContain("active users need an active admin");
    await rawSql(s.db, insert, "off", "editor", 1); // disabled users do not secure anything
    expect((await refusedRaw(s.db, "UPDATE users SET disabled = 0 WHERE name = 'off'")).message).toContain(
      "active users need an active admin",
    );
    await rawSql(s.db, insert, "ada", "admin", 0);
    // Each engine's way of replacing a row in place.
    const replace =
      TEST_ENGINE === "postgres"
        ? "INSERT INTO users (name, role, password_hash, created_at, updated_at) VALUES ('ada', 'viewer', 'scrypt$y', 'n', 'n') ON CONFLICT (name) DO UPDATE SET role = excluded.role"
        : "INSERT OR REPLACE INTO users (name, role, password_hash, created_at, updated_at) VALUES ('ada', 'viewer', 'scrypt$y', 'n', 'n')";
    for (const sql of [
      "UPDATE users SET disabled = 1 WHERE name = 'ada'",
      "UPDATE users SET role = 'viewer' WHERE name = 'ada'",
      "UPDATE users SET name = 'bob' WHERE name = 'ada'",
      "DELETE FROM users WHERE name = 'off'",
      replace,
      "UPDATE users SET name = 'a b' WHERE name = 'off'",
      "UPDATE users SET role = 'owner' WHERE name = 'off'",
      "UPDATE users SET password_hash = 'hunter2' WHERE name = 'off'",
    ])
      expect((await refusedRaw(s.db, sql)).kind, sql).toMatch(/^(CHECK|TRIGGER)$/);
    expect(
      await s.db.kysely.selectFrom("users").select(["name", "role", "disabled"]).orderBy("name").execute(),
    ).toEqual([
      { name: "ada", role: "admin", disabled: 0 },
      { name: "off", role: "editor", disabled: 1 },
    ]);
  });

  test("names are 1–64 of a-z 0-9 . _ -, unique; passwords at least 12 characters", async () => {
    const client = await securedApp();
    const admin = { session: client.who.admin.session };
    const add = (body: unknown) => client.as(admin, "POST", "/settings/users", body);
    expectError(await add({ name: "Eve", role: "editor", password: PASSWORD }), 422, "validation_failed");
    expectError(await add({ name: "x".repeat(65), role: "editor", password: PASSWORD }), 422, "validation_failed");
    expectError(await add({ name: "eve", role: "owner", password: PASSWORD }), 422, "validation_failed");
    const short = await add({ name: "eve", role: "editor", password: "eleven char" });
    expectError(short, 422, "validation_failed");
    expect(short.body.error.issues).toEqual([{ path: "password", message: "Use at least 12 characters" }]);
    expectError(await add({ name: "editor", role: "editor", password: PASSWORD }), 409, "name_taken");
    const added = await add({ name: "eve.1", role: "releaser", password: PASSWORD });
    expect([added.status, added.body]).toEqual([
      201,
      { name: "eve.1", role: "releaser", disabled: false, createdAt: expect.any(String), lastSeenAt: null },
    ]);
  });

  test("every change to users, tokens and environments is a settings.changed event, with no secret", async () => {
    const client = await securedApp();
    const admin = { token: client.who.admin.token };
    await client.as(admin, "POST", "/settings/users/viewer/save", { role: "editor" });
    await client.as(admin, "POST", "/settings/users/viewer/disable", {});
    await client.as(admin, "POST", "/settings/environments/tst", { gate: true, timeoutMs: 5000 });
    const events = await settingsEvents(client.db);
    expect(events.slice(0, 6)).toEqual([
      { actor: "local", setting: "user", user: "admin", change: "added", role: "admin" },
      { actor: "local", setting: "user", user: "viewer", change: "added", role: "viewer" },
      { actor: "local", setting: "user", user: "editor", change: "added", role: "editor" },
      { actor: "local", setting: "user", user: "releaser", change: "added", role: "releaser" },
      {
        actor: "local",
        setting: "token",
        change: "created",
        id: 1,
        user: "viewer",
        label: "viewer full",
        readOnly: false,
      },
      {
        actor: "local",
        setting: "token",
        change: "created",
        id: 2,
        user: "viewer",
        label: "viewer read-only",
        readOnly: true,
      },
    ]);
    expect(events.slice(-3)).toEqual([
      {
        actor: "admin",
        token: "admin full",
        setting: "user",
        user: "viewer",
        change: "role",
        from: "viewer",
        to: "editor",
      },
      { actor: "admin", token: "admin full", setting: "user", user: "viewer", change: "disabled" },
      {
        actor: "admin",
        token: "admin full",
        setting: "environment",
        stage: "TST",
        changes: { gate: { from: false, to: true }, timeoutMs: { from: 30000, to: 5000 } },
      },
    ]);
  });

  test("an environment's key variable is recorded by name; a change that changes nothing is no event", async () => {
    const s = await freshServices();
    await s.environments.update("prod", { provider: "openai", apiKeyEnv: "PROMPTRAIL_OPENAI_KEY" });
    await s.environments.update("prod", { provider: "openai" });
    const events = await settingsEvents(s.db);
    expect(events).toHaveLength(1);
    expect(events[0].changes).toEqual({
      provider: { from: "echo", to: "openai" },
      apiKeyEnv: { from: "PROMPTRAIL_OPENAI_API_KEY", to: "PROMPTRAIL_OPENAI_KEY" },
    });
  });
});

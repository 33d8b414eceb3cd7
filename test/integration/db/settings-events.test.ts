import { sql } from "kysely";
import { expect, test } from "vitest";
import { migrations } from "../../../migrations/index.js";
import { appendSettingsEvent } from "../../../src/store/events.store.js";
import { freshSqliteDb, freshSqliteServices } from "../../support/db.js";

/** docs/accounts.md: `settings.changed` events belong to no prompt; every other event keeps its prompt. */
test("a settings event has no prompt and stays out of every prompt's history", async () => {
  const s = await freshSqliteServices();
  await s.prompts.create({ name: "p", body: "x" });
  await appendSettingsEvent(s.db.kysely, { at: "2026-12-01T00:00:00.000Z", actor: "local", detail: { stage: "PROD" } });
  const rows = s.db.sqlite.prepare("SELECT prompt_id, type, version FROM events ORDER BY id").all();
  expect(rows.at(-1)).toEqual({ prompt_id: null, type: "settings.changed", version: null });
  const history = await s.history.list("p");
  expect(history.events.map((e) => e.type)).toEqual(["version.created", "prompt.created"]);
});

test("the rebuild of the event log keeps every event, its id and the append-only rules", async () => {
  const db = await freshSqliteDb();
  // Roll the log back to its shape before 202612010400, with events in it, then rebuild it again.
  await sql`DROP TRIGGER prompts_never_deleted`.execute(db.kysely);
  await sql`DROP TABLE events`.execute(db.kysely);
  await sql`CREATE TABLE events ("id" integer primary key autoincrement, "prompt_id" integer not null references "prompts" ("id"),
    "at" text not null, "actor" text not null, "type" text not null, "version" text, "detail" text default '{}' not null)`.execute(
    db.kysely,
  );
  await sql`CREATE TRIGGER prompts_never_deleted BEFORE DELETE ON prompts
    WHEN EXISTS (SELECT 1 FROM events WHERE prompt_id = OLD.id) BEGIN SELECT RAISE(ABORT, 'kept'); END`.execute(
    db.kysely,
  );
  await sql`INSERT INTO prompts (name, created_at, updated_at) VALUES ('p', 'n', 'n')`.execute(db.kysely);
  await sql`INSERT INTO events (id, prompt_id, at, actor, type, version, detail)
    VALUES (7, 1, 'a', 'local', 'prompt.created', '1.0', '{"x":1}'), (9, 1, 'b', 'ada', 'version.edited', '1.0', '{}')`.execute(
    db.kysely,
  );
  await migrations["202612010400_settings_events"]?.up(db.kysely);
  expect(db.sqlite.prepare("SELECT id, prompt_id, at, actor, type, version, detail FROM events").all()).toEqual([
    { id: 7, prompt_id: 1, at: "a", actor: "local", type: "prompt.created", version: "1.0", detail: '{"x":1}' },
    { id: 9, prompt_id: 1, at: "b", actor: "ada", type: "version.edited", version: "1.0", detail: "{}" },
  ]);
  expect(() => db.sqlite.exec("DELETE FROM events")).toThrow(/append-only/);
  expect(() => db.sqlite.exec("UPDATE events SET actor = 'x'")).toThrow(/append-only/);
  expect(() => db.sqlite.exec("DELETE FROM prompts")).toThrow(/never deleted/);
  db.sqlite.exec("INSERT INTO events (prompt_id, at, actor, type) VALUES (1, 'c', 'local', 'version.created')");
  expect(db.sqlite.prepare("SELECT max(id) AS id FROM events").get()).toEqual({ id: 10 });
});

import { expect, test } from "vitest";
import { exportRegistry } from "../../../src/services/export.service.js";
import { importRegistry } from "../../../src/services/import.service.js";
import { freshDb, freshServices, TEST_ENGINE, type TestServices } from "../../support/db.js";
import { rawSql, rawValue } from "../../support/state.js";

const URL_ = "https://hooks.example.com/promptrail";
const pending = (s: TestServices) =>
  s.db.kysely
    .selectFrom("webhook_deliveries")
    .select(["webhook_id", "event_id", "type", "status", "body"])
    .orderBy("id")
    .execute();

/** docs/webhooks.md: "A change and its deliveries are written in one transaction (an outbox)". */
test("a change writes one pending delivery per webhook that wants it, in its own transaction, with its event", async () => {
  const s = await freshServices();
  const all = await s.webhooks.create({ url: URL_ });
  const promotions = await s.webhooks.create({ url: `${URL_}/prod`, types: ["version.promoted"], stages: ["PROD"] });
  await s.webhooks.create({ url: `${URL_}/paused`, active: false });
  await s.prompts.create({ name: "p", body: "x" });
  await s.versions.promote("p", "1.0");
  await s.versions.promote("p", "1.0", { to: "PROD" });
  const rows = await pending(s);
  expect(rows.map((r) => [r.webhook_id, r.type, r.status])).toEqual([
    [all.webhook.id, "prompt.created", "pending"],
    [all.webhook.id, "version.created", "pending"],
    [all.webhook.id, "version.promoted", "pending"],
    [all.webhook.id, "version.promoted", "pending"],
    [promotions.webhook.id, "version.promoted", "pending"],
  ]);
  // Each delivery points at its event, which carries the same time, actor and version.
  const events = await s.db.kysely
    .selectFrom("events")
    .select(["id", "type", "at", "version"])
    .where("prompt_id", "is not", null)
    .execute();
  for (const row of rows) {
    const event = events.find((e) => e.id === row.event_id);
    const body = JSON.parse(row.body);
    expect(body).toMatchObject({ type: event?.type, at: event?.at, version: event?.version, prompt: "p" });
  }
  expect(JSON.parse(rows[4]?.body ?? "{}")).toMatchObject({ stage: "PROD", data: { from: "TST", to: "PROD" } });
});

test("a refused change queues nothing, and nor does anything it did before the refusal", async () => {
  const s = await freshServices();
  await s.webhooks.create({ url: URL_ });
  await s.prompts.create({ name: "p", body: "x" });
  const before = (await pending(s)).length;
  await s.versions.promote("p", "1.0");
  await s.versions.promote("p", "1.0", { to: "PROD" });
  const queued = (await pending(s)).length;
  await expect(s.versions.save("p", "1.0", { body: "changed" })).rejects.toThrow(/production/);
  await expect(s.versions.save("p", "9.9", { body: "changed" })).rejects.toThrow(/no version/);
  await expect(s.prompts.create({ name: "p", body: "again" })).rejects.toThrow(/exists/);
  expect((await pending(s)).length).toBe(queued);
  expect(queued).toBe(before + 2);
});

test("an outbox write that fails rolls the whole change back: no event, no version, no delivery", async () => {
  const s = await freshServices();
  await s.webhooks.create({ url: URL_ });
  await s.prompts.create({ name: "p", body: "x" });
  // Make the outbox refuse the next delivery, as a full disk would (dropped after: the database is reused).
  const postgres = TEST_ENGINE === "postgres";
  for (const statement of postgres
    ? [
        `CREATE FUNCTION outbox_full() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$`,
        "CREATE TRIGGER outbox_full BEFORE INSERT ON webhook_deliveries FOR EACH ROW EXECUTE FUNCTION outbox_full()",
      ]
    : ["CREATE TRIGGER outbox_full BEFORE INSERT ON webhook_deliveries BEGIN SELECT RAISE(ABORT, 'disk full'); END"])
    await rawSql(s.db, statement);
  try {
    await expect(s.versions.createNew("p", "1.0")).rejects.toThrow(/disk full/);
  } finally {
    await rawSql(s.db, postgres ? "DROP FUNCTION outbox_full() CASCADE" : "DROP TRIGGER outbox_full");
  }
  expect(await rawValue(s.db, "SELECT count(*) AS n FROM versions")).toBe(1);
  expect(await rawValue(s.db, "SELECT count(*) AS n FROM events WHERE type = 'version.created'")).toBe(1);
  expect((await pending(s)).map((r) => r.type)).toEqual(["prompt.created", "version.created"]);
});

test("the stage is the version's after the change: a deleted draft's is DEV, a test's the stage it was tested in", async () => {
  const s = await freshServices();
  await s.webhooks.create({ url: URL_ });
  await s.prompts.create({ name: "p", body: "x" });
  await s.versions.createNew("p", "1.0");
  await s.versions.delete("p", "1.1");
  await s.versions.promote("p", "1.0");
  await s.testRuns.run("p", "1.0", {});
  const bodies = (await pending(s)).map((r) => JSON.parse(r.body));
  expect(bodies.map((b) => [b.type, b.version, b.stage])).toEqual([
    ["prompt.created", "1.0", "DEV"],
    ["version.created", "1.0", "DEV"],
    ["version.created", "1.1", "DEV"],
    ["version.deleted", "1.1", "DEV"],
    ["version.promoted", "1.0", "TST"],
    ["version.tested", "1.0", "TST"],
  ]);
});

test("an import replays history into the log but sends none of it", async () => {
  const source = await freshServices();
  await source.prompts.create({ name: "p", body: "x" });
  await source.versions.promote("p", "1.0");
  const doc = await exportRegistry(source.db.kysely, new Date());
  const target = await freshServices();
  await target.webhooks.create({ url: URL_ });
  await importRegistry(target.db.kysely, doc, new Date());
  expect(await rawValue(target.db, "SELECT count(*) AS n FROM events WHERE prompt_id IS NOT NULL")).toBe(3);
  expect(await pending(target)).toEqual([]);
});

test("without webhooks a change costs no statement more than it did", async () => {
  const statements: string[] = [];
  const db = await freshDb({ onQuery: (sql) => statements.push(sql) });
  const { createServices } = await import("../../../src/services/index.js");
  const s = createServices({ db });
  await s.prompts.create({ name: "p", body: "x" });
  statements.length = 0;
  await s.versions.promote("p", "1.0");
  expect(statements.filter((sql) => /webhook/.test(sql))).toHaveLength(1); // the subquery in the event's insert
  expect(statements.filter((sql) => /^select .*"webhooks"/i.test(sql))).toEqual([]);
});

test("a webhook whose stored filter is not a list of known types is reported as such, not matched as one", async () => {
  const s = await freshServices();
  const hook = await s.webhooks.create({ url: URL_, types: ["version.promoted"] });
  await rawSql(s.db, `UPDATE webhooks SET types = '["version.renamed"]' WHERE id = ?`, hook.webhook.id);
  await expect(s.prompts.create({ name: "p", body: "x" })).rejects.toThrow(
    /^The stored webhook types is not what it should be/,
  );
  expect(await pending(s)).toEqual([]);
});

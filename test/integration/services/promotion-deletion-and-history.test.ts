import { describe, expect, test } from "vitest";
import { freshServices } from "../../support/db.js";
import { dumpAll, eventsOf, expectVersions, rawValue, refusal, refusedRaw, textOf } from "../../support/state.js";

/** A prompt with 1.0 current in PROD, 1.1 current in TST, 1.2 current in DEV and 1.3 a spare draft. */
async function everyStage() {
  const s = await freshServices();
  await s.prompts.create({ name: "p", body: "x" });
  await s.versions.promote("p", "1.0");
  await s.versions.promote("p", "1.0", { to: "PROD" });
  for (let i = 1; i <= 3; i++) await s.versions.createNew("p", "1.0");
  await s.versions.promote("p", "1.1");
  await s.versions.makeCurrent("p", "1.2");
  await expectVersions(s, s.db, "p", ["1.3 DEV", "1.2 DEV current", "1.1 TST current", "1.0 PROD current"]);
  return s;
}

describe("R7 · promotion moves one stage forward", () => {
  test("a promotion that names its target is refused once the version has moved on (a stale page)", async () => {
    const s = await freshServices();
    await s.prompts.create({ name: "p", body: "x" });
    expect(await s.versions.promote("p", "1.0", { to: "tst" })).toMatchObject({ stage: "TST", current: true });
    const before = await dumpAll(s.db);
    const error = await refusal(s.versions.promote("p", "1.0", { to: "TST" }), "invalid_transition");
    expect(error.message).toMatch(/in TST now, so it would go to PROD, not TST/);
    await refusal(s.versions.promote("p", "1.0", { to: "staging" }), "validation_failed");
    expect(await dumpAll(s.db)).toEqual(before);
    expect(await s.versions.promote("p", "1.0", { to: "PROD" })).toMatchObject({ stage: "PROD" });
  });

  test("a move into PROD must be named: without `to` a TST version is refused (422) and nothing is written", async () => {
    const s = await freshServices();
    await s.prompts.create({ name: "p", body: "x" });
    expect(await s.versions.promote("p", "1.0")).toMatchObject({ stage: "TST", current: true });
    const before = await dumpAll(s.db);
    for (const input of [undefined, {}]) {
      const error = await refusal(s.versions.promote("p", "1.0", input), "validation_failed");
      expect(error.message).toMatch(/a move into PROD must be named/);
      expect(error.issues).toEqual([{ path: "to", message: error.message }]);
    }
    expect(await dumpAll(s.db)).toEqual(before);
    expect(await s.versions.promote("p", "1.0", { to: "prod" })).toMatchObject({ stage: "PROD", current: true });
  });

  test("PROMOTE moves one stage forward; the replaced version keeps its stage and loses only the flag", async () => {
    const s = await everyStage();
    const replaced = await s.versions.get("p", "1.1");
    await s.versions.promote("p", "1.2");
    await expectVersions(s, s.db, "p", ["1.3 DEV", "1.2 TST current", "1.1 TST", "1.0 PROD current"]);
    const after = await s.versions.get("p", "1.1");
    expect(after).toMatchObject({ stage: "TST", current: false, body: textOf(replaced), revision: replaced.revision });

    await s.versions.promote("p", "1.1", { to: "PROD" });
    await expectVersions(s, s.db, "p", ["1.3 DEV", "1.2 TST current", "1.1 PROD current", "1.0 PROD"]);
    // A version that was not current leaves its old stage's current version alone.
    await s.versions.promote("p", "1.3");
    await expectVersions(s, s.db, "p", ["1.3 TST current", "1.2 TST", "1.1 PROD current", "1.0 PROD"]);
  });

  test("PROD cannot be promoted: invalid_transition, nothing written", async () => {
    const s = await everyStage();
    const before = await dumpAll(s.db);
    const error = await refusal(s.versions.promote("p", "1.0"), "invalid_transition");
    expect(error.message).toMatch(/PROD/);
    expect(await dumpAll(s.db)).toEqual(before);
  });
});

describe("R8 · new versions are numbered after every number ever used", () => {
  test("CREATE NEW VERSION copies any version into a DEV draft M.(n+1) or (M+1).0, never current", async () => {
    const s = await everyStage();
    await s.versions.save("p", "1.1", { body: "tst body", config: { t: 0.5 } });
    const fromTst = await s.versions.createNew("p", "1.1");
    expect(fromTst).toMatchObject({ version: "1.4", stage: "DEV", current: false, revision: 1, createdFrom: "1.1" });
    expect(fromTst).toMatchObject({ body: "tst body", config: { t: 0.5 } });
    const fromProd = await s.versions.createNew("p", "v1.0", { major: true });
    expect(fromProd).toMatchObject({ version: "2.0", stage: "DEV", current: false, createdFrom: "1.0", body: "x" });
    expect((await s.versions.createNew("p", "1.3")).version).toBe("2.1");
    await expectVersions(s, s.db, "p", [
      "2.1 DEV",
      "2.0 DEV",
      "1.4 DEV",
      "1.3 DEV",
      "1.2 DEV current",
      "1.1 TST current",
      "1.0 PROD current",
    ]);
    const revisions = (await s.versions.revisions("p", "1.4")).revisions;
    expect(revisions.map((r) => [r.revision, textOf(r)])).toEqual([[1, "tst body"]]);
  });
});

describe("R9 · only a DEV draft that is not current can be deleted", () => {
  test("DELETE removes a DEV draft that is not current, with its revisions; nothing else", async () => {
    const s = await everyStage();
    await s.versions.save("p", "1.3", { body: "edited" });
    const id = (await s.versions.get("p", "1.3")).id;
    const revisionsOf = () => rawValue(s.db, "SELECT count(*) FROM revisions WHERE version_id = ?", id);
    expect(await revisionsOf()).toBe(2);

    expect(await s.versions.delete("p", "1.3")).toEqual({ deleted: "1.3" });
    expect(await revisionsOf()).toBe(0);
    await expectVersions(s, s.db, "p", ["1.2 DEV current", "1.1 TST current", "1.0 PROD current"]);

    await s.versions.promote("p", "1.2");
    await s.versions.promote("p", "1.2", { to: "PROD" });
    await expectVersions(s, s.db, "p", ["1.2 PROD current", "1.1 TST", "1.0 PROD"]);
    await s.versions.createNew("p", "1.0");
    await s.versions.makeCurrent("p", "1.4");
    const before = await dumpAll(s.db);
    for (const v of ["1.4", "1.2", "1.1", "1.0"]) {
      const error = await refusal(s.versions.delete("p", v), "delete_forbidden");
      expect(error.message).toMatch(/Only DEV drafts that are not current can be deleted/);
    }
    expect(await dumpAll(s.db)).toEqual(before);
  });
});

describe("R10 · Make Current points a stage at another of its versions", () => {
  test("MAKE CURRENT points a stage at another version of that stage, content and stage unchanged", async () => {
    const s = await everyStage();
    const draft = await s.versions.get("p", "1.3");
    const made = await s.versions.makeCurrent("p", "1.3");
    expect(made).toMatchObject({ stage: "DEV", current: true, revision: draft.revision, body: textOf(draft) });
    expect(made.contentHash).toBe(draft.contentHash);
    await expectVersions(s, s.db, "p", ["1.3 DEV current", "1.2 DEV", "1.1 TST current", "1.0 PROD current"]);

    await s.versions.promote("p", "1.2");
    await s.versions.makeCurrent("p", "1.1");
    await expectVersions(s, s.db, "p", ["1.3 DEV current", "1.2 TST", "1.1 TST current", "1.0 PROD current"]);

    const before = await dumpAll(s.db);
    for (const v of ["1.3", "1.1", "1.0"]) {
      const error = await refusal(s.versions.makeCurrent("p", v), "invalid_transition");
      expect(error.message).toMatch(/already the current/);
    }
    expect(await dumpAll(s.db)).toEqual(before);
  });
});

describe("R11 · every change is in the event log, which is never edited", () => {
  test("every change appends exactly its event, with actor local", async () => {
    const s = await freshServices();
    const log = () => eventsOf(s.db, "p");
    const appended = async (work: () => Promise<unknown>) => {
      const before = (await log()).length;
      await work();
      return (await log()).slice(before);
    };
    const event = (type: string, version: string, detail: object = {}) => ({
      type,
      version,
      actor: "local",
      detail: expect.objectContaining(detail),
    });

    expect(await appended(() => s.prompts.create({ name: "p", body: "x" }))).toEqual([
      event("prompt.created", "1.0"),
      event("version.created", "1.0", { stage: "DEV" }),
    ]);
    expect(await appended(() => s.versions.save("p", "1.0", { body: "y" }))).toEqual([
      event("version.edited", "1.0", { revision: 2 }),
    ]);
    expect(await appended(() => s.versions.createNew("p", "1.0"))).toEqual([
      event("version.created", "1.1", { from: "1.0" }),
    ]);
    expect(await appended(() => s.versions.createNew("p", "1.0"))).toHaveLength(1);
    expect(await appended(() => s.versions.promote("p", "1.0"))).toEqual([
      event("version.promoted", "1.0", { from: "DEV", to: "TST", replaced: null }),
    ]);
    expect(await appended(() => s.versions.makeCurrent("p", "1.1"))).toEqual([
      event("version.made_current", "1.1", { stage: "DEV", replaced: null }),
    ]);
    expect(await appended(() => s.versions.delete("p", "1.2"))).toEqual([event("version.deleted", "1.2")]);
    // Reads and refusals leave the log alone.
    expect(await appended(() => s.versions.get("p", "1.0"))).toEqual([]);
    expect(await appended(() => s.versions.delete("p", "1.1").catch(() => null))).toEqual([]);
    expect((await s.history.list("p")).events.map((e) => e.type)).toEqual([
      "version.deleted",
      "version.made_current",
      "version.promoted",
      "version.created",
      "version.created",
      "version.edited",
      "version.created",
      "prompt.created",
    ]);
  });

  test("the log is never edited: the database refuses UPDATE and DELETE of events", async () => {
    const s = await freshServices();
    await s.prompts.create({ name: "p", body: "x" });
    const before = await dumpAll(s.db);
    for (const sql of [
      "UPDATE events SET actor = 'mallory'",
      "UPDATE events SET type = 'version.edited' WHERE type = 'prompt.created'",
      "DELETE FROM events",
      "DELETE FROM events WHERE type = 'version.created'",
    ]) {
      const error = await refusedRaw(s.db, sql);
      expect(error.kind).toBe("TRIGGER");
      expect(error.message).toBe("the event log is append-only");
    }
    const badType = "INSERT INTO events (prompt_id, at, actor, type) VALUES (1, 'now', 'local', 'version.hacked')";
    expect((await refusedRaw(s.db, badType)).kind).toBe("CHECK");
    expect(await dumpAll(s.db)).toEqual(before);
  });
});

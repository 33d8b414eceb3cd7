import { describe, expect, test } from "vitest";
import { freshServices } from "../../support/db.js";
import { eventsOf, expectVersions, refusal, textOf } from "../../support/state.js";

/** The five everyday journeys of the lifecycle, each step checked against every version of the prompt. */
describe("scenarios", () => {
  test("create a prompt and edit the draft in place", async () => {
    const s = await freshServices();
    const created = await s.prompts.create({ name: "support-reply", body: "Hello {{name}}" });
    expect(created).toMatchObject({ version: "1.0", stage: "DEV", current: true, revision: 1 });
    await expectVersions(s, s.db, "support-reply", ["1.0 DEV current"]);

    const first = await s.versions.save("support-reply", "1.0", { body: "Hi {{name}}", revision: 1 });
    expect(first).toMatchObject({ version: "1.0", revision: 2, body: "Hi {{name}}" });
    await expectVersions(s, s.db, "support-reply", ["1.0 DEV current"]);

    const second = await s.versions.save("support-reply", "v1.0", { body: "Hey {{name}}", config: { t: 1 } });
    expect(second).toMatchObject({ version: "1.0", revision: 3, body: "Hey {{name}}", config: { t: 1 } });
    await expectVersions(s, s.db, "support-reply", ["1.0 DEV current"]);

    const revisions = (await s.versions.revisions("support-reply", "1.0")).revisions;
    expect(revisions.map((r) => [r.revision, textOf(r), r.config])).toEqual([
      [3, "Hey {{name}}", { t: 1 }],
      [2, "Hi {{name}}", {}],
      [1, "Hello {{name}}", {}],
    ]);
  });

  test("promote a draft through TST to PROD", async () => {
    const s = await freshServices();
    await s.prompts.create({ name: "p", body: "draft" });

    expect(await s.versions.promote("p", "1.0")).toMatchObject({ stage: "TST", current: true });
    await expectVersions(s, s.db, "p", ["1.0 TST current"]);
    expect((await s.prompts.get("p")).current).toEqual({ DEV: null, TST: "1.0", PROD: null });
    await refusal((async () => s.runtime.current("p", "DEV"))(), "not_found");

    expect(await s.versions.promote("p", "1.0", { to: "PROD" })).toMatchObject({ stage: "PROD", current: true });
    await expectVersions(s, s.db, "p", ["1.0 PROD current"]);
    expect((await s.prompts.get("p")).current).toEqual({ DEV: null, TST: null, PROD: "1.0" });
    expect(textOf(await s.runtime.current("p", "prod"))).toBe("draft");
  });

  test("ship a change: new version from PROD, edit, promote, the old PROD stays as history", async () => {
    const s = await freshServices();
    await s.prompts.create({ name: "p", body: "v1 text" });
    await s.versions.promote("p", "1.0");
    await s.versions.promote("p", "1.0", { to: "PROD" });
    await expectVersions(s, s.db, "p", ["1.0 PROD current"]);

    const draft = await s.versions.createNew("p", "1.0");
    expect(draft).toMatchObject({ version: "1.1", stage: "DEV", current: false, createdFrom: "1.0", body: "v1 text" });
    await expectVersions(s, s.db, "p", ["1.1 DEV", "1.0 PROD current"]);

    await s.versions.save("p", "1.1", { body: "v1.1 text", revision: 1 });
    await expectVersions(s, s.db, "p", ["1.1 DEV", "1.0 PROD current"]);

    await s.versions.promote("p", "1.1");
    await expectVersions(s, s.db, "p", ["1.1 TST current", "1.0 PROD current"]);

    await s.versions.promote("p", "1.1", { to: "PROD" });
    await expectVersions(s, s.db, "p", ["1.1 PROD current", "1.0 PROD"]);
    const old = await s.versions.get("p", "1.0");
    expect(old).toMatchObject({ stage: "PROD", current: false, body: "v1 text", revision: 1 });
    expect(textOf(await s.runtime.current("p", "PROD"))).toBe("v1.1 text");
  });

  test("delete an unused draft", async () => {
    const s = await freshServices();
    await s.prompts.create({ name: "p", body: "x" });
    await s.versions.createNew("p", "1.0");
    await s.versions.createNew("p", "1.0");
    await expectVersions(s, s.db, "p", ["1.2 DEV", "1.1 DEV", "1.0 DEV current"]);

    expect(await s.versions.delete("p", "1.2")).toEqual({ deleted: "1.2" });
    await expectVersions(s, s.db, "p", ["1.1 DEV", "1.0 DEV current"]);
    await refusal(s.versions.get("p", "1.2"), "not_found");

    expect((await s.versions.createNew("p", "1.1")).version).toBe("1.3");
    await expectVersions(s, s.db, "p", ["1.3 DEV", "1.1 DEV", "1.0 DEV current"]);

    expect((await s.versions.createNew("p", "1.0", { major: true })).version).toBe("2.0");
    expect((await s.versions.createNew("p", "1.3")).version).toBe("2.1");
    await expectVersions(s, s.db, "p", ["2.1 DEV", "2.0 DEV", "1.3 DEV", "1.1 DEV", "1.0 DEV current"]);
  });

  test("roll back PROD with Make Current", async () => {
    const s = await freshServices();
    await s.prompts.create({ name: "p", body: "good" });
    await s.versions.promote("p", "1.0");
    await s.versions.promote("p", "1.0", { to: "PROD" });
    await s.versions.createNew("p", "1.0");
    await s.versions.save("p", "1.1", { body: "bad", revision: 1 });
    await s.versions.promote("p", "1.1");
    await s.versions.promote("p", "1.1", { to: "PROD" });
    await expectVersions(s, s.db, "p", ["1.1 PROD current", "1.0 PROD"]);
    const before = await s.versions.get("p", "1.0");

    const rolledBack = await s.versions.makeCurrent("p", "1.0");
    expect(rolledBack).toMatchObject({ stage: "PROD", current: true, body: "good" });
    await expectVersions(s, s.db, "p", ["1.1 PROD", "1.0 PROD current"]);
    expect(textOf(await s.runtime.current("p", "PROD"))).toBe("good");
    expect(rolledBack).toMatchObject({ revision: before.revision, contentHash: before.contentHash });
    expect((await eventsOf(s.db, "p")).at(-1)).toMatchObject({
      type: "version.made_current",
      version: "1.0",
      detail: { stage: "PROD", replaced: "1.1" },
    });

    await s.versions.makeCurrent("p", "1.1");
    await expectVersions(s, s.db, "p", ["1.1 PROD current", "1.0 PROD"]);
  });
});

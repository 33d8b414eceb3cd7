import { describe, expect, test } from "vitest";
import { freshServices } from "../../support/db.js";
import { expectVersions, refusal } from "../../support/state.js";

/** Four questions about the lifecycle's edges, answered against every version of the prompt. */
describe("edge cases", () => {
  test("what happens to DEV when its current version is promoted: DEV has no current version", async () => {
    const s = await freshServices();
    await s.prompts.create({ name: "p", body: "x" });
    await s.versions.createNew("p", "1.0");
    await expectVersions(s, s.db, "p", ["1.1 DEV", "1.0 DEV current"]);

    await s.versions.promote("p", "1.0");
    await expectVersions(s, s.db, "p", ["1.1 DEV", "1.0 TST current"]);
    expect((await s.prompts.get("p")).current.DEV).toBeNull();
    await refusal((async () => s.runtime.current("p", "dev"))(), "not_found");

    // A draft that was not current can be promoted without touching the current DEV version.
    await s.versions.makeCurrent("p", "1.1");
    await s.versions.createNew("p", "1.1");
    await s.versions.promote("p", "1.2");
    await expectVersions(s, s.db, "p", ["1.2 TST current", "1.1 DEV current", "1.0 TST"]);
  });

  test("can a deleted version number come back: no", async () => {
    const s = await freshServices();
    await s.prompts.create({ name: "p", body: "x" });
    await s.versions.createNew("p", "1.0", { major: true });
    await s.versions.delete("p", "2.0");
    await expectVersions(s, s.db, "p", ["1.0 DEV current"]);

    expect((await s.versions.createNew("p", "1.0")).version).toBe("2.1");
    expect((await s.versions.createNew("p", "1.0", { major: true })).version).toBe("3.0");
    await s.versions.delete("p", "3.0");
    await s.versions.delete("p", "2.1");
    expect((await s.versions.createNew("p", "1.0", { major: true })).version).toBe("4.0");
    await expectVersions(s, s.db, "p", ["4.0 DEV", "1.0 DEV current"]);
  });

  test("where does Create New Version from an old version land: M.(n+1) of the highest ever allocated", async () => {
    const s = await freshServices();
    await s.prompts.create({ name: "p", body: "one" });
    for (let i = 0; i < 3; i++) await s.versions.createNew("p", "1.0");
    await s.versions.createNew("p", "1.3", { major: true });
    await expectVersions(s, s.db, "p", ["2.0 DEV", "1.3 DEV", "1.2 DEV", "1.1 DEV", "1.0 DEV current"]);

    const fromOld = await s.versions.createNew("p", "1.0");
    expect(fromOld).toMatchObject({ version: "2.1", createdFrom: "1.0", body: "one", current: false });
    await expectVersions(s, s.db, "p", ["2.1 DEV", "2.0 DEV", "1.3 DEV", "1.2 DEV", "1.1 DEV", "1.0 DEV current"]);
  });

  test("can a TST draft be edited, and a PROD one: TST yes, in place; PROD no", async () => {
    const s = await freshServices();
    await s.prompts.create({ name: "p", body: "x" });
    await s.versions.promote("p", "1.0");
    const edited = await s.versions.save("p", "1.0", { body: "tst fix", revision: 1 });
    expect(edited).toMatchObject({ version: "1.0", stage: "TST", current: true, revision: 2, body: "tst fix" });
    await expectVersions(s, s.db, "p", ["1.0 TST current"]);

    await s.versions.promote("p", "1.0", { to: "PROD" });
    const error = await refusal(s.versions.save("p", "1.0", { body: "prod fix", revision: 2 }), "version_immutable");
    expect(error.message).toBe("Cannot edit production versions");
    expect(await s.versions.get("p", "1.0")).toMatchObject({ body: "tst fix", revision: 2 });
    await expectVersions(s, s.db, "p", ["1.0 PROD current"]);
  });
});

import { describe, expect, it } from "vitest";
import { rejection, testingServices } from "../../support/testing.js";

describe("promotion preview", () => {
  it("against an empty stage: there is nothing to diff, and every variable is new to callers", async () => {
    const s = await testingServices();
    await s.prompts.create({ name: "p", body: "Hello {{name}}\n", config: { model: "m" } });
    const preview = await s.preview.preview("p", "v1.0");
    expect(preview).toMatchObject({
      version: { version: "1.0", stage: "DEV" },
      target: "TST",
      replaces: null,
      variables: { added: ["name"], removed: [] },
      gate: { target: "TST", gated: false, allowed: true },
    });
    expect(preview.comparison).toBeNull();
  });

  it("against the target's current version: a unified diff of body and config, variables added and removed", async () => {
    const s = await testingServices();
    await s.prompts.create({ name: "p", body: "Hello {{name}}\nBye\n", config: { model: "a", temperature: 0 } });
    await s.versions.promote("p", "1.0");
    const draft = await s.versions.createNew("p", "1.0");
    await s.versions.save("p", draft.version, {
      body: "Hello {{name}} from {{place}}\nBye\n",
      config: { temperature: 0, model: "a" },
    });
    await s.environments.update("TST", { gate: true });
    const preview = await s.preview.preview("p", draft.version);
    expect(preview.replaces).toMatchObject({ version: "1.0", stage: "TST", current: true });
    expect(preview.comparison?.diff).toBe(
      [
        "===================================================================",
        "--- v1.0/body",
        "+++ v1.1/body",
        "@@ -1,2 +1,2 @@",
        "-Hello {{name}}",
        "+Hello {{name}} from {{place}}",
        " Bye",
        "",
      ].join("\n"),
    );
    // The configs differ only in key order: no config patch.
    expect(preview.comparison?.patches).toHaveLength(1);
    expect(preview.variables).toEqual({ added: ["place"], removed: [] });
    expect(preview.gate).toMatchObject({
      gated: true,
      allowed: false,
      reason: "Needs a passing test of this revision",
    });
  });

  it("PROD cannot be promoted (invalid_transition); unknown versions are not_found", async () => {
    const s = await testingServices();
    await s.prompts.create({ name: "p", body: "x" });
    await s.versions.promote("p", "1.0");
    await s.versions.promote("p", "1.0", { to: "PROD" });
    expect((await rejection(s.preview.preview("p", "1.0"))).code).toBe("invalid_transition");
    expect((await rejection(s.preview.preview("p", "2.0"))).code).toBe("not_found");
  });
});

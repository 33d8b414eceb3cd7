import { describe, expect, it } from "vitest";
import { rejection, testingServices } from "../../support/testing.js";

/**
 * p: v1.0 current in PROD, v1.1 current in TST. One case fails on both ("impossible"), one
 * passes on both. PROD's gate is "no-regression".
 */
async function setup() {
  const s = await testingServices();
  await s.prompts.create({ name: "p", body: "Hello {{name}}" });
  await s.versions.promote("p", "1.0");
  await s.versions.promote("p", "1.0", { to: "PROD" });
  await s.versions.createNew("p", "1.0");
  await s.versions.save("p", "1.1", { body: "Hello there {{name}}" });
  await s.versions.promote("p", "1.1");
  await s.testCases.create("p", {
    name: "names",
    variables: { name: "Ada" },
    assertions: [{ type: "contains", value: "Ada" }],
  });
  await s.testCases.create("p", {
    name: "impossible",
    variables: { name: "Bob" },
    assertions: [{ type: "contains", value: "zzz" }],
  });
  const envs = await s.environments.update("PROD", { gate: "no-regression" });
  expect(envs.PROD.gate).toBe("no-regression");
  return s;
}

describe("the no-regression gate", () => {
  it("needs a comparison of this exact content with PROD's current version that broke nothing", async () => {
    const s = await setup();
    const none = await rejection(s.versions.promote("p", "1.1", { to: "PROD" }));
    expect(none).toMatchObject({ code: "tests_required" });
    expect(none.message).toMatch(/requires a comparison with PROD v1\.0 that breaks nothing: .*has no comparison/);

    // A failing case that fails on PROD too is no regression.
    const c = await s.comparisons.create("p", { candidate: "1.1" });
    expect(c).toMatchObject({ stage: "TST", baseline: { version: "1.0" }, summary: { broke: 0, same: 2 } });
    expect((await s.testRuns.gateStatus("p", "1.1")).allowed).toBe(true);

    // An edit is new content: the comparison no longer counts.
    await s.versions.save("p", "1.1", { body: "Hi {{name}}" });
    expect((await rejection(s.versions.promote("p", "1.1", { to: "PROD" }))).code).toBe("tests_required");
    await s.versions.save("p", "1.1", { body: "Hello there {{name}}" });
    const promoted = await s.versions.promote("p", "1.1", { to: "PROD" });
    expect(promoted).toMatchObject({ stage: "PROD", current: true });
  });

  it("a comparison that broke a case holds the promotion back, saying which", async () => {
    const s = await setup();
    await s.testCases.create("p", {
      name: "greets",
      variables: { name: "Cy" },
      assertions: [{ type: "contains", value: "Hello Cy" }],
    });
    const c = await s.comparisons.create("p", { candidate: "1.1" });
    expect(c.summary?.broke).toBe(1);
    const refused = await rejection(s.versions.promote("p", "1.1", { to: "PROD" }));
    expect(refused.code).toBe("tests_required");
    expect(refused.message).toContain(`(comparison ${c.id}) broke 1 case`);
    const status = await s.testRuns.gateStatus("p", "1.1");
    expect(status).toMatchObject({ allowed: false, reason: "Needs a comparison of this revision that broke nothing" });
  });

  it("with no current version in the target stage, a passing run is needed instead; the gate needs gate on in the database", async () => {
    const s = await testingServices();
    await s.prompts.create({ name: "p", body: "Hello {{name}}" });
    await s.environments.update("TST", { gate: "no-regression" });
    await s.testCases.create("p", {
      name: "names",
      variables: { name: "Ada" },
      assertions: [{ type: "contains", value: "Ada" }],
    });
    const refused = await rejection(s.versions.promote("p", "1.0"));
    expect(refused.message).toMatch(/requires a passing test/);
    await s.testRuns.run("p", "1.0");
    expect(await s.versions.promote("p", "1.0")).toMatchObject({ stage: "TST" });
    expect((await s.environments.update("TST", { gate: false })).TST.gate).toBe(false);
    expect((await rejection(s.environments.update("TST", { gate: "maybe" }))).code).toBe("validation_failed");
  });
});

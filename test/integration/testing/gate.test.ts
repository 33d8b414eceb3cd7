import { describe, expect, it } from "vitest";
import { rejection, testingServices } from "../../support/testing.js";

async function gated(stages: Array<"TST" | "PROD">) {
  const s = await testingServices();
  for (const stage of stages) await s.environments.update(stage, { gate: true });
  await s.prompts.create({ name: "p", body: "Hello {{name}}" });
  await s.testCases.create("p", {
    name: "names Ada",
    variables: { name: "Ada" },
    assertions: [{ type: "contains", value: "Ada" }],
  });
  return s;
}

describe("the TEST gate", () => {
  it("an ungated stage needs no test", async () => {
    const s = await gated([]);
    expect(await s.testRuns.gateStatus("p", "1.0")).toEqual({
      target: "TST",
      gated: false,
      allowed: true,
      reason: null,
      detail: null,
      run: null,
    });
    expect(await s.versions.promote("p", "1.0")).toMatchObject({ stage: "TST" });
  });

  it("refuses promotion into a gated stage without a passing run (409 tests_required), writing nothing", async () => {
    const s = await gated(["TST"]);
    expect(await s.testRuns.gateStatus("p", "1.0")).toMatchObject({
      target: "TST",
      gated: true,
      allowed: false,
      reason: "Needs a passing test of this revision",
      run: null,
    });
    const error = await rejection(s.versions.promote("p", "1.0"));
    expect(error.code).toBe("tests_required");
    expect(error.message).toBe(
      "TST requires a passing test before promotion: v1.0 revision 1 in DEV — it has no test of this revision. Run TEST in DEV first",
    );
    expect(await s.versions.get("p", "1.0")).toMatchObject({ stage: "DEV", current: true });
  });

  it("a failing latest run blocks; a passing one opens the gate", async () => {
    const s = await gated(["TST"]);
    await s.versions.save("p", "1.0", { body: "Bye {{name}}" });
    await s.testCases.save("p", (await s.testCases.list("p"))[0]?.id ?? 0, {
      name: "names Ada",
      variables: { name: "Ada" },
      assertions: [{ type: "contains", value: "Zed" }],
    });
    const failed = await s.testRuns.run("p", "1.0");
    expect(failed.status).toBe("failed");
    expect((await rejection(s.versions.promote("p", "1.0"))).message).toContain(
      "its latest test of this revision failed",
    );

    const id = (await s.testCases.list("p"))[0]?.id ?? 0;
    await s.testCases.save("p", id, {
      name: "names Ada",
      variables: { name: "Ada" },
      assertions: [{ type: "contains", value: "Ada" }],
    });
    const passed = await s.testRuns.run("p", "1.0");
    expect(await s.testRuns.gateStatus("p", "1.0")).toMatchObject({
      allowed: true,
      reason: null,
      run: { id: passed.id, status: "passed", stage: "DEV", revision: 2 },
    });
    expect(await s.versions.promote("p", "1.0")).toMatchObject({ stage: "TST", current: true });
  });

  it("an edit after a passing run closes the gate again until a new run passes", async () => {
    const s = await gated(["TST"]);
    await s.testRuns.run("p", "1.0");
    await s.versions.save("p", "1.0", { body: "Hello there {{name}}" });
    expect((await rejection(s.versions.promote("p", "1.0"))).code).toBe("tests_required");
    expect((await s.testRuns.gateStatus("p", "1.0")).reason).toBe("Needs a passing test of this revision");
    await s.testRuns.run("p", "1.0");
    expect(await s.versions.promote("p", "1.0")).toMatchObject({ stage: "TST" });
  });

  it("the latest run of this content governs: a later failure of the same content blocks", async () => {
    const s = await gated(["TST"]);
    await s.testRuns.run("p", "1.0");
    await s.testRuns.run("p", "1.0", { variables: { nome: "typo" } }); // ad-hoc misses {{name}}: error
    expect((await rejection(s.versions.promote("p", "1.0"))).message).toContain(
      "its latest test of this revision error",
    );
  });

  it("a run in the previous stage does not count after promotion", async () => {
    const s = await gated(["PROD"]);
    await s.testRuns.run("p", "1.0");
    await s.versions.promote("p", "1.0");
    expect(await s.testRuns.gateStatus("p", "1.0")).toMatchObject({ target: "PROD", gated: true, allowed: false });
    const error = await rejection(s.versions.promote("p", "1.0", { to: "PROD" }));
    expect(error.code).toBe("tests_required");
    expect(error.message).toContain("v1.0 revision 1 in TST — it has no test of this revision. Run TEST in TST first");
    await s.testRuns.run("p", "1.0");
    expect(await s.versions.promote("p", "1.0", { to: "PROD" })).toMatchObject({ stage: "PROD", current: true });
  });

  it("PROD has nothing to promote into", async () => {
    const s = await gated([]);
    await s.versions.promote("p", "1.0");
    await s.versions.promote("p", "1.0", { to: "PROD" });
    expect(await s.testRuns.gateStatus("p", "1.0")).toMatchObject({ target: null, allowed: false });
  });
});

import { describe, expect, it } from "vitest";
import { modelSettings } from "../../../src/domain/model-settings.js";
import {
  caseStatus,
  GATE_REASON,
  gateDecision,
  includesAdHoc,
  type RunFacts,
  runStatus,
  staleness,
} from "../../../src/domain/test-outcome.js";

const version = { version: "1.2", stage: "DEV" as const, revision: 3, contentHash: "h3" };
const run = (over: Partial<RunFacts> = {}): RunFacts => ({
  id: 7,
  status: "passed",
  stage: "DEV",
  revision: 3,
  contentHash: "h3",
  ...over,
});

describe("statuses", () => {
  it("a case errs on an error, fails on any failed assertion, passes otherwise (no assertions included)", () => {
    expect(caseStatus("boom", [{ passed: true }])).toBe("error");
    expect(caseStatus(null, [{ passed: true }, { passed: false }])).toBe("failed");
    expect(caseStatus(null, [])).toBe("passed");
  });

  it("a run is error over failed over passed", () => {
    expect(runStatus([{ status: "passed" }, { status: "failed" }, { status: "error" }])).toBe("error");
    expect(runStatus([{ status: "passed" }, { status: "failed" }])).toBe("failed");
    expect(runStatus([{ status: "passed" }])).toBe("passed");
  });
});

describe("includesAdHoc", () => {
  it("runs the ad-hoc case for non-empty variables or when there are no test cases", () => {
    expect(includesAdHoc({ a: "1" }, 3)).toBe(true);
    expect(includesAdHoc({}, 3)).toBe(false);
    expect(includesAdHoc(undefined, 3)).toBe(false);
    expect(includesAdHoc(undefined, 0)).toBe(true);
    expect(includesAdHoc({}, 0)).toBe(true);
  });
});

describe("gateDecision", () => {
  it("an ungated stage always allows", () => {
    expect(gateDecision(version, "TST", false, null)).toEqual({ gated: false, allowed: true, reason: null });
  });

  it("a gated stage needs a passing latest run of this content", () => {
    expect(gateDecision(version, "TST", true, run())).toMatchObject({ gated: true, allowed: true, reason: null });
    const none = gateDecision(version, "TST", true, null);
    expect(none).toMatchObject({ allowed: false, reason: GATE_REASON });
    expect(none.gated && none.detail).toBe(
      "TST requires a passing test before promotion: v1.2 revision 3 in DEV — it has no test of this revision. Run TEST in DEV first",
    );
    const failed = gateDecision(version, "TST", true, run({ status: "failed" }));
    expect(failed.gated && failed.detail).toContain("its latest test of this revision failed");
  });
});

describe("staleness", () => {
  const current = { stage: "DEV" as const, contentHash: "h3" };
  it("labels the latest run against the current content and stage", () => {
    expect(staleness(current, null)).toEqual({ fresh: false, summary: "Not tested yet" });
    expect(staleness(current, run())).toEqual({ fresh: true, summary: "passed on revision 3" });
    expect(staleness(current, run({ contentHash: "h2", revision: 2, status: "failed" }))).toEqual({
      fresh: false,
      summary: "failed on revision 2 — edited since",
    });
    expect(staleness({ stage: "TST", contentHash: "h3" }, run())).toEqual({
      fresh: false,
      summary: "passed in DEV on revision 3 — not tested in TST yet",
    });
  });
});

describe("modelSettings", () => {
  it("config overrides the environment's model; temperature and maxTokens pass through", () => {
    expect(modelSettings({ model: "gpt-x", temperature: 0.5, maxTokens: 10 }, "default")).toEqual({
      ok: true,
      model: "gpt-x",
      temperature: 0.5,
      maxTokens: 10,
    });
    expect(modelSettings({}, "default")).toEqual({
      ok: true,
      model: "default",
      temperature: undefined,
      maxTokens: undefined,
    });
    expect(modelSettings({ model: null, temperature: null }, "default")).toMatchObject({ ok: true, model: "default" });
  });

  it("settings of the wrong kind are an error, never silently dropped", () => {
    expect(modelSettings({ temperature: "hot", maxTokens: 0 }, "d")).toEqual({
      ok: false,
      model: "d",
      error: "config.temperature must be a number from 0 to 2; config.maxTokens must be a whole number of at least 1",
    });
  });
});

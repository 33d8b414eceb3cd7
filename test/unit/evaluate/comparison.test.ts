import { describe, expect, it } from "vitest";
import { caseChange, sideTotals, summaryLine } from "../../../src/domain/comparison.js";

describe("comparing a candidate with its baseline", () => {
  it("a case broke when the baseline passed and the candidate does not; fixed the other way round", () => {
    expect(caseChange("passed", "failed")).toBe("broke");
    expect(caseChange("passed", "error")).toBe("broke");
    expect(caseChange("failed", "passed")).toBe("fixed");
    expect(caseChange("error", "passed")).toBe("fixed");
    expect(caseChange("passed", "passed")).toBe("same");
    expect(caseChange("failed", "error")).toBe("same");
  });

  it("totals: passes, median latency of the cases that called a model, tokens summed", () => {
    const t = (total: number) => ({ prompt: 0, completion: 0, total });
    expect(
      sideTotals([
        { status: "passed", latencyMs: 100, tokens: t(10) },
        { status: "failed", latencyMs: 300, tokens: t(20) },
        { status: "error", latencyMs: null, tokens: null },
        { status: "passed", latencyMs: 200, tokens: t(5) },
      ]),
    ).toEqual({ passed: 2, failed: 1, errors: 1, latencyMs: 200, tokens: 35 });
    expect(sideTotals([{ status: "passed", latencyMs: null, tokens: null }])).toMatchObject({
      latencyMs: null,
      tokens: null,
    });
  });

  it("the one-line summary a reviewer reads first", () => {
    const side = (latencyMs: number | null, tokens: number | null) => ({
      passed: 0,
      failed: 0,
      errors: 0,
      latencyMs,
      tokens,
    });
    expect(
      summaryLine(
        "2.1",
        { version: "1.3", stage: "PROD" },
        { same: 47, fixed: 2, broke: 1 },
        {
          candidate: side(380, 1080),
          baseline: side(500, 1000),
        },
      ),
    ).toBe("v2.1 vs PROD v1.3: 47 same, 2 fixed, 1 broke; p50 latency −120 ms; tokens +8%");
    expect(
      summaryLine(
        "1.1",
        { version: "1.0", stage: "DEV" },
        { same: 3, fixed: 0, broke: 0 },
        {
          candidate: side(null, null),
          baseline: side(null, null),
        },
      ),
    ).toBe("v1.1 vs DEV v1.0: 3 same, 0 fixed, 0 broke");
  });
});

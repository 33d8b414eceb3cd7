import { describe, expect, test } from "vitest";
import {
  allowedActions,
  isStage,
  nextStage,
  parseStage,
  promotionTarget,
  requirePromotionTarget,
  STAGES,
} from "../../../src/domain/stage.js";

const yes = { allowed: true, reason: null };
const no = (reason: string) => ({ allowed: false, reason });
const deleteReason = "Only DEV drafts that are not current can be deleted";

describe("allowedActions: the button table of docs/rules.md", () => {
  test.each([
    {
      stage: "DEV",
      current: true,
      edit: yes,
      promote: "TST",
      delete: no(deleteReason),
      makeCurrent: no("Already the current DEV version"),
    },
    { stage: "DEV", current: false, edit: yes, promote: "TST", delete: yes, makeCurrent: yes },
    {
      stage: "TST",
      current: true,
      edit: yes,
      promote: "PROD",
      delete: no(deleteReason),
      makeCurrent: no("Already the current TST version"),
    },
    { stage: "TST", current: false, edit: yes, promote: "PROD", delete: no(deleteReason), makeCurrent: yes },
    {
      stage: "PROD",
      current: true,
      edit: no("Cannot edit production versions"),
      promote: null,
      delete: no(deleteReason),
      makeCurrent: no("Already the current PROD version"),
    },
    {
      stage: "PROD",
      current: false,
      edit: no("Cannot edit production versions"),
      promote: null,
      delete: no(deleteReason),
      makeCurrent: yes,
    },
  ] as const)("$stage, current=$current", ({ stage, current, ...expected }) => {
    expect(allowedActions({ stage, current })).toEqual({ ...expected, test: yes, createNew: yes });
  });

  test("an allowed button has no reason; a refused one says why", () => {
    for (const stage of STAGES) {
      for (const current of [true, false]) {
        const { promote: _promote, ...buttons } = allowedActions({ stage, current });
        for (const [name, action] of Object.entries(buttons)) {
          if (action.allowed) expect(action.reason, `${stage} ${current} ${name}`).toBeNull();
          else expect(action.reason, `${stage} ${current} ${name}`).toMatch(/^[A-Z].{10,}/);
        }
      }
    }
  });
});

describe("parseStage", () => {
  test.each([
    ["DEV", "DEV"],
    ["dev", "DEV"],
    ["Tst", "TST"],
    ["tst", "TST"],
    ["prod", "PROD"],
    ["pRoD", "PROD"],
  ])("%s is %s", (input, stage) => {
    expect(parseStage(input)).toBe(stage);
  });

  test.each(["", "PRD", "production", "dev ", "QA", "DEVTST"])("%j is not a stage", (input) => {
    expect(parseStage(input)).toBeNull();
  });

  test("isStage is exact: the canonical names only", () => {
    expect(STAGES.filter(isStage)).toEqual(["DEV", "TST", "PROD"]);
    expect(isStage("dev")).toBe(false);
  });
});

describe("nextStage: forward only, one step", () => {
  test("DEV → TST → PROD → nothing", () => {
    expect(nextStage("DEV")).toBe("TST");
    expect(nextStage("TST")).toBe("PROD");
    expect(nextStage("PROD")).toBeNull();
  });
});

describe("promotionTarget: R7, one rule for the service, the preview, the confirm page and the gate", () => {
  test.each([
    ["DEV", undefined, "TST"],
    ["TST", undefined, "PROD"],
    ["DEV", "TST", "TST"],
    ["TST", "prod", "PROD"],
  ] as const)("%s, to=%s → %s", (stage, to, target) => {
    expect(promotionTarget({ version: "1.0", stage }, to)).toEqual({ ok: true, target });
    expect(requirePromotionTarget({ version: "1.0", stage }, to)).toBe(target);
  });

  test("PROD goes nowhere", () => {
    expect(promotionTarget({ version: "2.1", stage: "PROD" })).toEqual({
      ok: false,
      reason: "v2.1 is in PROD: production versions cannot be promoted",
    });
  });

  test("a stale 'Promote to TST' on a version already in TST is refused, not sent on to PROD", () => {
    const decision = promotionTarget({ version: "1.3", stage: "TST" }, "TST");
    expect(decision.ok).toBe(false);
    expect(() => requirePromotionTarget({ version: "1.3", stage: "TST" }, "tst")).toThrow(
      /in TST now, so it would go to PROD, not TST/,
    );
  });
});

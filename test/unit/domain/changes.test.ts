import { describe, expect, test } from "vitest";
import { type LoggedChange, parseLastEventId, sseComment, sseEvent, stagesAfter } from "../../../src/domain/changes.js";

const change = (seq: number, type: string, version: string | null, detail = "{}"): LoggedChange => ({
  seq,
  type,
  prompt: "p",
  version,
  at: "2026-12-01T00:00:00.000Z",
  detail,
});
const promoted = (seq: number, version: string, to: string) => ({
  seq,
  prompt: "p",
  version,
  detail: { from: "x", to },
});

describe("the stage of a change, from the log alone", () => {
  test("a version is DEV until promoted, then the stage of its latest promotion up to the change", () => {
    const changes = [
      change(1, "version.edited", "1.0"),
      change(2, "version.promoted", "1.0"),
      change(3, "version.edited", "1.0"),
      change(4, "version.promoted", "1.0"),
      change(5, "version.tested", "1.0"),
      change(6, "version.edited", "1.1"),
    ];
    const promotions = [promoted(2, "1.0", "TST"), promoted(4, "1.0", "PROD")];
    expect(stagesAfter(changes, promotions).map((c) => c.stage)).toEqual(["DEV", "TST", "TST", "PROD", "PROD", "DEV"]);
  });

  test("the order promotions are given in does not matter; one of another prompt does not count", () => {
    const promotions = [
      promoted(4, "1.0", "PROD"),
      promoted(2, "1.0", "TST"),
      { ...promoted(1, "1.0", "PROD"), prompt: "q" },
    ];
    expect(stagesAfter([change(3, "version.edited", "1.0")], promotions)[0]?.stage).toBe("TST");
  });

  test("a change without a version has no stage; a promotion whose detail names no stage is ignored", () => {
    const [none, odd] = stagesAfter(
      [change(1, "review.requested", null), change(3, "version.edited", "1.0")],
      [
        { seq: 2, prompt: "p", version: "1.0", detail: { note: "imported" } },
        { seq: 3, prompt: "p", version: "1.0", detail: { to: "STAGING" } },
      ],
    );
    expect(none).toMatchObject({ stage: null, version: null });
    expect(odd?.stage).toBe("DEV");
  });

  test("carries seq, type, prompt, version, stage and at, and nothing of the detail", () => {
    expect(stagesAfter([change(7, "version.created", "1.1", '{"secret":1}')], [])).toEqual([
      { seq: 7, type: "version.created", prompt: "p", version: "1.1", stage: "DEV", at: "2026-12-01T00:00:00.000Z" },
    ]);
  });
});

describe("Last-Event-ID", () => {
  test("absent or blank starts a new stream; digits resume; anything else is not a change id", () => {
    expect(parseLastEventId(undefined)).toBeNull();
    expect(parseLastEventId("  ")).toBeNull();
    expect(parseLastEventId("42")).toBe(42);
    expect(parseLastEventId(" 7 ")).toBe(7);
    for (const bad of ["-1", "1.0", "x", "1e3", "1234567890123456"]) expect(parseLastEventId(bad), bad).toBeUndefined();
  });
});

describe("the wire format", () => {
  test("an event names its type and carries id = data.seq; a comment cannot break out of its line", () => {
    const c = { seq: 9, type: "version.promoted", prompt: "p", version: "1.0", stage: "TST" as const, at: "t" };
    expect(sseEvent(c)).toBe(`event: version.promoted\nid: 9\ndata: ${JSON.stringify(c)}\n\n`);
    expect(sseComment("a\nb\r\nc")).toBe(": a b c\n\n");
  });
});

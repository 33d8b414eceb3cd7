import { describe, expect, test } from "vitest";
import { MAX_BODY_BYTES, MAX_CONFIG_BYTES, PROMPT_NAME } from "../../../src/domain/limits.js";

describe("limits (R1, R3)", () => {
  test.each(["a", "0", "a.b_c-d", "9lives", "x".repeat(100)])("%j is a prompt name", (name) => {
    expect(PROMPT_NAME.test(name)).toBe(true);
  });

  test.each(["", "A", "Abc", "-a", ".a", "_a", "a b", "x".repeat(101), "é", "a/b", "a\n"])(
    "%j is not a prompt name",
    (name) => {
      expect(PROMPT_NAME.test(name)).toBe(false);
    },
  );

  test("sizes are the documented ones (docs/limits.md)", () => {
    expect(MAX_BODY_BYTES).toBe(1_000_000);
    expect(MAX_CONFIG_BYTES).toBe(65_536);
  });
});

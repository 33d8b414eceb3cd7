import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { describeJsonError, jsonSyntaxError } from "../../../src/domain/json-syntax.js";
import { runs } from "../../support/depth.js";

/** Whether JSON.parse takes the text, and the offset V8 names in its message when it names one. */
function v8(text: string): { valid: boolean; position: number | null } {
  try {
    JSON.parse(text);
    return { valid: true, position: null };
  } catch (error) {
    const match = /at position (\d+)/.exec((error as Error).message);
    return { valid: false, position: match ? Number(match[1]) : null };
  }
}

/** JSON text with one character dropped, changed or added somewhere: mostly broken, sometimes not. */
const damaged = fc
  .tuple(
    fc.json(),
    fc.nat(),
    fc.constantFrom("drop", "insert", "replace"),
    fc.constantFrom(..."{}[],:\"'\\ \n0-.eEtfnu}x".split("")),
  )
  .map(([text, n, how, char]) => {
    const at = text.length === 0 ? 0 : n % text.length;
    if (how === "drop") return text.slice(0, at) + text.slice(at + 1);
    if (how === "insert") return text.slice(0, at) + char + text.slice(at);
    return text.slice(0, at) + char + text.slice(at + 1);
  });

describe("where JSON text goes wrong", () => {
  test("it finds a problem exactly when JSON.parse refuses, at the offset V8 names", () => {
    fc.assert(
      fc.property(fc.oneof(damaged, fc.string(), fc.json()), (text) => {
        const found = jsonSyntaxError(text);
        const parsed = v8(text);
        expect(found === null, JSON.stringify(text)).toBe(parsed.valid);
        if (parsed.position !== null) expect(found?.offset, JSON.stringify(text)).toBe(parsed.position);
      }),
      { numRuns: runs(null, 1000, 20_000) },
    );
  });

  test.each([
    [
      '{\n  "model": "x"\n  "temperature": 1\n}',
      "Not valid JSON at line 3, column 3: expected “,” or “}” after a value",
    ],
    ['{"a": 1,}', "Not valid JSON at line 1, column 9: unexpected “}” after a comma: JSON allows no trailing comma"],
    ["{'model': 'x'}", "Not valid JSON at line 1, column 2: expected a key in double quotes"],
    ["{\"model\": 'x'}", "Not valid JSON at line 1, column 11: unexpected “'”: JSON needs double quotes"],
    ['{"a": "b"', "Not valid JSON at line 1, column 10: the text ends too early: something is not closed"],
    ['{"a" 1}', "Not valid JSON at line 1, column 6: expected “:” after the key"],
    ['{"a": "x\ny"}', "Not valid JSON at line 1, column 9: a line break inside a string (write it as \\n or \\t)"],
    ["{} {}", "Not valid JSON at line 1, column 4: more text after the JSON value ends"],
    ['{"имя": ✓}', "Not valid JSON at line 1, column 9: unexpected “✓”"],
    ['{"a":\r\n  tru}', "Not valid JSON at line 2, column 6: unexpected “}”"],
  ])("%j", (text, message) => {
    expect(describeJsonError(text)).toBe(message);
  });

  test("deep nesting costs no stack", () => {
    expect(jsonSyntaxError("[".repeat(1_000_000))?.problem).toMatch(/ends too early/);
  });
});

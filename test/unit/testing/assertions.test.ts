import { describe, expect, it } from "vitest";
import { compileRegex, evaluate, type PlainAssertion, parseJsonOutput } from "../../../src/domain/assertions.js";

const check = (output: string, assertion: PlainAssertion) =>
  evaluate(output, assertion, async (regex, text) => regex.test(text));

describe("evaluate", () => {
  it("contains and not-contains are case-sensitive substring checks with readable messages", async () => {
    expect(await check("Hello Ada", { type: "contains", value: "Ada" })).toEqual({
      type: "contains",
      value: "Ada",
      passed: true,
      message: 'output contains "Ada"',
    });
    expect(await check("Hello Ada", { type: "contains", value: "ada" })).toMatchObject({
      passed: false,
      message: 'expected output to contain "ada"',
    });
    expect(await check("Hello Ada", { type: "not-contains", value: "Bob" })).toMatchObject({ passed: true });
    expect(await check("Hello Ada", { type: "not-contains", value: "Ada" })).toMatchObject({
      passed: false,
      message: 'expected output not to contain "Ada"',
    });
  });

  it("equals ignores surrounding whitespace on both sides and shows what came instead", async () => {
    expect(await check("  42\n", { type: "equals", value: "42" })).toMatchObject({
      passed: true,
      message: 'output equals "42"',
    });
    expect(await check("41", { type: "equals", value: "42" })).toMatchObject({
      passed: false,
      message: 'expected output to equal "42", got "41"',
    });
    expect(await check("", { type: "equals", value: "" })).toMatchObject({ passed: true });
  });

  it("regex takes a bare pattern or a /literal/ with flags", async () => {
    expect(await check("Dear Ada,", { type: "regex", value: "^Dear \\w+," })).toMatchObject({ passed: true });
    expect(await check("dear ada", { type: "regex", value: "/^DEAR/i" })).toMatchObject({ passed: true });
    expect(await check("dear ada", { type: "regex", value: "^DEAR" })).toMatchObject({
      passed: false,
      message: 'expected output to match "^DEAR"',
    });
    // Not a literal (b and n are not flags): matched as the plain pattern "/usr/bin".
    expect(await check("run /usr/bin/env", { type: "regex", value: "/usr/bin" })).toMatchObject({ passed: true });
  });

  it("an invalid stored regex fails its assertion instead of throwing", async () => {
    expect(await check("x", { type: "regex", value: "(" })).toMatchObject({
      passed: false,
      message: expect.stringMatching(/^Not a valid regular expression/),
    });
  });

  it("json accepts JSON, also inside one Markdown code fence", async () => {
    expect(await check(' {"a": 1} ', { type: "json", value: null })).toEqual({
      type: "json",
      value: null,
      passed: true,
      message: "output is valid JSON",
    });
    expect(await check('```json\n{"a": [1, 2]}\n```', { type: "json", value: null })).toMatchObject({ passed: true });
    expect(await check("{a: 1}", { type: "json", value: null })).toMatchObject({
      passed: false,
      message: expect.stringMatching(/^expected output to be valid JSON \(/),
    });
  });

  it("max-length counts characters (code points), not UTF-16 units", async () => {
    expect(await check("😀😀😀", { type: "max-length", value: 3 })).toMatchObject({
      passed: true,
      message: "output has 3 characters, at most 3",
    });
    expect(await check("abcd", { type: "max-length", value: 3 })).toMatchObject({
      passed: false,
      message: "expected output to have at most 3 characters, got 4",
    });
  });

  it("long values are cut short in messages", async () => {
    const long = "x".repeat(200);
    const { message } = await check("y", { type: "contains", value: long });
    expect(message.length).toBeLessThan(120);
    expect(message).toContain("…");
  });
});

describe("compileRegex", () => {
  it("explains why a pattern is not a regular expression", async () => {
    expect(compileRegex("a(b")).toEqual({
      ok: false,
      error: expect.stringMatching(/^Not a valid regular expression: /),
    });
    expect(compileRegex("[a-")).toMatchObject({ ok: false });
    expect(compileRegex("a".repeat(1001))).toMatchObject({
      ok: false,
      error: "Keep the pattern under 1000 characters",
    });
  });

  it("compiles literals with their flags", async () => {
    const compiled = compileRegex("/a.b/s");
    expect(compiled.ok && compiled.regex.flags).toBe("s");
  });
});

describe("parseJsonOutput", () => {
  it("reports the parser's reason", async () => {
    expect(parseJsonOutput("nope")).toMatchObject({ ok: false });
    expect(parseJsonOutput("null")).toEqual({ ok: true, value: null });
  });
});

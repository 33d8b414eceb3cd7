import { createHash } from "node:crypto";
import { describe, expect, test } from "vitest";
import { canonicalJson, contentHash, normalizeBody, parseJson } from "../../../src/domain/content.js";

const sha256 = (text: string) => createHash("sha256").update(Buffer.from(text, "utf8")).digest("hex");

describe("canonicalJson", () => {
  test("sorts object keys at every depth, keeps array order, writes no whitespace", () => {
    const value = { b: [3, { z: 1, a: null }], a: { y: true, x: "s" }, c: 1.5 };
    expect(canonicalJson(value)).toBe('{"a":{"x":"s","y":true},"b":[3,{"a":null,"z":1}],"c":1.5}');
  });

  test("escapes strings as JSON does", () => {
    expect(canonicalJson({ 'q"k': 'line\n"€"\\' })).toBe('{"q\\"k":"line\\n\\"€\\"\\\\"}');
  });

  test("equal content in any key order has equal text", () => {
    expect(canonicalJson({ model: "m", temperature: 0 })).toBe(canonicalJson({ temperature: 0, model: "m" }));
  });
});

describe("contentHash (R3)", () => {
  test("is sha256 hex of the hand-written canonical {body, config}", () => {
    const body = 'Answer "{{question}}"\nin €';
    const config = { temperature: 0.2, model: "gpt-4o", stop: ["\n"], extra: { b: 1, a: 2 } };
    const canonical =
      '{"body":"Answer \\"{{question}}\\"\\nin €",' +
      '"config":{"extra":{"a":2,"b":1},"model":"gpt-4o","stop":["\\n"],"temperature":0.2}}';
    expect(contentHash(body, config)).toBe(sha256(canonical));
    expect(contentHash(body, config)).toMatch(/^[0-9a-f]{64}$/);
  });

  test("an empty config still takes part", () => {
    expect(contentHash("x", {})).toBe(sha256('{"body":"x","config":{}}'));
  });

  test("changes with the body and with the config", () => {
    const base = contentHash("a", { t: 1 });
    expect(contentHash("b", { t: 1 })).not.toBe(base);
    expect(contentHash("a", { t: 2 })).not.toBe(base);
    expect(contentHash("a", { t: 1 })).toBe(base);
  });
});

describe("normalizeBody (R5)", () => {
  test("CRLF and lone CR become LF; LF stays", () => {
    expect(normalizeBody("a\r\nb\rc\nd\r\n\r\n")).toBe("a\nb\nc\nd\n\n");
  });

  test("text without line breaks is unchanged", () => {
    expect(normalizeBody("no breaks")).toBe("no breaks");
  });
});

describe("parseJson", () => {
  test("answers the JSON value the text spells, and refuses text that is not JSON", () => {
    expect(parseJson('{"a":[1,true,null,"x"]}')).toEqual({ a: [1, true, null, "x"] });
    expect(parseJson(" 2 ")).toBe(2);
    expect(() => parseJson("{a:1}")).toThrow(SyntaxError);
    expect(() => parseJson("")).toThrow(SyntaxError);
  });
});

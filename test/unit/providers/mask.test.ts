import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { keyMasker, keyMaskerInSteps } from "../../../src/providers/mask.js";

/** Masking a key a model server echoes back (docs/testing.md): what is found, and what is left alone. */
const KEY = "sk-proj-7fQa9ZbX2mLw4TcR8vYp1NdKs6HjE3uG";
const mask = keyMasker(KEY);
const hex = Buffer.from(KEY).toString("hex");
const reversed = [...KEY].reverse().join("");

describe("keyMasker", () => {
  test.each([
    ["hex", hex],
    ["hex, upper case", hex.toUpperCase()],
    ["reversed", reversed],
    ["a part of the hex (16 digits)", hex.slice(10, 26)],
    ["a part of the reverse", reversed.slice(5, 15)],
    ["split by spaces into 4s", KEY.match(/.{1,4}/g)?.join(" ") ?? ""],
    ["split by newlines into 3s", KEY.match(/.{1,3}/g)?.join("\n") ?? ""],
    ["split by commas and quotes", (KEY.match(/.{1,5}/g) ?? []).map((p) => `"${p}"`).join(",")],
  ])("%s is masked", (_form, copy) => {
    const out = mask(`before ${copy} after`);
    expect(out).toMatch(/^before .*\[redacted\].* after$/);
    expect(out.replace(/\[redacted\]/g, "")).not.toContain(KEY.slice(10, 18));
  });

  test("the stepped masker (for long outputs) masks exactly as the other", async () => {
    const text = [hex, reversed, KEY.match(/.{1,4}/g)?.join(" "), "plain text", KEY].join(" | ");
    expect(await keyMaskerInSteps(KEY)(text)).toBe(mask(text));
    expect(mask(text)).not.toMatch(/[0-9a-f]{16}/);
  });

  test("nothing else changes: text without the key, and short pieces of it", async () => {
    fc.assert(
      fc.property(fc.lorem({ maxCount: 40 }), (text) => {
        expect(mask(text)).toBe(text);
      }),
    );
    expect(mask(`prefix ${KEY.slice(0, 7)} and ${hex.slice(0, 12)}`)).toBe(
      `prefix ${KEY.slice(0, 7)} and ${hex.slice(0, 12)}`,
    );
  });

  test("however the key is split by characters it does not hold, no 12 of its characters are left together", () => {
    const separator = fc.constantFrom(" ", "\n", ", ", " | ", "\t");
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 8, maxLength: 40 }),
        separator,
        (sizes, sep) => {
          const pieces: string[] = [];
          let at = 0;
          for (const size of sizes) {
            if (at >= KEY.length) break;
            pieces.push(KEY.slice(at, at + size));
            at += size;
          }
          if (at < KEY.length) pieces.push(KEY.slice(at));
          const out = mask(`key: ${pieces.join(sep)} end`);
          const left = out.split("[redacted]").map((s) => s.split(sep).join(""));
          for (const rest of left)
            for (let i = 0; i + 12 <= KEY.length; i++) expect(rest).not.toContain(KEY.slice(i, i + 12));
        },
      ),
    );
  });
});

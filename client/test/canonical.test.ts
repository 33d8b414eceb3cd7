import { createHash } from "node:crypto";
import fc from "fast-check";
import { expect, test } from "vitest";
import { canonicalJson as serverCanonical } from "../../src/domain/content.js";
import { canonicalJson, sha256Hex } from "../src/hash.js";

/** The client recomputes the server's hashes: its canonical JSON and SHA-256 must be the server's, byte for byte. */
test("canonical JSON and its SHA-256 are the server's for any JSON, any text", async () => {
  await fc.assert(
    fc.asyncProperty(fc.jsonValue(), async (value) => {
      const json = value as Parameters<typeof canonicalJson>[0];
      const text = canonicalJson(json);
      expect(text).toBe(serverCanonical(json as Parameters<typeof serverCanonical>[0]));
      expect(await sha256Hex(text)).toBe(createHash("sha256").update(text, "utf8").digest("hex"));
    }),
    { numRuns: 300 },
  );
});

import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";

/**
 * The repository explains itself: code, tests and docs cite rule names (docs/rules.md) and docs/
 * headings, never a document it does not hold (a product specification's numbered sections) or
 * a tracker's issue numbers, which a reader of a fresh clone cannot follow.
 */
const root = fileURLToPath(new URL("../../..", import.meta.url));
// The word is spelled with a class so that this file does not cite what it forbids.
const SECTION = /\bSP[E]C\b|(?<!RFC \d{4} )\u00a7\s?\d/;
const ISSUE = /\b[Ii]ssue #?\d+\b/;

test("no file cites the spec's sections or an issue number", () => {
  const files = execFileSync("git", ["ls-files", "-z"], { cwd: root, encoding: "utf8" })
    .split("\0")
    .filter((file) => /\.(ts|tsx|mjs|js|json|md|css|sh)$|^\.ci\//.test(file))
    .filter((file) => !file.endsWith("package-lock.json") && file !== "CHANGELOG.md");
  const found: string[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(join(root, file), "utf8");
    } catch {
      continue; // deleted in the working tree
    }
    text.split("\n").forEach((line, i) => {
      if (SECTION.test(line) || ISSUE.test(line)) found.push(`${file}:${i + 1}: ${line.trim().slice(0, 100)}`);
    });
  }
  expect(found).toEqual([]);
});

import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";

/**
 * The README and docs/ are the repository's own explanation: a link that leads nowhere, or a
 * file they name that was moved, misleads the next reader. Every relative link must reach a file
 * (and its heading, for `#anchor`), and every repository path written as code (`src/…`,
 * `test/…`) must exist, so that renaming a file or a heading fails here until the docs follow.
 */
const root = fileURLToPath(new URL("../../..", import.meta.url));
const docs = join(root, "docs");
const pages = [
  join(root, "README.md"),
  ...readdirSync(docs)
    .filter((name) => name.endsWith(".md"))
    .map((name) => join(docs, name)),
];

/** The README is a front page, not the manual (the rest is in docs/). */
const README_MAX_LINES = 300;

/** Folders of the repository whose paths the docs cite as code. */
const CITED = /^(?:src|test|migrations|views|static|bench|scripts|deploy|docs)\/[\w.@/-]*$/;

/** The text outside fenced code blocks, and the inline code spans of that text. */
function prose(markdown: string): { text: string; code: string[] } {
  const lines: string[] = [];
  let fenced = false;
  for (const line of markdown.split("\n")) {
    if (/^\s*```/.test(line)) fenced = !fenced;
    else if (!fenced) lines.push(line);
  }
  const text = lines.join("\n");
  const code = [...text.matchAll(/`([^`\n]+)`/g)].map((m) => m[1] as string);
  return { text: text.replace(/`[^`\n]+`/g, "``"), code };
}

/** GitHub's anchor for a heading: its text, lower case, without punctuation, spaces as hyphens. */
function slug(heading: string): string {
  const text = heading
    .replace(/<[^>]*>/g, "")
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/`/g, "");
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

/** Every anchor a page offers: its headings (numbered when repeated) and explicit ids. */
function anchorsOf(file: string): Set<string> {
  const markdown = readFileSync(file, "utf8");
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of markdown.split("\n")) {
    if (/^\s*```/.test(line)) fenced = !fenced;
    if (fenced) continue;
    const heading = /^#{1,6}\s+(.*)$/.exec(line);
    if (heading) {
      const base = slug(heading[1] as string);
      const count = seen.get(base) ?? 0;
      seen.set(base, count + 1);
      anchors.add(count === 0 ? base : `${base}-${count}`);
    }
    for (const id of line.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(id[1] as string);
  }
  return anchors;
}

function linksOf(file: string): string[] {
  const { text } = prose(readFileSync(file, "utf8"));
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1] as string)
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

/** Why `target`, linked from `file`, leads nowhere; null when it resolves. */
function brokenLink(file: string, target: string): string | null {
  const [path = "", anchor] = target.split("#", 2);
  const destination = path === "" ? file : join(dirname(file), decodeURIComponent(path));
  if (!existsSync(destination)) return "no such file";
  if (anchor === undefined || anchor === "") return null;
  if (!destination.endsWith(".md") || statSync(destination).isDirectory()) return "an anchor into a page that has none";
  return anchorsOf(destination).has(anchor) ? null : `no heading #${anchor}`;
}

describe("the README and docs/ lead somewhere", () => {
  test.each(pages.map((file) => [relative(root, file), file]))("%s: every relative link resolves", (_name, file) => {
    const broken = linksOf(file)
      .map((target) => ({ target, why: brokenLink(file, target) }))
      .filter((link) => link.why !== null)
      .map((link) => `${link.target}: ${link.why}`);
    expect(broken).toEqual([]);
  });

  test.each(pages.map((file) => [relative(root, file), file]))("%s: every path it cites exists", (_name, file) => {
    const { code } = prose(readFileSync(file, "utf8"));
    const missing = code.filter((span) => CITED.test(span) && !existsSync(join(root, span)));
    expect(missing).toEqual([]);
  });

  test(`README.md is a front page of at most ${README_MAX_LINES} lines`, () => {
    const lines = readFileSync(join(root, "README.md"), "utf8").trimEnd().split("\n").length;
    expect(lines).toBeLessThanOrEqual(README_MAX_LINES);
  });

  test("the checks themselves: headings become GitHub's anchors", () => {
    expect(slug('<a id="r4"></a>R4 · One current version per stage')).toBe("r4--one-current-version-per-stage");
    expect(slug("### `npm run bench:engines`".replace(/^#+\s*/, ""))).toBe("npm-run-benchengines");
    expect(slug("Settings › Webhooks")).toBe("settings--webhooks");
    expect(slug("The runtime read: `GET /prompts/:name/stages/:stage`")).toBe(
      "the-runtime-read-get-promptsnamestagesstage",
    );
  });
});

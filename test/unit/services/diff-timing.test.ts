import { afterEach, expect, test, vi } from "vitest";
import { diffContent, type Side } from "../../../src/services/compare.service.js";

/**
 * docs/limits.md, the event loop: a diff that takes a few ms is computed at once; only a large
 * one is computed in steps with a timer between them. Stepping every diff made each changed
 * line wait for a timer: tens of ms on a version page, compare or htmx promote of a 4 KB prompt.
 */
const side = (label: string, body: string): Side => ({ label, type: "text", body, config: {} });
const lines = (n: number, tag: (i: number) => string) =>
  Array.from({ length: n }, (_, i) => `line ${tag(i)}\n`).join("");

afterEach(() => {
  vi.useRealTimers();
});

test("a 4 KB prompt with 40 changed lines is diffed without waiting for any timer", async () => {
  vi.useFakeTimers();
  const a = lines(120, (i) => `${i}`);
  const b = lines(120, (i) => (i % 3 === 0 ? `${i} changed` : `${i}`));
  let patches: Awaited<ReturnType<typeof diffContent>> | undefined;
  void diffContent(side("v1.0", a), side("v1.1", b)).then((p) => {
    patches = p;
  });
  // Microtasks only: no timer is ever run here.
  for (let i = 0; i < 10 && patches === undefined; i++) await Promise.resolve();
  expect(patches).not.toBeUndefined();
  expect(patches?.[0]?.hunks.flatMap((h) => h.lines).filter((l) => l.startsWith("+"))).toHaveLength(40);
});

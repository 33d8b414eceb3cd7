import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { expect, type Page } from "@playwright/test";
import type { AxeResults, RunOptions } from "axe-core";

/**
 * The accessibility audit of the screenshot journeys: axe-core checks the page as it is on screen
 * (its colour scheme and width included) against WCAG 2.1 A and AA, and the test fails on any
 * violation, listed with the rule, its impact and the elements it found, so that the message
 * says what to fix.
 *
 * axe-core runs in the page itself (`axe.run`), injected once per page load: a second audit of
 * the same page (dark after light) reuses it. @axe-core/playwright's AxeBuilder, used before,
 * injected axe-core's 1.3 MB twice per audit and opened a blank page to merge the results of
 * frames, which our pages do not have (the test asserts there is one frame). Only the violations
 * are collected node by node: the test reads nothing else.
 */
const WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const OPTIONS: RunOptions = { runOnly: { type: "tag", values: WCAG_21_AA }, resultTypes: ["violations"] };

export async function expectAccessible(page: Page, what: string): Promise<void> {
  expect(page.frames(), `axe-core on ${what}: the audit expects a page without frames`).toHaveLength(1);
  const loaded = await page.evaluate(() => typeof (window as { axe?: unknown }).axe === "object");
  if (!loaded) await page.evaluate(AXE_SOURCE);
  const { violations } = await page.evaluate(
    (options) =>
      (window as unknown as { axe: { run: (c: Document, o: RunOptions) => Promise<AxeResults> } }).axe.run(
        document,
        options,
      ),
    OPTIONS,
  );
  const found = violations.map(
    (v) =>
      `${v.id} (${v.impact}): ${v.help}\n${v.nodes
        .slice(0, 5)
        .map((n) => `    ${n.target.join(" ")}: ${n.failureSummary?.replace(/\s+/g, " ")}`)
        .join("\n")}`,
  );
  expect.soft(found, `axe-core on ${what}`).toEqual([]);
}

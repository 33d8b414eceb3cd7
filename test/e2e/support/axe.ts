import { AxeBuilder } from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";

/**
 * The accessibility audit of the screenshot journeys: axe-core checks the page as it is on screen
 * (its colour scheme and width included) against WCAG 2.1 A and AA, and the test fails on any
 * violation, listed with the rule, its impact and the elements it found, so that the message
 * says what to fix.
 */
const WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

export async function expectAccessible(page: Page, what: string): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).withTags(WCAG_21_AA).analyze();
  const found = violations.map(
    (v) =>
      `${v.id} (${v.impact}): ${v.help}\n${v.nodes
        .slice(0, 5)
        .map((n) => `    ${n.target.join(" ")}: ${n.failureSummary?.replace(/\s+/g, " ")}`)
        .join("\n")}`,
  );
  expect.soft(found, `axe-core on ${what}`).toEqual([]);
}

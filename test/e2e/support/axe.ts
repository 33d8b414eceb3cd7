import { AxeBuilder } from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";

/**
 * The accessibility audit of the screenshot journeys: axe-core checks the page as it is on screen
 * (its colour scheme and width included) against WCAG 2.1 A and AA, and the test fails on any
 * violation, listed with the rule, its impact and the elements it found, so that the message
 * says what to fix.
 *
 * Cheap enough to run on every page of every variant: axe-core's `axe.run` in the page itself
 * (AxeBuilder's legacy mode: our pages have no frames, so nothing is lost), where the default
 * mode injects axe-core's 500 kB a second time into a blank page it opens for every audit; and
 * only the violations reported in full (passes, inapplicable and incomplete rules are not
 * collected node by node: the test reads only the violations).
 */
const WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

export async function expectAccessible(page: Page, what: string): Promise<void> {
  expect(page.frames(), `axe-core on ${what}: a page with frames wants AxeBuilder's default mode`).toHaveLength(1);
  const { violations } = await new AxeBuilder({ page })
    .setLegacyMode()
    // Before withTags: options() replaces every option set so far.
    .options({ resultTypes: ["violations"] })
    .withTags(WCAG_21_AA)
    .analyze();
  const found = violations.map(
    (v) =>
      `${v.id} (${v.impact}): ${v.help}\n${v.nodes
        .slice(0, 5)
        .map((n) => `    ${n.target.join(" ")}: ${n.failureSummary?.replace(/\s+/g, " ")}`)
        .join("\n")}`,
  );
  expect.soft(found, `axe-core on ${what}`).toEqual([]);
}

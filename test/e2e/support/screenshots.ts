import { join } from "node:path";
import { expect, type Page } from "@playwright/test";
import { expectAccessible } from "./axe.js";

/**
 * Full-page screenshots for a person to look at, in test-results/screenshots/ (gitignored), written
 * only when asked: `npm run screenshots` (the journeys tagged @screenshots) or
 * `PROMPTRAIL_SCREENSHOTS=1 npm run test:e2e` (every journey that takes one) set
 * PROMPTRAIL_SCREENSHOTS=1. A full-page PNG proves nothing a test checks, and writing them was
 * a large part of the browser run; the checks beside them (no page wider than the screen,
 * axe-core) run either way.
 */
export const SCREENSHOTS_WANTED = process.env.PROMPTRAIL_SCREENSHOTS === "1";

const DIR = join("test-results", "screenshots");

/** Saves the page as test-results/screenshots/<file> when screenshots are asked for. */
export async function saveScreenshot(page: Page, file: string): Promise<void> {
  if (SCREENSHOTS_WANTED) await page.screenshot({ path: join(DIR, file), fullPage: true });
}

/** The axe-core audit runs in light and dark; the phone's width changes layout, not colours or names. */
const VARIANTS = [
  { name: "light", colorScheme: "light", width: 1280, audit: true },
  { name: "dark", colorScheme: "dark", width: 1280, audit: true },
  { name: "phone", colorScheme: "light", width: 390, audit: false },
] as const;

/**
 * The loaded page seen in light, dark and at 390 px in turn, each checked: no wider than the
 * screen, no WCAG 2.1 AA violation axe-core can find (light and dark), and saved as
 * `<variant>-<file>.png` when screenshots are asked for. The colour scheme is CSS alone
 * (prefers-color-scheme in static/app.css) and the width is CSS media queries; no script reads
 * either, so switching them on the loaded page shows what a fresh load would, and each page is
 * opened once instead of once per variant. Leaves the page in light at 1280 px.
 */
export async function checkEachVariant(page: Page, file: string): Promise<void> {
  for (const variant of VARIANTS) {
    await page.emulateMedia({ colorScheme: variant.colorScheme });
    await page.setViewportSize({ width: variant.width, height: 900 });
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect
      .soft(width, `${file} at ${variant.width} px (${variant.name}): page width`)
      .toBeLessThanOrEqual(variant.width);
    await saveScreenshot(page, `${variant.name}-${file}.png`);
    if (variant.audit) await expectAccessible(page, `${file} (${variant.name})`);
  }
  await page.emulateMedia({ colorScheme: "light" });
  await page.setViewportSize({ width: 1280, height: 900 });
}

import { join } from "node:path";
import type { Page } from "@playwright/test";

/**
 * Full-page screenshots for a person to look at, in test-results/screenshots/ (gitignored), written
 * only when asked: `npm run screenshots` (the journeys tagged @screenshots) or
 * `PROMPTRAIL_SCREENSHOTS=1 npm run test:e2e` (every journey that takes one) set
 * PROMPTRAIL_SCREENSHOTS=1. A full-page PNG proves nothing a test checks, and writing them was
 * a large part of the browser run; the checks beside them (no script error, no page wider than
 * the screen, axe-core) run either way.
 */
export const SCREENSHOTS_WANTED = process.env.PROMPTRAIL_SCREENSHOTS === "1";

const DIR = join("test-results", "screenshots");

/** Saves the page as test-results/screenshots/<file> when screenshots are asked for. */
export async function saveScreenshot(page: Page, file: string): Promise<void> {
  if (SCREENSHOTS_WANTED) await page.screenshot({ path: join(DIR, file), fullPage: true });
}

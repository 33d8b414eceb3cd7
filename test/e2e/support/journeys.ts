import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { APIRequestContext, Locator, Page } from "@playwright/test";
import { test as base, expect } from "./fixtures.js";

/**
 * The journeys' test object: the shared fixtures (`api`, `uniqueName`) plus a lock around the
 * stage environments. They are global state in the one database of a run: a test that switches a
 * TST or PROD gate on would make any promotion in a test running beside it fail. Every journey
 * holds the settings lock shared (automatically); a test that changes settings declares
 * `test.use({ settingsAccess: "exclusive" })` and runs alone, with the environments put back as
 * they were when it ends, pass or fail.
 */

type Stage = "DEV" | "TST" | "PROD";
type Environments = Record<Stage, Record<string, unknown>>;

// One directory per Playwright run: the workers are children of the runner process.
const LOCK_DIR = join(tmpdir(), "promptrail-e2e-locks", String(process.ppid));
const WRITER = join(LOCK_DIR, "settings-writer");
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Readers announce themselves, then look for a writer (and back off): one of the two always sees the other. */
async function acquireShared(id: string): Promise<() => void> {
  mkdirSync(LOCK_DIR, { recursive: true });
  const mine = join(LOCK_DIR, `reader-${id}`);
  for (;;) {
    writeFileSync(mine, "");
    if (!existsSync(WRITER)) return () => rmSync(mine, { force: true });
    rmSync(mine, { force: true });
    await sleep(100);
  }
}

async function acquireExclusive(): Promise<() => void> {
  mkdirSync(LOCK_DIR, { recursive: true });
  for (;;) {
    try {
      writeFileSync(WRITER, String(process.pid), { flag: "wx" });
      break;
    } catch {
      await sleep(100);
    }
  }
  while (readdirSync(LOCK_DIR).some((file) => file.startsWith("reader-"))) await sleep(100);
  return () => rmSync(WRITER, { force: true });
}

const JSON_HEADERS = { Accept: "application/json", "Content-Type": "application/json" };

export async function readEnvironments(request: APIRequestContext): Promise<Environments> {
  const response = await request.get("/settings/environments", { headers: { Accept: "application/json" } });
  expect(response.ok()).toBe(true);
  return (await response.json()) as Environments;
}

async function restoreEnvironments(request: APIRequestContext, saved: Environments): Promise<void> {
  for (const stage of ["DEV", "TST", "PROD"] as const) {
    const { gate, provider, baseUrl, model, apiKeyEnv, timeoutMs } = saved[stage];
    const response = await request.post(`/settings/environments/${stage}`, {
      headers: JSON_HEADERS,
      data: { gate, provider, baseUrl, model, apiKeyEnv, timeoutMs },
    });
    expect(response.ok(), `restoring the ${stage} environment: ${await response.text()}`).toBe(true);
  }
}

export const test = base.extend<{ settingsAccess: "shared" | "exclusive"; settingsLock: undefined }>({
  settingsAccess: ["shared", { option: true }],
  settingsLock: [
    async ({ settingsAccess, request }, use, testInfo) => {
      if (settingsAccess === "shared") {
        const release = await acquireShared(`${process.pid}-${testInfo.testId}-${testInfo.retry}`);
        try {
          await use(undefined);
        } finally {
          release();
        }
        return;
      }
      const release = await acquireExclusive();
      try {
        const saved = await readEnvironments(request);
        try {
          await use(undefined);
        } finally {
          await restoreEnvironments(request, saved);
        }
      } finally {
        release();
      }
    },
    // Waiting for the other side is not the test's own time.
    { auto: true, timeout: 90_000 },
  ],
});

export { expect };

export const versionPath = (prompt: string, version: string) =>
  `/prompts/${encodeURIComponent(prompt)}/versions/${version}`;
export const promptPath = (prompt: string) => `/prompts/${encodeURIComponent(prompt)}`;

/** A button of the page by its exact accessible name. */
export const button = (page: Page, name: string) => page.getByRole("button", { name, exact: true });

/** The version page's header: `name › v1.2`, stage badge, "current in TST" / "not current", revision. */
export const versionHeader = (page: Page) =>
  page.locator("header").filter({ has: page.getByRole("heading", { level: 1 }) });

/** What the version page says about the version it shows. */
export async function expectVersion(
  page: Page,
  expected: { version: string; stage: Stage; current: boolean; revision?: number },
): Promise<void> {
  const header = versionHeader(page);
  await expect(page.getByRole("heading", { level: 1 })).toContainText(`v${expected.version}`);
  await expect(header).toContainText(expected.stage);
  await expect(header).toContainText(expected.current ? `current in ${expected.stage}` : "not current");
  if (expected.revision !== undefined) await expect(header).toContainText(`revision ${expected.revision} ·`);
}

/** The stage rail (DEV → TST → PROD): the current version of each stage, or "none". */
export async function expectRail(page: Page, current: Record<Stage, string | null>): Promise<void> {
  const rail = page.getByRole("list", { name: "Stages" });
  for (const stage of ["DEV", "TST", "PROD"] as const) {
    const stop = rail.getByRole("listitem").filter({ hasText: stage });
    const version = current[stage];
    if (version) await expect(stop.getByRole("link")).toHaveText(`v${version}`);
    else await expect(stop).toContainText("none");
  }
}

/** The row of one version in the prompt page's version list. */
export const versionRow = (page: Page, version: string): Locator =>
  page.getByRole("row").filter({ has: page.getByRole("rowheader", { name: `v${version}`, exact: true }) });

/** A row of the version list says stage and whether it is current. */
export async function expectVersionRow(
  page: Page,
  version: string,
  expected: { stage: Stage; current: boolean },
): Promise<void> {
  const row = versionRow(page, version);
  await expect(row).toHaveCount(1);
  await expect(row.getByRole("cell").nth(0)).toHaveText(expected.stage);
  await expect(row.getByRole("cell").nth(1)).toHaveText(expected.current ? "current" : "—");
}

/**
 * Marks the window so that a later check can tell whether the page was reloaded or navigated:
 * a full load starts a fresh window object without the mark.
 */
export async function markWindow(page: Page): Promise<() => Promise<void>> {
  const mark = `mark-${Math.random().toString(36).slice(2)}`;
  await page.evaluate((m) => {
    (window as unknown as { __promptrailMark?: string }).__promptrailMark = m;
  }, mark);
  return async () => {
    const now = await page.evaluate(() => (window as unknown as { __promptrailMark?: string }).__promptrailMark);
    expect(now, "the page was not reloaded").toBe(mark);
  };
}

/** Answers the next browser dialog (confirm) and gives back its message. */
export function answerNextDialog(page: Page, accept: boolean): Promise<string> {
  return new Promise((resolve) => {
    page.once("dialog", async (dialog) => {
      expect(dialog.type()).toBe("confirm");
      const message = dialog.message();
      await (accept ? dialog.accept() : dialog.dismiss());
      resolve(message);
    });
  });
}

/** The page says what happened, in its live status line ("v1.0 promoted to TST"). */
export async function expectFlash(page: Page, text: string | RegExp): Promise<void> {
  await expect(page.getByRole("status").filter({ hasText: text })).toBeVisible();
}

import { createHmac } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Page } from "@playwright/test";
import { answerNextDialog, button, expect, expectFlash, test } from "./support/journeys.js";
import { checkEachVariant } from "./support/screenshots.js";

/**
 * docs/webhooks.md in the browser: a person adds a webhook, copies its secret (shown once), tests it,
 * sees a PROD promotion arrive in the delivery log, redelivers it and deletes the webhook. A real
 * receiver runs in the test on 127.0.0.1 (the e2e server allows loopback webhooks).
 */

interface Hit {
  headers: IncomingHttpHeaders;
  raw: string;
}

async function startReceiver(): Promise<{ url: string; hits: Hit[]; server: Server }> {
  const hits: Hit[] = [];
  const server = createServer((req, res) => {
    let raw = "";
    req.on("data", (chunk) => {
      raw += chunk;
    });
    req.on("end", () => {
      hits.push({ headers: req.headers, raw });
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/promptrail`, hits, server };
}

/** Fills in and submits the New webhook form; answers the secret the page shows once. */
async function addWebhook(page: Page, url: string): Promise<string> {
  await page.goto("/settings/webhooks");
  const form = page.getByRole("region", { name: "New webhook" });
  await form.getByLabel("Payload URL").fill(url);
  await form.getByLabel(/Version promoted/).check();
  await form.getByRole("checkbox", { name: "PROD", exact: true }).check();
  await form.getByRole("button", { name: "Add webhook" }).click();
  await expect(page.getByRole("heading", { name: "Signing secret" })).toBeVisible();
  await expect(page.getByText("it will not be shown again")).toBeVisible();
  return (await page.locator("#webhook-secret").textContent()) ?? "";
}

async function deleteWebhook(page: Page): Promise<void> {
  const asked = answerNextDialog(page, true);
  await button(page, "Delete webhook").click();
  expect(await asked).toMatch(/Delete this webhook/);
  await expect(page).toHaveURL(/\/settings\/webhooks$/);
}

test("add a webhook, copy its secret, test it, see a PROD promotion arrive, redeliver it, delete it", {
  tag: "@engine",
}, async ({ page, api }) => {
  const receiver = await startReceiver();
  try {
    const secret = await addWebhook(page, receiver.url);
    expect(secret).toMatch(/^whsec_/);
    const hookUrl = page.url();
    // The secret is in no page after the one that created it.
    await page.reload();
    await expect(page.getByText(secret)).toHaveCount(0);

    await button(page, "Test").click();
    await expectFlash(page, /Test delivered: HTTP 200/);
    await expect(page.locator(".delivery").first()).toContainText("ping");
    const ping = receiver.hits.at(-1);
    const t = /t=(\d+)/.exec(String(ping?.headers["promptrail-signature"]))?.[1];
    const v1 = createHmac("sha256", secret).update(`${t}.${ping?.raw}`).digest("hex");
    expect(ping?.headers["promptrail-signature"]).toBe(`t=${t},v1=${v1}`);

    const v1_0 = await api.createPrompt();
    await api.promoteTo(v1_0, "PROD");
    await expect.poll(() => receiver.hits.some((h) => h.raw.includes(`"prompt":"${v1_0.prompt}"`))).toBe(true);
    await page.goto(hookUrl);
    const delivery = page.locator(".delivery").filter({ hasText: v1_0.prompt });
    await expect(delivery).toContainText("Delivered");
    await expect(delivery).toContainText("version.promoted");
    await delivery.locator("summary").click();
    await expect(delivery.getByRole("table")).toContainText("HTTP 200");

    const before = receiver.hits.length;
    await delivery.getByRole("button", { name: "Redeliver" }).click();
    await expectFlash(page, /Delivery queued again/);
    await expect.poll(() => receiver.hits.length).toBeGreaterThan(before);
    const again = receiver.hits.at(-1);
    expect(again?.headers["promptrail-event"]).toBe("version.promoted");
    await expect(page.locator(".delivery").filter({ hasText: v1_0.prompt })).toContainText("2 attempts");

    await deleteWebhook(page);
    await expect(page.getByText(receiver.url)).toHaveCount(0);
  } finally {
    receiver.server.close();
  }
});

/** The Webhooks pages, each seen in light, dark and at 390 px (support/screenshots.ts). */
test("screenshots of the webhooks pages: light, dark, phone", { tag: "@screenshots" }, async ({ page, api }) => {
  test.setTimeout(90_000);
  const receiver = await startReceiver();
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(error.message));
  try {
    await addWebhook(page, receiver.url);
    const hookUrl = page.url();
    await checkEachVariant(page, "webhook-created");
    await button(page, "Test").click();
    await expectFlash(page, /Test delivered/);
    const v = await api.createPrompt();
    await api.promoteTo(v, "PROD");
    await page.goto(hookUrl);
    await expect(page.locator(".delivery").filter({ hasText: v.prompt })).toContainText("Delivered");
    await page.locator(".delivery summary").first().click();
    await checkEachVariant(page, "webhook");
    await page.goto("/settings/webhooks");
    await checkEachVariant(page, "webhooks");
    await page.goto(hookUrl);
    await deleteWebhook(page);
  } finally {
    receiver.server.close();
  }
  expect(problems).toEqual([]);
});

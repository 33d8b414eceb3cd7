import { expectAccessible } from "./support/axe.js";
import { button, expect, expectFlash, test, versionPath } from "./support/journeys.js";
import { saveScreenshot } from "./support/screenshots.js";

/**
 * No text holds a NUL character (rules.md#no-nul): what a person sees when one comes along — an
 * address with %00 in it (a mangled link) answers a page that says what is wrong, and text
 * pasted with a NUL into the editor is refused in place, keeping what was typed.
 */

test("an address holding %00 answers a page that says so, with a way back", async ({ page, api }) => {
  const v = await api.createPrompt({ body: "Hello {{x}}" });
  const response = await page.goto(`/prompts/${v.prompt}%00`);
  expect(response?.status()).toBe(422);
  await expect(page.getByText(/NUL character/)).toBeVisible();
  await expect(page.getByRole("link", { name: /Prompts|Back/i }).first()).toBeVisible();
});

test("text pasted with a NUL into the editor is refused in place, and the text is kept", async ({ page, api }) => {
  const v = await api.createPrompt({ body: "Before {{x}}" });
  await page.goto(versionPath(v.prompt, "1.0"));
  await button(page, "Edit").click();
  const editor = page.getByLabel("Prompt", { exact: true });
  await editor.fill("Pasted\u0000from a binary file {{x}}");
  await button(page, "Save").click();
  await expectFlash(page, /NUL character/);
  await expect(editor).toHaveValue("Pasted\u0000from a binary file {{x}}");
  expect((await api.version(v.prompt, "1.0")).body).toBe("Before {{x}}");
});

for (const variant of [
  { name: "light", colorScheme: "light", width: 1280 },
  { name: "dark", colorScheme: "dark", width: 1280 },
  { name: "phone", colorScheme: "light", width: 390 },
] as const)
  test(`screenshot of the page for an address holding %00: ${variant.name}`, async ({ page, api }) => {
    const v = await api.createPrompt({ body: "Hello {{x}}" });
    await page.emulateMedia({ colorScheme: variant.colorScheme });
    await page.setViewportSize({ width: variant.width, height: 900 });
    await page.goto(`/prompts/${v.prompt}/versions/1.0%00`);
    await expect(page.getByText(/NUL character/)).toBeVisible();
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(variant.width);
    await saveScreenshot(page, `${variant.name}-nul-address.png`);
    if (variant.name !== "phone") await expectAccessible(page, `${variant.name} NUL address`);
  });

import { button, expect, expectFlash, test, versionPath } from "./support/journeys.js";
import { checkEachVariant } from "./support/screenshots.js";

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

test("the page for an address holding %00: light, dark, phone", { tag: "@screenshots" }, async ({ page, api }) => {
  const v = await api.createPrompt({ body: "Hello {{x}}" });
  await page.goto(`/prompts/${v.prompt}/versions/1.0%00`);
  await expect(page.getByText(/NUL character/)).toBeVisible();
  await checkEachVariant(page, "nul-address");
});

import {
  answerNextDialog,
  button,
  expect,
  expectFlash,
  expectVersion,
  promptPath,
  test,
  versionPath,
} from "./support/journeys.js";

/** The button row: each click acts once, focus stays where the user acts. */

async function versionsOf(request: import("@playwright/test").APIRequestContext, prompt: string) {
  const res = await request.get(promptPath(prompt), { headers: { Accept: "application/json" } });
  return ((await res.json()) as { versions: Array<{ version: string }> }).versions.map((v) => v.version);
}

test("a double click on Create New Version makes one draft; on Save, one revision", { tag: "@engine" }, async ({
  page,
  api,
  request,
}) => {
  const v = await api.createPrompt({ body: "Once {{x}}" });
  await page.goto(versionPath(v.prompt, "1.0"));
  // Held back a moment, as a slow server would be: the second click lands while the first runs.
  await page.route("**/versions/1.0/new", async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 300));
    await route.continue();
  });
  await button(page, "Create New Version").dblclick();
  await expect(page).toHaveURL(`${versionPath(v.prompt, "1.1")}?edit=1`);
  expect(await versionsOf(request, v.prompt)).toEqual(["1.1", "1.0"]);

  await page.getByLabel("Prompt", { exact: true }).fill("Once more {{x}}");
  await page.route("**/versions/1.1/save", async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 300));
    await route.continue();
  });
  await button(page, "Save").dblclick();
  await expectFlash(page, "Saved v1.1, revision 2");
  await expect(page.getByText("while you were editing")).toHaveCount(0);
  expect((await api.version(v.prompt, "1.1")).revision).toBe(2);
});

test("focus stays on the control that acted, or moves to what happened — never to the top", async ({ page, api }) => {
  const v = await api.createPrompt({ body: "Focus {{x}}" });
  const draft = await api.createVersion(v);
  await page.goto(versionPath(v.prompt, draft.version));

  // Ctrl+S closes the editor: focus goes to Edit, which reopens it.
  await button(page, "Edit").click();
  const editor = page.getByLabel("Prompt", { exact: true });
  await editor.fill("Focus kept {{x}}");
  await editor.press("Control+s");
  await expectFlash(page, "Saved v1.1, revision 2");
  await expect(button(page, "Edit")).toBeFocused();

  // Test keeps focus on Test, and the flash says how it went.
  await page.getByLabel("x", { exact: true }).fill("one");
  await button(page, "Test").focus();
  await page.keyboard.press("Enter");
  await expectFlash(page, "Tested v1.1: passed");
  await expect(button(page, "Test")).toBeFocused();

  // Make Current disappears once it has acted: focus moves to the message saying what happened.
  await button(page, "Make Current").focus();
  await page.keyboard.press("Enter");
  const status = page.getByRole("status").filter({ hasText: "v1.1 is now the current DEV version" });
  await expect(status).toBeVisible();
  await expect(status.locator(".flash")).toBeFocused();

  // Promote to TST becomes Promote to PROD: focus stays on the promote button.
  await button(page, "Promote to TST").focus();
  await page.keyboard.press("Enter");
  await expectVersion(page, { version: "1.1", stage: "TST", current: true });
  await expect(button(page, "Promote to PROD")).toBeFocused();
});

test("disabled buttons say why in text next to the row; the major box comes before its button", async ({
  page,
  api,
}) => {
  const v = await api.promoteTo(await api.createPrompt({ body: "Shipped {{x}}" }), "PROD");
  await page.goto(versionPath(v.prompt, "1.0"));
  const reasons = page.getByRole("list", { name: "Why some buttons are disabled" });
  await expect(reasons).toBeVisible();
  await expect(reasons).toContainText("Edit: Cannot edit production versions");
  await expect(reasons).toContainText("Delete: Only DEV drafts that are not current can be deleted");
  await expect(button(page, "Edit")).toHaveAccessibleDescription("Cannot edit production versions");

  await page.getByRole("checkbox", { name: "major" }).focus();
  await page.keyboard.press("Tab");
  await expect(button(page, "Create New Version")).toBeFocused();
});

test("a refused button shows the version as it is now, not as the page last knew it", async ({ page, api }) => {
  const v = await api.createPrompt({ body: "Race {{x}}" });
  await page.goto(versionPath(v.prompt, "1.0"));
  await api.promote(v); // another tab was first
  await button(page, "Promote to TST").click();
  await expect(page.getByRole("status")).toContainText("it would go to PROD, not TST");
  await expectVersion(page, { version: "1.0", stage: "TST", current: true });
  await expect(button(page, "Promote to TST")).toHaveCount(0);
  await expect(button(page, "Promote to PROD")).toBeVisible();
  expect((await api.version(v.prompt, "1.0")).stage).toBe("TST");
});

test("right-to-left lines of a prompt read right to left", async ({ page, api }) => {
  const v = await api.createPrompt({ body: "Answer in Arabic.\nمرحبا بك في خدمة العملاء" });
  await page.goto(versionPath(v.prompt, "1.0"));
  const text = page.getByRole("region", { name: "Prompt text" }).locator("pre");
  const [lineRight, boxRight, latinLeft, boxLeft] = await text.evaluate((pre) => {
    const range = document.createRange();
    const node = pre.firstChild as Text;
    const rtlStart = (node.textContent ?? "").indexOf("مرحبا");
    range.setStart(node, rtlStart);
    range.setEnd(node, (node.textContent ?? "").length);
    const rtl = range.getBoundingClientRect();
    range.setStart(node, 0);
    range.setEnd(node, "Answer".length);
    const latin = range.getBoundingClientRect();
    const box = pre.getBoundingClientRect();
    const style = getComputedStyle(pre);
    return [
      rtl.right,
      box.right - Number.parseFloat(style.paddingRight),
      latin.left,
      box.left + Number.parseFloat(style.paddingLeft),
    ];
  });
  expect(Math.abs((lineRight ?? 0) - (boxRight ?? 0))).toBeLessThan(2);
  expect(Math.abs((latinLeft ?? 0) - (boxLeft ?? 0))).toBeLessThan(2);
});

test("test case forms: as many assertion rows as needed, no value for json, and Delete asks", async ({ page, api }) => {
  const v = await api.createPrompt({ body: "Classify {{ticket}} for {{customer}} in {{language}}" });
  await page.goto(`${promptPath(v.prompt)}/test-cases`);
  const form = page.getByRole("region", { name: "New test case" });
  await form.getByLabel("Name").fill("refund-en");
  const variables = form.getByLabel("Variables");
  // The box shows the whole prefilled object, closing brace included, without scrolling.
  expect(await variables.evaluate((t) => t.scrollHeight <= t.clientHeight + 1)).toBe(true);
  await variables.fill('{"ticket": "refund please", "customer": "Ada", "language": "en"}');
  for (let i = 1; i <= 3; i++) await form.getByLabel(`Assertion ${i} type`).selectOption("contains");
  await form.getByRole("button", { name: "Add assertion" }).click();
  await form.getByLabel("Assertion 4 type").selectOption("json");
  await expect(form.getByLabel("Assertion 4 value")).toBeHidden();
  await form.getByLabel("Assertion 1 value").fill("refund");
  await form.getByLabel("Assertion 2 value").fill("Ada");
  await form.getByLabel("Assertion 3 value").fill("en");
  await form.getByLabel("Echo output").fill('{"label": "refund", "customer": "Ada", "language": "en"}');
  await form.getByRole("button", { name: "Add test case" }).click();
  await expectFlash(page, "Added test case “refund-en”");
  const saved = page.getByRole("region", { name: "Test case refund-en" });
  await expect(saved.getByLabel("Assertion 4 type")).toHaveValue("json");
  await expect(saved.getByLabel("Assertion 4 value")).toBeHidden();

  const dismissed = answerNextDialog(page, false);
  await saved.getByRole("button", { name: "Delete test case refund-en" }).click();
  expect(await dismissed).toContain("it has no history");
  await expect(saved).toBeVisible();
});

test("at 390 px the version list shows its compare links and the test runs fit the screen", async ({ page, api }) => {
  await page.setViewportSize({ width: 390, height: 800 });
  const v = await api.promoteTo(await api.createPrompt({ body: "Phone {{x}}" }), "PROD");
  const draft = await api.createVersion(v);
  await page.goto(promptPath(v.prompt));
  const link = page.getByRole("link", { name: `Compare v${draft.version} with current PROD` });
  const box = await link.boundingBox();
  expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(390);
  await page.goto(versionPath(v.prompt, draft.version));
  await button(page, "Test").click();
  await expectFlash(page, /Tested v1\.1/);
  await page.goto(`${versionPath(v.prompt, draft.version)}/tests`);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
});

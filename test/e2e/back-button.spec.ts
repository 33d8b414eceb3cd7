import { button, expect, expectVersion, promptPath, test, versionPath } from "./support/journeys.js";

/** Back never shows a page state that is no longer true. */

test("Back after an in-page promote shows the stage the version is in now", async ({ page, api }) => {
  const v = await api.createPrompt({ body: "Back {{x}}" });
  await page.goto(versionPath(v.prompt, "1.0"));
  await button(page, "Promote to TST").click();
  await expectVersion(page, { version: "1.0", stage: "TST", current: true });
  await page.getByRole("link", { name: v.prompt, exact: true }).first().click();
  await expect(page).toHaveURL(promptPath(v.prompt));
  await page.goBack();
  await expect(page).toHaveURL(versionPath(v.prompt, "1.0"));
  await expectVersion(page, { version: "1.0", stage: "TST", current: true });
});

test("Back after a promote somewhere else shows the new stage", async ({ page, api }) => {
  const v = await api.createPrompt({ body: "Back {{x}}" });
  await page.goto(versionPath(v.prompt, "1.0"));
  await expectVersion(page, { version: "1.0", stage: "DEV", current: true });
  await page.getByRole("link", { name: v.prompt, exact: true }).first().click();
  await expect(page).toHaveURL(promptPath(v.prompt));
  await api.promote(v);
  await page.goBack();
  await expectVersion(page, { version: "1.0", stage: "TST", current: true });
});

test("without JavaScript, Back after a promote shows the new stage, not the page before it", async ({
  browser,
  api,
}) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  try {
    const page = await context.newPage();
    const v = await api.createPrompt({ body: "Back {{x}}" });
    await page.goto(promptPath(v.prompt));
    await page.goto(versionPath(v.prompt, "1.0"));
    await button(page, "Promote to TST").click();
    await expectVersion(page, { version: "1.0", stage: "TST", current: true });
    await page.goBack();
    await expect(page).toHaveURL(versionPath(v.prompt, "1.0"));
    await expectVersion(page, { version: "1.0", stage: "TST", current: true });
  } finally {
    await context.close();
  }
});

test("a page the browser restores from its back-forward cache reloads, unless it holds unsaved text", async ({
  page,
  api,
}) => {
  const v = await api.createPrompt({ body: "Cached {{x}}" });
  await page.goto(versionPath(v.prompt, "1.0"));
  // Whether the page asked to load again: the Navigation API's navigate event fires at once when it does.
  const restored = () =>
    page.evaluate(() => {
      let reloads = false;
      const navigation = (window as unknown as { navigation: EventTarget }).navigation;
      const seen = () => {
        reloads = true;
      };
      navigation.addEventListener("navigate", seen);
      window.dispatchEvent(new PageTransitionEvent("pageshow", { persisted: true }));
      navigation.removeEventListener("navigate", seen);
      return reloads;
    });
  const marked = () => page.evaluate(() => (window as unknown as { __mark?: boolean }).__mark === true);
  await page.evaluate(() => {
    (window as unknown as { __mark?: boolean }).__mark = true;
  });
  const [, reloaded] = await Promise.all([page.waitForEvent("load"), restored()]);
  expect(reloaded).toBe(true);
  expect(await marked()).toBe(false);

  await button(page, "Edit").click();
  await page.getByLabel("Prompt", { exact: true }).fill("Typed {{x}}");
  await page.evaluate(() => {
    (window as unknown as { __mark?: boolean }).__mark = true;
  });
  expect(await restored()).toBe(false);
  expect(await marked()).toBe(true);
  await expect(page.getByLabel("Prompt", { exact: true })).toHaveValue("Typed {{x}}");
});

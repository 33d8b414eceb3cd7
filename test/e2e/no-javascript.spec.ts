import {
  button,
  expect,
  expectFlash,
  expectRail,
  expectVersion,
  expectVersionRow,
  promptPath,
  test,
  versionPath,
  versionRow,
} from "./support/journeys.js";

/**
 * docs/ui.md: without JavaScript every button still works — links and forms, 303 redirects, an
 * `?edit=1` editor page and confirmation pages for Promote to PROD and Delete.
 */
test("without JavaScript: create, edit, promote to PROD through a confirmation page, delete a draft", async ({
  browser,
  uniqueName,
}) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  page.on("dialog", (dialog) => {
    throw new Error(`no dialog expected without JavaScript, got: ${dialog.message()}`);
  });
  try {
    const name = uniqueName("nojs");
    await page.goto("/");
    // No htmx here: the page's scripts really are off.
    expect(await page.evaluate(() => typeof (window as { htmx?: unknown }).htmx)).toBe("undefined");
    const form = page.getByRole("form", { name: "New prompt" });
    await form.getByLabel("Name").fill(name);
    await form.getByLabel("First text").fill("Plain {{form}} text.");
    await form.getByRole("button", { name: "Create prompt" }).click();
    await expect(page).toHaveURL(versionPath(name, "1.0"));
    await expectVersion(page, { version: "1.0", stage: "DEV", current: true, revision: 1 });

    // Edit is a GET to the editor page.
    await button(page, "Edit").click();
    await expect(page).toHaveURL(`${versionPath(name, "1.0")}?edit=1`);
    const editor = page.getByLabel("Prompt", { exact: true });
    await expect(editor).toHaveValue("Plain {{form}} text.");
    // Ctrl/Cmd+S and Esc are the script's: without it the page does not offer them.
    await expect(page.getByText("no new version")).toBeVisible();
    await expect(page.getByText("saves,")).toBeHidden();
    await editor.fill("Plain {{form}} text,\nedited without scripts.");
    await button(page, "Save").click();
    await expect(page).toHaveURL(versionPath(name, "1.0"));
    await expectFlash(page, "Saved v1.0, revision 2");
    await expectVersion(page, { version: "1.0", stage: "DEV", current: true, revision: 2 });
    await expect(page.getByRole("region", { name: "Prompt text" })).toContainText("edited without scripts.");

    // Cancel on the editor page is a link back.
    await button(page, "Edit").click();
    await button(page, "Cancel").click();
    await expect(page).toHaveURL(versionPath(name, "1.0"));

    // Promote to TST posts straight away.
    await button(page, "Promote to TST").click();
    await expect(page).toHaveURL(versionPath(name, "1.0"));
    await expectFlash(page, "v1.0 promoted to TST");
    await expectVersion(page, { version: "1.0", stage: "TST", current: true });
    await expectRail(page, { DEV: null, TST: "1.0", PROD: null });

    // Promote to PROD asks on a page first; Cancel there changes nothing.
    await button(page, "Promote to PROD").click();
    await expect(page.getByRole("heading", { level: 1, name: "Promote v1.0 to PROD?" })).toBeVisible();
    await page.getByRole("link", { name: "Cancel" }).click();
    await expectVersion(page, { version: "1.0", stage: "TST", current: true });
    await button(page, "Promote to PROD").click();
    await button(page, "Promote to PROD").click();
    await expect(page).toHaveURL(versionPath(name, "1.0"));
    await expectFlash(page, "v1.0 promoted to PROD");
    await expectVersion(page, { version: "1.0", stage: "PROD", current: true });
    await expect(button(page, "Edit")).toBeDisabled();
    await expect(button(page, "Edit")).toHaveAttribute("title", "Cannot edit production versions");

    // Create New Version lands on the new draft's editor page.
    await button(page, "Create New Version").click();
    await expect(page).toHaveURL(`${versionPath(name, "1.1")}?edit=1`);
    await expect(page.getByLabel("Prompt", { exact: true })).toHaveValue(
      "Plain {{form}} text,\nedited without scripts.",
    );
    await button(page, "Cancel").click();
    await expectVersion(page, { version: "1.1", stage: "DEV", current: false });

    // Delete asks on a page, whose button posts.
    await button(page, "Delete").click();
    await expect(page.getByRole("heading", { level: 1, name: "Delete v1.1?" })).toBeVisible();
    await button(page, "Delete").click();
    await expect(page).toHaveURL(promptPath(name));
    await expectFlash(page, "Deleted v1.1");
    await expect(versionRow(page, "1.1")).toHaveCount(0);
    await expectVersionRow(page, "1.0", { stage: "PROD", current: true });
  } finally {
    await context.close();
  }
});

import type { Dialog, Page } from "@playwright/test";
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

/**
 * what a person types is never dropped without asking, and Test says which text
 * it runs — with "Save and test" for the text in the editor.
 */

/** Collects every dialog the page opens, answering each as told. */
function dialogs(page: Page, accept: boolean) {
  const seen: Array<{ type: string; message: string }> = [];
  const handler = async (dialog: Dialog) => {
    seen.push({ type: dialog.type(), message: dialog.message() });
    await (accept ? dialog.accept() : dialog.dismiss());
  };
  page.on("dialog", handler);
  return { seen, stop: () => page.off("dialog", handler) };
}

test("an untouched editor closes and leaves without a question", async ({ page, api }) => {
  const v = await api.createPrompt({ body: "Quiet {{x}}" });
  await page.goto(versionPath(v.prompt, "1.0"));
  const asked = dialogs(page, false);
  const editor = page.getByLabel("Prompt", { exact: true });
  await button(page, "Edit").click();
  await editor.press("Escape");
  await expect(editor).toBeHidden();
  await button(page, "Edit").click();
  await button(page, "Cancel").click();
  await expect(editor).toBeHidden();
  await button(page, "Edit").click();
  await page.getByRole("link", { name: "History" }).click();
  await expect(page).toHaveURL(`${promptPath(v.prompt)}/history`);
  expect(asked.seen).toEqual([]);
});

test("leaving the page with unsaved text asks first: a link, Back and reload", async ({ page, api }) => {
  const v = await api.createPrompt({ body: "Saved {{x}}" });
  await page.goto(promptPath(v.prompt));
  await page.goto(versionPath(v.prompt, "1.0"));
  await button(page, "Edit").click();
  const editor = page.getByLabel("Prompt", { exact: true });
  await editor.fill("Typed for an hour {{x}}");

  const stay = dialogs(page, false);
  await page.getByRole("link", { name: "Revisions" }).click();
  await expect.poll(() => stay.seen.length).toBe(1);
  expect(stay.seen[0]?.type).toBe("beforeunload");
  await expect(page).toHaveURL(versionPath(v.prompt, "1.0"));
  await expect(editor).toHaveValue("Typed for an hour {{x}}");

  await page.goBack({ timeout: 2_000 }).catch(() => undefined);
  await expect.poll(() => stay.seen.length).toBe(2);
  await expect(page).toHaveURL(versionPath(v.prompt, "1.0"));
  await expect(editor).toHaveValue("Typed for an hour {{x}}");

  await page.reload({ timeout: 2_000 }).catch(() => undefined);
  await expect.poll(() => stay.seen.length).toBe(3);
  await expect(editor).toHaveValue("Typed for an hour {{x}}");
  expect(stay.seen.map((d) => d.type)).toEqual(["beforeunload", "beforeunload", "beforeunload"]);
  stay.stop();

  // Saved text is not "unsaved": after Save, leaving asks nothing.
  await button(page, "Save").click();
  await expectFlash(page, "Saved v1.0, revision 2");
  const none = dialogs(page, false);
  await page.getByRole("link", { name: "Revisions" }).click();
  await expect(page).toHaveURL(`${versionPath(v.prompt, "1.0")}/revisions`);
  expect(none.seen).toEqual([]);
});

test("Test runs the saved text and says so; Save and test runs the editor's, with inputs for its new variables", async ({
  page,
  api,
}) => {
  const v = await api.createPrompt({ body: "Reply to {{customer}}. UNSAVED 1" });
  await page.goto(versionPath(v.prompt, "1.0"));
  await button(page, "Edit").click();
  const editor = page.getByLabel("Prompt", { exact: true });
  await expect(page.getByText("Test runs the saved text (revision 1), not what is in the editor")).toBeVisible();

  // A variable typed into the editor gets its input at once; the saved text's ones stay (Test needs them).
  await editor.fill("Reply to {{customer}} in a {{tone}} voice. UNSAVED 2");
  const tone = page.getByLabel("tone", { exact: true });
  await expect(tone).toBeVisible();
  await page.getByLabel("customer", { exact: true }).fill("Ada");
  await tone.fill("warm");

  // Plain Test: the saved revision 1, and the editor keeps its text.
  await button(page, "Test").click();
  const results = page.getByRole("region", { name: "Test results" });
  await expect(results).toContainText("on revision 1");
  await expect(results.getByRole("article", { name: "Case ad-hoc: passed" })).toContainText("UNSAVED 1");
  await expect(editor).toHaveValue("Reply to {{customer}} in a {{tone}} voice. UNSAVED 2");

  // Save and test: revision 2 is saved and tested, with the values typed; focus lands on the results.
  await button(page, "Save and test").click();
  await expect(editor).toBeHidden();
  await expect(results).toContainText("on revision 2");
  await expect(results.getByRole("article", { name: "Case ad-hoc: passed" })).toContainText(
    "Reply to Ada in a warm voice. UNSAVED 2",
  );
  await expectFlash(page, "Saved v1.0, revision 2, and tested it: passed");
  await expect(page.getByRole("heading", { name: "Test results" })).toBeFocused();
  await expectVersion(page, { version: "1.0", stage: "DEV", current: true, revision: 2 });
});

test("non-Latin variables typed into the editor get inputs and highlighting", async ({ page, api }) => {
  const v = await api.createPrompt({ body: "Привет, {{имя}}!" });
  await page.goto(versionPath(v.prompt, "1.0"));
  await expect(page.locator("mark.var")).toHaveText(["{{имя}}"]);
  await expect(page.getByLabel("имя", { exact: true })).toBeVisible();
  await button(page, "Edit").click();
  await page.getByLabel("Prompt", { exact: true }).fill("Привет, {{имя}}!\nمرحبا {{ العميل }}");
  await expect(page.getByLabel("العميل", { exact: true })).toBeVisible();
  await page.getByLabel("имя", { exact: true }).fill("Аня");
  await page.getByLabel("العميل", { exact: true }).fill("سارة");
  await button(page, "Save and test").click();
  const results = page.getByRole("region", { name: "Test results" });
  await expect(results.getByRole("article", { name: "Case ad-hoc: passed" })).toContainText("مرحبا سارة");
  await expect(page.locator("mark.var")).toHaveText(["{{имя}}", "{{ العميل }}"]);
});

test("after a save the address loses ?edit=1, so a reload shows the saved text, not the editor", async ({
  page,
  api,
}) => {
  const v = await api.createPrompt({ body: "First {{x}}" });
  await page.goto(versionPath(v.prompt, "1.0"));
  await button(page, "Create New Version").click();
  await expect(page).toHaveURL(`${versionPath(v.prompt, "1.1")}?edit=1`);
  const editor = page.getByLabel("Prompt", { exact: true });
  await editor.fill("Second {{x}}");
  await button(page, "Save").click();
  await expect(editor).toBeHidden();
  await expect(page).toHaveURL(versionPath(v.prompt, "1.1"));
  await page.reload();
  await expect(page.getByRole("region", { name: "Prompt text" })).toContainText("Second {{x}}");
  await expect(editor).toHaveCount(0);
});

test("a confirmed Cancel drops the text; refusing keeps it", async ({ page, api }) => {
  const v = await api.createPrompt({ body: "Keep {{x}}" });
  await page.goto(versionPath(v.prompt, "1.0"));
  await button(page, "Edit").click();
  const editor = page.getByLabel("Prompt", { exact: true });
  await editor.fill("Almost lost {{x}}");
  const no = answerNextDialog(page, false);
  await button(page, "Cancel").click();
  expect(await no).toContain("Discard your unsaved changes?");
  await expect(editor).toHaveValue("Almost lost {{x}}");
  expect((await api.version(v.prompt, "1.0")).revision).toBe(1);
});

test("a half-written test case or new prompt asks before the page is left", async ({ page, api }) => {
  const v = await api.createPrompt({ body: "Cases {{x}}" });
  await page.goto(`${promptPath(v.prompt)}/test-cases`);
  await page.getByRole("region", { name: "New test case" }).getByLabel("Name").fill("half-written");
  const stay = dialogs(page, false);
  await page.getByRole("link", { name: "Versions" }).click();
  await expect.poll(() => stay.seen.map((d) => d.type)).toEqual(["beforeunload"]);
  await expect(page).toHaveURL(`${promptPath(v.prompt)}/test-cases`);
  stay.stop();

  await page.goto("/");
  await page.getByRole("form", { name: "New prompt" }).getByLabel("First text").fill("A long first text");
  const again = dialogs(page, false);
  await page.getByRole("link", { name: "Settings" }).click();
  await expect.poll(() => again.seen.map((d) => d.type)).toEqual(["beforeunload"]);
  await expect(page).toHaveURL("/");
});

test("a variable's box being typed into keeps its place and focus while the boxes follow the editor", async ({
  page,
  api,
}) => {
  // The page's timers run on Playwright's clock: the editor's follow-up fires exactly when told.
  await page.clock.install();
  const v = await api.createPrompt({ body: "Saved {{x}}" });
  await page.goto(versionPath(v.prompt, "1.0"));
  await button(page, "Edit").click();
  await page.getByLabel("Prompt", { exact: true }).fill("Typed {{x}} and {{y}}");
  const x = page.getByLabel("x", { exact: true });
  await x.focus();
  await page.clock.runFor(1_000);
  await expect(page.getByLabel("y", { exact: true })).toBeVisible();
  await expect(x).toBeFocused();
  await page.keyboard.type("one\ntwo");
  await expect(x).toHaveValue("one\ntwo");
  await button(page, "Test").click();
  await expect(page.getByRole("region", { name: "Test results" })).toContainText("Saved one\ntwo");
});

test("Cancel and Esc close the editor without a console error; the key hints show with the script", async ({
  page,
  api,
}) => {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  const v = await api.createPrompt({ body: "Quiet {{x}}" });
  await page.goto(versionPath(v.prompt, "1.0"));
  await button(page, "Edit").click();
  await expect(page.getByText("saves,")).toBeVisible();
  await button(page, "Cancel").click();
  await expect(page.getByLabel("Prompt", { exact: true })).toBeHidden();
  await button(page, "Edit").click();
  await page.getByLabel("Prompt", { exact: true }).press("Escape");
  await expect(page.getByLabel("Prompt", { exact: true })).toBeHidden();
  expect(errors).toEqual([]);
});

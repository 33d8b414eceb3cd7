import { answerNextDialog, button, expect, expectFlash, markWindow, test, versionPath } from "./support/journeys.js";

/**
 * Pages left open while someone else acts (docs/api.md: an htmx request that fails shows its error
 * inline, never silently; UI.md: nothing a user typed is ever lost).
 */

test("a refused save keeps the editor and the text: the draft went to PROD meanwhile", async ({ page, api }) => {
  const v = await api.createPrompt({ body: "Before {{x}}" });
  await page.goto(versionPath(v.prompt, "1.0"));
  await button(page, "Edit").click();
  const editor = page.getByLabel("Prompt", { exact: true });
  await editor.fill("My unsaved words for {{x}}");
  const sameWindow = await markWindow(page);

  await api.promoteTo(v, "PROD");
  await button(page, "Save").click();
  await expectFlash(page, "Cannot edit production versions");
  await expect(editor).toHaveValue("My unsaved words for {{x}}");
  await sameWindow();
  expect((await api.version(v.prompt, "1.0")).body).toBe("Before {{x}}");
});

test("Delete on a draft someone else already deleted says so inline", async ({ page, api, request }) => {
  const v1 = await api.createPrompt({ body: "Keep {{x}}" });
  const draft = await api.createVersion(v1);
  await page.goto(versionPath(v1.prompt, draft.version));
  const sameWindow = await markWindow(page);

  const deleted = await request.post(`${versionPath(v1.prompt, draft.version)}/delete`, {
    headers: { Accept: "application/json" },
  });
  expect(deleted.ok()).toBe(true);
  const confirmed = answerNextDialog(page, true);
  await button(page, "Delete").click();
  await confirmed;
  await expect(page.getByRole("status").filter({ hasText: /v1\.1|not found/i })).toBeVisible();
  await expect(page).toHaveURL(versionPath(v1.prompt, draft.version));
  await sameWindow();
});

test("a stale Promote to TST button must not promote a TST version on to PROD", async ({ browser, api }) => {
  // The button posts the stage it means (to=TST); the server refuses when the version has moved on.
  const v = await api.createPrompt({ body: "Stale button {{x}}" });
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(versionPath(v.prompt, "1.0"));
    await expect(button(page, "Promote to TST")).toBeEnabled();
    await api.promote(v); // someone else: DEV → TST
    await button(page, "Promote to TST").click();
    // The refusal itself, then the stage once: no shortened test timeout or 2 s poll to lose on a
    // busy machine, and a wrong answer (a promotion to PROD) fails here with the page's words.
    await expectFlash(page, "v1.0 is in TST now, so it would go to PROD, not TST. Nothing was changed");
    expect((await api.version(v.prompt, "1.0")).stage).toBe("TST");
  } finally {
    await context.close();
  }
});

test("with unsaved text in the editor, Promote asks first; Test runs and leaves the editor alone", async ({
  page,
  api,
}) => {
  const v = await api.createPrompt({ body: "Saved {{x}}" });
  await page.goto(versionPath(v.prompt, "1.0"));
  await button(page, "Edit").click();
  const editor = page.getByLabel("Prompt", { exact: true });

  // Untouched editor: Promote goes straight through, no dialog.
  await button(page, "Promote to TST").click();
  await expectFlash(page, "v1.0 promoted to TST");
  await expect(editor).toBeHidden();

  await button(page, "Edit").click();
  await editor.fill("Typed, not saved, {{x}}");
  await page.getByLabel("x", { exact: true }).fill("one");
  await button(page, "Test").click();
  await expect(page.getByRole("region", { name: "Test results" })).toContainText("Saved one");
  await expect(editor).toHaveValue("Typed, not saved, {{x}}");

  // Promote to PROD: one dialog carries both the PROD question and the warning. No keeps everything.
  const dismissed = answerNextDialog(page, false);
  await button(page, "Promote to PROD").click();
  const question = await dismissed;
  expect(question).toContain("Promote v1.0 to PROD?");
  expect(question).toContain("unsaved text");
  await expect(editor).toHaveValue("Typed, not saved, {{x}}");
  expect((await api.version(v.prompt, "1.0")).stage).toBe("TST");

  // Edit again would reload the saved text over it: it asks too.
  const again = answerNextDialog(page, false);
  await button(page, "Edit").click();
  expect(await again).toContain("unsaved text");
  await expect(editor).toHaveValue("Typed, not saved, {{x}}");

  // Yes: the user chose to drop the text, and the promotion happens.
  const accepted = answerNextDialog(page, true);
  await button(page, "Promote to PROD").click();
  await accepted;
  await expectFlash(page, "v1.0 promoted to PROD");
  expect((await api.version(v.prompt, "1.0")).body).toBe("Saved {{x}}");
});

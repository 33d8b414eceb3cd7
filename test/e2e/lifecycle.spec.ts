import {
  answerNextDialog,
  button,
  expect,
  expectFlash,
  expectRail,
  expectVersion,
  expectVersionRow,
  markWindow,
  promptPath,
  test,
  versionPath,
  versionRow,
} from "./support/journeys.js";

/**
 * The five lifecycle journeys of docs/rules.md and docs/ui.md in Chromium with JavaScript on: every click goes to a
 * button found by its accessible name, and htmx swaps the answers into the page.
 */

test("create a prompt and edit the draft in place: Edit, Save, Ctrl+S and Esc", async ({ page, uniqueName }) => {
  const name = uniqueName("edit");
  await page.goto("/");
  const form = page.getByRole("form", { name: "New prompt" });
  await form.getByLabel("Name").fill(name);
  await form.getByLabel("Description").fill("Edited in place by the e2e journey");
  await form.getByLabel("First text").fill("Hello {{who}}, first text.");
  await form.getByRole("button", { name: "Create prompt" }).click();

  await expect(page).toHaveURL(versionPath(name, "1.0"));
  await expectFlash(page, `Created ${name}`);
  await expectVersion(page, { version: "1.0", stage: "DEV", current: true, revision: 1 });
  await expectRail(page, { DEV: "1.0", TST: null, PROD: null });
  const body = page.getByRole("region", { name: "Prompt text" });
  await expect(body).toContainText("Hello {{who}}, first text.");

  // Edit swaps the editor in: same window, same address.
  const sameWindow = await markWindow(page);
  await button(page, "Edit").click();
  const editor = page.getByLabel("Prompt", { exact: true });
  await expect(editor).toBeVisible();
  await expect(editor).toHaveValue("Hello {{who}}, first text.");
  await expect(editor).toBeFocused();
  await expect(page.getByText("Saves to v1.0 — no new version.")).toBeVisible();
  await expect(page).toHaveURL(versionPath(name, "1.0"));
  await sameWindow();

  await editor.fill("Hello {{who}}, second text.");
  await button(page, "Save").click();
  await expect(editor).toBeHidden();
  await expect(body).toContainText("Hello {{who}}, second text.");
  await expectFlash(page, "Saved v1.0, revision 2");
  await expectVersion(page, { version: "1.0", stage: "DEV", current: true, revision: 2 });
  await expect(page).toHaveURL(versionPath(name, "1.0"));
  await sameWindow();

  // Ctrl+S in the editor saves.
  await button(page, "Edit").click();
  await editor.fill("Hello {{who}}, saved with the keyboard.");
  await editor.press("Control+s");
  await expect(editor).toBeHidden();
  await expect(body).toContainText("Hello {{who}}, saved with the keyboard.");
  await expectVersion(page, { version: "1.0", stage: "DEV", current: true, revision: 3 });

  // Esc cancels: with typed text it asks first, and the text is dropped only on yes.
  await button(page, "Edit").click();
  await editor.fill("Hello, this text is thrown away.");
  const kept = answerNextDialog(page, false);
  await editor.press("Escape");
  expect(await kept).toContain("Discard your unsaved changes?");
  await expect(editor).toHaveValue("Hello, this text is thrown away.");
  const dropped = answerNextDialog(page, true);
  await editor.press("Escape");
  await dropped;
  await expect(editor).toBeHidden();
  await expect(body).toContainText("Hello {{who}}, saved with the keyboard.");
  await expect(body).not.toContainText("thrown away");
  await expectVersion(page, { version: "1.0", stage: "DEV", current: true, revision: 3 });

  // Cancel by its button does the same.
  await button(page, "Edit").click();
  await editor.fill("Also thrown away.");
  const cancelled = answerNextDialog(page, true);
  await button(page, "Cancel").click();
  await cancelled;
  await expect(editor).toBeHidden();
  await expect(body).toContainText("saved with the keyboard.");
  await sameWindow();

  // The server agrees: still v1.0, revision 3, and the list shows the new prompt in DEV.
  await page.reload();
  await expectVersion(page, { version: "1.0", stage: "DEV", current: true, revision: 3 });
  await page.goto(`/prompts?q=${name}`);
  const row = page.getByRole("row").filter({ has: page.getByRole("link", { name, exact: true }) });
  await expect(row.getByRole("link", { name: "v1.0" })).toBeVisible();
  await expect(row).toContainText("Edited in place by the e2e journey");
});

test("promote a draft DEV → TST → PROD; dismissing the PROD confirmation changes nothing", { tag: "@engine" }, async ({
  page,
  api,
}) => {
  const v = await api.createPrompt({ body: "Answer {{question}} briefly." });
  await page.goto(versionPath(v.prompt, "1.0"));
  await expectVersion(page, { version: "1.0", stage: "DEV", current: true });
  await expectRail(page, { DEV: "1.0", TST: null, PROD: null });
  await expect(button(page, "Promote to PROD")).toHaveCount(0);
  const sameWindow = await markWindow(page);

  await button(page, "Promote to TST").click();
  await expectFlash(page, "v1.0 promoted to TST");
  await expectVersion(page, { version: "1.0", stage: "TST", current: true });
  await expectRail(page, { DEV: null, TST: "1.0", PROD: null });
  await expect(button(page, "Promote to TST")).toHaveCount(0);

  // Dismissed: the browser asked, the answer was no, nothing moved.
  const dismissed = answerNextDialog(page, false);
  await button(page, "Promote to PROD").click();
  expect(await dismissed).toContain("Promote v1.0 to PROD?");
  await expectVersion(page, { version: "1.0", stage: "TST", current: true });
  expect((await api.version(v.prompt, "1.0")).stage).toBe("TST");

  const accepted = answerNextDialog(page, true);
  await button(page, "Promote to PROD").click();
  expect(await accepted).toContain("Promote v1.0 to PROD?");
  await expectFlash(page, "v1.0 promoted to PROD");
  await expectVersion(page, { version: "1.0", stage: "PROD", current: true });
  await expectRail(page, { DEV: null, TST: null, PROD: "1.0" });
  await sameWindow();

  // PROD: Edit disabled and saying why; no Promote at all.
  const edit = button(page, "Edit");
  await expect(edit).toBeDisabled();
  await expect(edit).toHaveAttribute("title", "Cannot edit production versions");
  await expect(edit).toHaveAccessibleDescription("Cannot edit production versions");
  await expect(page.getByRole("button", { name: /^Promote to/ })).toHaveCount(0);
  await expect(button(page, "Make Current")).toHaveCount(0);
  await expect(button(page, "Create New Version")).toBeEnabled();

  await page.goto(promptPath(v.prompt));
  await expectRail(page, { DEV: null, TST: null, PROD: "1.0" });
  await expectVersionRow(page, "1.0", { stage: "PROD", current: true });
});

test("ship a change: Create New Version from PROD, edit, promote; the old PROD stays as history", {
  tag: "@engine",
}, async ({ page, api }) => {
  const v = await api.promoteTo(await api.createPrompt({ body: "Reply to {{customer}} politely." }), "PROD");
  await page.goto(versionPath(v.prompt, "1.0"));
  await expectVersion(page, { version: "1.0", stage: "PROD", current: true });

  await button(page, "Create New Version").click();
  await expect(page).toHaveURL(`${versionPath(v.prompt, "1.1")}?edit=1`);
  await expectFlash(page, "Created v1.1 from v1.0");
  await expectVersion(page, { version: "1.1", stage: "DEV", current: false, revision: 1 });
  const editor = page.getByLabel("Prompt", { exact: true });
  await expect(editor).toHaveValue("Reply to {{customer}} politely.");

  await editor.fill("Reply to {{customer}} politely, and sign as {{agent}}.");
  await button(page, "Save").click();
  await expect(editor).toBeHidden();
  await expect(page.getByRole("region", { name: "Prompt text" })).toContainText("sign as {{agent}}");
  await expectVersion(page, { version: "1.1", stage: "DEV", current: false, revision: 2 });

  await button(page, "Promote to TST").click();
  await expectVersion(page, { version: "1.1", stage: "TST", current: true });
  await expectRail(page, { DEV: null, TST: "1.1", PROD: "1.0" });

  const confirmed = answerNextDialog(page, true);
  await button(page, "Promote to PROD").click();
  expect(await confirmed).toContain("v1.1");
  await expectVersion(page, { version: "1.1", stage: "PROD", current: true });
  await expectRail(page, { DEV: null, TST: null, PROD: "1.1" });

  await page.goto(promptPath(v.prompt));
  await expectVersionRow(page, "1.1", { stage: "PROD", current: true });
  await expectVersionRow(page, "1.0", { stage: "PROD", current: false });

  await versionRow(page, "1.0").getByRole("rowheader").getByRole("link").click();
  await expectVersion(page, { version: "1.0", stage: "PROD", current: false });
  await expect(page.getByRole("region", { name: "Prompt text" })).toContainText("Reply to {{customer}} politely.");
  await expect(button(page, "Make Current")).toBeVisible();
});

test("delete an unused draft after confirming; Delete is disabled on current, TST and PROD versions", async ({
  page,
  api,
}) => {
  const v1 = await api.createPrompt({ body: "Draft {{x}}" });
  const v11 = await api.createVersion(v1);
  expect(v11.version).toBe("1.1");

  // The current DEV draft cannot be deleted.
  await page.goto(versionPath(v1.prompt, "1.0"));
  const reason = "Only DEV drafts that are not current can be deleted";
  await expect(button(page, "Delete")).toBeDisabled();
  await expect(button(page, "Delete")).toHaveAccessibleDescription(reason);

  // The unused draft can: first a dismissed confirmation, then an accepted one.
  await page.goto(versionPath(v1.prompt, "1.1"));
  await expectVersion(page, { version: "1.1", stage: "DEV", current: false });
  const dismissed = answerNextDialog(page, false);
  await button(page, "Delete").click();
  expect(await dismissed).toContain("Delete draft v1.1?");
  await expect(page).toHaveURL(versionPath(v1.prompt, "1.1"));
  expect((await api.version(v1.prompt, "1.1")).version).toBe("1.1");

  const accepted = answerNextDialog(page, true);
  await button(page, "Delete").click();
  expect(await accepted).toContain("Delete draft v1.1?");
  await expect(page).toHaveURL(promptPath(v1.prompt));
  await expectFlash(page, "Deleted v1.1");
  await expect(versionRow(page, "1.1")).toHaveCount(0);
  await expectVersionRow(page, "1.0", { stage: "DEV", current: true });

  // TST and PROD versions are never deleted.
  await page.goto(versionPath(v1.prompt, "1.0"));
  await button(page, "Promote to TST").click();
  await expectVersion(page, { version: "1.0", stage: "TST", current: true });
  await expect(button(page, "Delete")).toBeDisabled();
  await expect(button(page, "Delete")).toHaveAccessibleDescription(reason);
  const confirmed = answerNextDialog(page, true);
  await button(page, "Promote to PROD").click();
  await confirmed;
  await expectVersion(page, { version: "1.0", stage: "PROD", current: true });
  await expect(button(page, "Delete")).toBeDisabled();
  await expect(button(page, "Delete")).toHaveAccessibleDescription(reason);

  // The number is never reused: the next draft is v1.2.
  await button(page, "Create New Version").click();
  await expect(page).toHaveURL(`${versionPath(v1.prompt, "1.2")}?edit=1`);
});

test("roll PROD back with Make Current on the older PROD version", { tag: "@engine" }, async ({
  page,
  api,
  request,
}) => {
  const v1 = await api.promoteTo(await api.createPrompt({ body: "Old PROD text for {{x}}" }), "PROD");
  const v11 = await api.save(await api.createVersion(v1), { body: "New PROD text for {{x}}" });
  await api.promoteTo(v11, "PROD");
  const runtime = () =>
    request.get(`${promptPath(v1.prompt)}/stages/prod`, { headers: { Accept: "text/plain" } }).then((r) => r.text());
  expect(await runtime()).toBe("New PROD text for {{x}}");

  await page.goto(versionPath(v1.prompt, "1.0"));
  await expectVersion(page, { version: "1.0", stage: "PROD", current: false });
  await expectRail(page, { DEV: null, TST: null, PROD: "1.1" });
  await expect(button(page, "Edit")).toBeDisabled();

  const confirmed = answerNextDialog(page, true);
  await button(page, "Make Current").click();
  expect(await confirmed).toContain("Roll PROD back to v1.0?");
  await expectFlash(page, "v1.0 is now the current PROD version");
  await expectVersion(page, { version: "1.0", stage: "PROD", current: true });
  await expectRail(page, { DEV: null, TST: null, PROD: "1.0" });
  await expect(button(page, "Make Current")).toHaveCount(0);
  expect(await runtime()).toBe("Old PROD text for {{x}}");

  await page.goto(promptPath(v1.prompt));
  await expectRail(page, { DEV: null, TST: null, PROD: "1.0" });
  await expectVersionRow(page, "1.0", { stage: "PROD", current: true });
  await expectVersionRow(page, "1.1", { stage: "PROD", current: false });

  // And forward again: v1.1 offers Make Current now.
  await page.goto(versionPath(v1.prompt, "1.1"));
  await expectVersion(page, { version: "1.1", stage: "PROD", current: false });
  await expect(button(page, "Make Current")).toBeVisible();
});

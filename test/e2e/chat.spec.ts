import { LangfuseClient } from "@langfuse/client";
import { answerNextDialog, button, expect, expectFlash, expectVersion, test, versionPath } from "./support/journeys.js";

/**
 * docs/rules.md, chat prompts: a chat prompt's whole life in the browser — created from the New prompt form, its
 * messages edited inline as rows (add, move, remove, a placeholder), tested, promoted to PROD —
 * and then read by an application through Langfuse's own SDK.
 */
test("a chat prompt from creation to PROD, read with @langfuse/client", { tag: "@engine" }, async ({
  page,
  uniqueName,
  baseURL,
}) => {
  const name = uniqueName("chat");
  await page.goto("/");
  const form = page.getByRole("form", { name: "New prompt" });
  await form.getByLabel("Name").fill(name);
  await form.getByRole("radio", { name: /Chat/ }).check();
  await form.getByLabel("First text").fill("You are a support agent for {{company}}.");
  await form.getByRole("button", { name: "Create prompt" }).click();
  await expect(page).toHaveURL(versionPath(name, "1.0"));
  const messages = page.getByRole("list", { name: "Messages" });
  await expect(messages.getByRole("listitem")).toHaveCount(1);
  await expect(messages).toContainText("system");

  // Edit the messages as rows, in place.
  await button(page, "Edit").click();
  await button(page, "Add message").click();
  const second = page.getByRole("textbox", { name: "Message 2 text" });
  await expect(second).toBeFocused();
  await second.fill("{{question}}");
  await button(page, "Add placeholder").click();
  await page.getByRole("textbox", { name: "Message 3 placeholder name" }).fill("history");
  // The conversation so far goes before the question: move the placeholder up.
  await page.getByRole("button", { name: "Move message 3 up" }).click();
  await expect(page.getByRole("combobox", { name: "Message 2 role" })).toHaveValue("placeholder");
  await expect(page.getByRole("textbox", { name: "Message 3 text" })).toHaveValue("{{question}}");
  await button(page, "Add message").click();
  await page.getByRole("textbox", { name: "Message 4 text" }).fill("thrown away");
  await page.getByRole("button", { name: "Remove message 4" }).click();
  await expect(page.getByRole("textbox", { name: "Message 4 text" })).toHaveCount(0);
  // Moved and removed rows are unsaved text too: Cancel asks first. Ctrl+S saves.
  const asked = answerNextDialog(page, false);
  await button(page, "Cancel").click();
  expect(await asked).toMatch(/Discard your unsaved changes/);
  await page.getByRole("textbox", { name: "Message 3 text" }).press("ControlOrMeta+s");
  await expectFlash(page, `Saved v1.0, revision 2`);
  await expectVersion(page, { version: "1.0", stage: "DEV", current: true, revision: 2 });
  await expect(messages.getByRole("listitem")).toHaveCount(3);
  await expect(messages.getByRole("listitem").nth(1)).toContainText("history");

  // Test with the ad-hoc values: the placeholder takes a JSON array of messages.
  await page.getByLabel("company").fill("Acme");
  await page.getByLabel("question").fill("Where is my order?");
  await page
    .getByLabel("history")
    .fill('[{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]');
  await button(page, "Test").click();
  const results = page.getByRole("region", { name: "Test results" });
  await expect(results.getByRole("article")).toContainText(
    "system: You are a support agent for Acme.\nuser: Hi\nassistant: Hello!\nuser: Where is my order?",
  );

  // Promote to TST, then to PROD (asked first).
  await button(page, "Promote to TST").click();
  await expectFlash(page, "v1.0 promoted to TST");
  const confirmed = answerNextDialog(page, true);
  await button(page, "Promote to PROD").click();
  expect(await confirmed).toMatch(/PROD/);
  await expectFlash(page, "v1.0 promoted to PROD");
  await expectVersion(page, { version: "1.0", stage: "PROD", current: true });

  // An application reads it with Langfuse's SDK, only the base URL changed.
  const langfuse = new LangfuseClient({ baseUrl: baseURL, publicKey: "pk-lf-app", secretKey: "sk-lf-app" });
  const prompt = await langfuse.prompt.get(name, { type: "chat" });
  expect([prompt.version, prompt.labels]).toEqual([1, ["production", "latest"]]);
  expect(
    prompt.compile({ company: "Acme", question: "Where is my order?" }, { history: [{ role: "user", content: "Hi" }] }),
  ).toEqual([
    { role: "system", content: "You are a support agent for Acme." },
    { role: "user", content: "Hi" },
    { role: "user", content: "Where is my order?" },
  ]);
});

test("without JavaScript the chat editor adds, moves and saves rows by round trips", async ({
  browser,
  uniqueName,
}) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  try {
    const name = uniqueName("chat-nojs");
    await page.goto("/");
    const form = page.getByRole("form", { name: "New prompt" });
    await form.getByLabel("Name").fill(name);
    await form.getByRole("radio", { name: /Chat/ }).check();
    await form.getByLabel("First text").fill("Be brief.");
    await form.getByRole("button", { name: "Create prompt" }).click();
    await expect(page).toHaveURL(versionPath(name, "1.0"));

    await button(page, "Edit").click();
    await button(page, "Add message").click();
    // The server answered the editor with one more row; nothing is saved yet.
    await page.getByRole("textbox", { name: "Message 2 text" }).fill("Hello {{name}}");
    await page.getByRole("combobox", { name: "Message 2 role" }).selectOption("assistant");
    await page.getByRole("button", { name: "Move message 2 up" }).click();
    await expect(page.getByRole("textbox", { name: "Message 1 text" })).toHaveValue("Hello {{name}}");
    await expect(page.getByRole("combobox", { name: "Message 1 role" })).toHaveValue("assistant");
    await button(page, "Save").click();
    await expect(page).toHaveURL(versionPath(name, "1.0"));
    await expectVersion(page, { version: "1.0", stage: "DEV", current: true, revision: 2 });
    const rows = page.getByRole("list", { name: "Messages" }).getByRole("listitem");
    await expect(rows.nth(0)).toContainText("assistant");
    await expect(rows.nth(0)).toContainText("Hello {{name}}");
    await expect(rows.nth(1)).toContainText("Be brief.");
  } finally {
    await context.close();
  }
});

test("a placeholder named after a refused save gets one JSON box in the Test panel, and the run fills it", async ({
  page,
  uniqueName,
}) => {
  // The page's timers run on Playwright's clock, so the test can make pending ones fire at will.
  await page.clock.install();
  const name = uniqueName("chat-slot");
  const created = await page.request.post("/prompts", {
    headers: { Accept: "application/json", "Content-Type": "application/json" },
    data: { name, type: "chat", messages: [{ role: "system", content: "Help {{company}}." }] },
  });
  expect(created.ok(), await created.text()).toBe(true);
  await page.goto(versionPath(name, "1.0"));
  await button(page, "Edit").click();
  await button(page, "Add placeholder").click();
  // The placeholder row says on screen what its field is, and its number.
  const slot = page
    .getByRole("listitem")
    .filter({ has: page.getByRole("textbox", { name: "Message 2 placeholder name" }) });
  await expect(slot.getByText("placeholder name", { exact: true })).toBeVisible();
  await expect(slot.locator(".msg-n")).toHaveText("Message 2");
  await expect(slot.locator(".msg-n")).toBeVisible();
  await button(page, "Save").click();
  // Refused: the message counts rows as the page does, from 1; the row says it too.
  await expectFlash(page, "Message 2: Name the placeholder like a variable");
  await expect(slot).toContainText("Name the placeholder like a variable");

  // Named and saved at once (the editor's variable follow-up is still pending when the save lands).
  await page.getByRole("textbox", { name: "Message 2 placeholder name" }).fill("history");
  await button(page, "Save").click();
  await expectFlash(page, "Saved v1.0, revision 2");
  const fields = page.locator("[name='var.history']");
  await expect(fields).toHaveCount(1);
  // Whatever the editor had still pending runs now: it must not add a second, empty box.
  await page.clock.runFor(1_000);
  await expect(fields).toHaveCount(1);
  await expect(fields).toHaveAttribute("placeholder", /"role": "user"/);
  await page.getByLabel("company").fill("Acme");
  await page.getByLabel("history").fill('[{"role": "user", "content": "Hi"}]');
  await button(page, "Test").click();
  await expect(page.getByRole("region", { name: "Test results" }).getByRole("article")).toContainText(
    "system: Help Acme.\nuser: Hi",
  );
});

import type { Page } from "@playwright/test";
import { button, expect, promptPath, test, versionPath } from "./support/journeys.js";
import { checkEachVariant } from "./support/screenshots.js";

/**
 * Full-page screenshots of every page, in light and dark and on a 390 px phone, for a person to
 * look at: test-results/screenshots/<variant>-<page>.png (gitignored), written when asked
 * (support/screenshots.ts). The test checks that every page renders without script errors,
 * never gets wider than the screen and has no WCAG 2.1 AA violation axe-core can find; how it
 * looks is for human eyes.
 * Each page is opened once and seen in the three variants in turn (support/screenshots.ts).
 */
test("screenshots of every page: light, dark and phone", { tag: "@screenshots" }, async ({ page, api }) => {
  test.setTimeout(180_000);
  const v1 = await api.createPrompt({
    description: "Replies to a customer's support ticket in the company's voice",
    body: "You are a support agent for {{company}}.\nReply to {{customer}} about:\n\n{{ticket}}\n\nBe brief and kind.",
    config: { model: "gpt-4o-mini", temperature: 0.2 },
  });
  await api.promoteTo(v1, "PROD");
  const v11 = await api.save(await api.createVersion(v1), {
    body: "You are a support agent for {{company}}.\nReply to {{customer}} by first name about:\n\n{{ticket}}\n\nBe brief, kind and concrete. Sign as {{agent}}.",
    config: { model: "gpt-4o-mini", temperature: 0.3 },
  });
  await api.promote(v11);
  const v12 = await api.createVersion(v11);
  const name = v1.prompt;
  const testCase = await page.request.post(`${promptPath(name)}/test-cases`, {
    headers: { Accept: "application/json", "Content-Type": "application/json" },
    data: {
      name: "refund-request",
      variables: { company: "Acme", customer: "Ada", ticket: "I want a refund", agent: "Sam" },
      assertions: [
        { type: "contains", value: "Ada" },
        { type: "max-length", value: 120 },
      ],
    },
  });
  expect(testCase.ok(), await testCase.text()).toBe(true);
  const classifier = await page.request.post(`${promptPath(name)}/test-cases`, {
    headers: { Accept: "application/json", "Content-Type": "application/json" },
    data: {
      name: "refund-json",
      variables: { company: "Acme", customer: "Ada", ticket: "Refund, please", agent: "Sam" },
      assertions: [{ type: "json" }, { type: "contains", value: "refund" }],
      echoOutput: '{"label": "refund"}',
    },
  });
  expect(classifier.ok(), await classifier.text()).toBe(true);
  await api.save(v12, {
    body: "You are a support agent for {{company}}.\nReply to {{customer}} by first name about:\n\n{{ticket}}\n\nرد باللغة العربية إذا كتب العميل بالعربية.\nBe brief, kind and concrete. Sign as {{agent}}.",
  });
  await api.createVersion(v12);
  const old = await api.createPrompt({ description: "The first try at triage, replaced by ticket-router" });
  const archived = await page.request.post(`${promptPath(old.prompt)}/archive`, {
    headers: { Accept: "application/json" },
  });
  expect(archived.ok(), await archived.text()).toBe(true);

  const chat = await page.request.post("/prompts", {
    headers: { Accept: "application/json", "Content-Type": "application/json" },
    data: {
      name: `${name}-chat`,
      type: "chat",
      config: { model: "gpt-4o-mini", temperature: 0.2 },
      messages: [
        { role: "system", content: "You are a support agent for {{company}}. Be brief and kind." },
        { role: "user", content: "My order {{order}} has not arrived." },
        { role: "assistant", content: "Sorry to hear that! Let me check {{order}} for you." },
        { type: "placeholder", name: "history" },
        { role: "user", content: "{{question}}" },
      ],
    },
  });
  expect(chat.ok(), await chat.text()).toBe(true);
  const shots: Array<{ page: string; open: (p: Page) => Promise<void> }> = [
    { page: "chat-version", open: (p) => p.goto(versionPath(`${name}-chat`, "1.0")).then(() => undefined) },
    {
      page: "chat-editor",
      open: async (p) => {
        await p.goto(versionPath(`${name}-chat`, "1.0"));
        await button(p, "Edit").click();
        await expect(p.getByRole("textbox", { name: "Message 1 text" })).toBeVisible();
      },
    },
    { page: "list", open: (p) => p.goto("/").then(() => undefined) },
    { page: "prompt", open: (p) => p.goto(promptPath(name)).then(() => undefined) },
    { page: "version", open: (p) => p.goto(versionPath(name, v11.version)).then(() => undefined) },
    {
      page: "version-editor",
      open: async (p) => {
        await p.goto(versionPath(name, v12.version));
        await button(p, "Edit").click();
        await expect(p.getByLabel("Prompt", { exact: true })).toBeVisible();
      },
    },
    {
      page: "version-test-results",
      open: async (p) => {
        await p.goto(versionPath(name, v12.version));
        await p.getByLabel("customer").fill("Grace");
        await button(p, "Test").click();
        await expect(p.getByRole("region", { name: "Test results" }).getByRole("article").first()).toBeVisible();
      },
    },
    { page: "version-prod", open: (p) => p.goto(versionPath(name, "1.0")).then(() => undefined) },
    {
      page: "compare",
      open: (p) => p.goto(`${promptPath(name)}/compare?from=1.0&to=${v11.version}`).then(() => undefined),
    },
    { page: "history", open: (p) => p.goto(`${promptPath(name)}/history`).then(() => undefined) },
    { page: "test-cases", open: (p) => p.goto(`${promptPath(name)}/test-cases`).then(() => undefined) },
    { page: "settings", open: (p) => p.goto("/settings/environments").then(() => undefined) },
    { page: "revisions", open: (p) => p.goto(`${versionPath(name, v12.version)}/revisions`).then(() => undefined) },
    { page: "test-runs", open: (p) => p.goto(`${versionPath(name, v12.version)}/tests`).then(() => undefined) },
    { page: "confirm", open: (p) => p.goto(`${versionPath(name, v11.version)}/promote`).then(() => undefined) },
    { page: "error", open: (p) => p.goto(`${versionPath(name, "1.0")}/delete`).then(() => undefined) },
    { page: "not-found", open: (p) => p.goto(versionPath(name, "9.9")).then(() => undefined) },
    { page: "confirm-delete", open: (p) => p.goto(`${versionPath(name, v12.version)}/delete`).then(() => undefined) },
    { page: "users", open: (p) => p.goto("/settings/users").then(() => undefined) },
    { page: "tokens", open: (p) => p.goto("/settings/tokens").then(() => undefined) },
    { page: "archived", open: (p) => p.goto("/prompts?archived=1").then(() => undefined) },
  ];

  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    // Error pages are answered with their real status (409, 404), which Chromium logs as a failed load.
    if (message.type() === "error" && !/status of 40[49]/.test(message.text()))
      problems.push(`console: ${message.text()}`);
  });
  for (const shot of shots) {
    await shot.open(page);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await checkEachVariant(page, shot.page);
  }
  expect(problems).toEqual([]);
});

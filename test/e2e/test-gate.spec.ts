import type { Page } from "@playwright/test";
import {
  answerNextDialog,
  button,
  expect,
  expectFlash,
  expectVersion,
  markWindow,
  promptPath,
  readEnvironments,
  test,
  versionPath,
} from "./support/journeys.js";

/**
 * TEST (docs/rules.md, TEST) in the browser: test cases, the Test button with its inline "Test results"
 * region, and the TST gate set on the Settings page. The gate is global, so these tests hold the
 * settings lock alone (see support/journeys.ts); the environments are put back afterwards.
 */
test.use({ settingsAccess: "exclusive" });
test.describe.configure({ mode: "serial" });

const GATE_REASON = "Needs a passing test of this revision";

async function addTestCase(
  page: Page,
  prompt: string,
  testCase: { name: string; variables: string; assertion: { type: string; value: string } },
) {
  await page.goto(`${promptPath(prompt)}/test-cases`);
  const form = page.getByRole("region", { name: "New test case" });
  await form.getByLabel("Name").fill(testCase.name);
  await form.getByLabel("Variables").fill(testCase.variables);
  await form.getByLabel("Assertion 1 type").selectOption(testCase.assertion.type);
  await form.getByLabel("Assertion 1 value").fill(testCase.assertion.value);
  await form.getByRole("button", { name: "Add test case" }).click();
  await expectFlash(page, `Added test case “${testCase.name}”`);
  await expect(page.getByRole("region", { name: `Test case ${testCase.name}` })).toBeVisible();
}

async function setGate(page: Page, stage: "TST" | "PROD", on: boolean) {
  await page.goto("/settings/environments");
  const form = page.getByRole("form", { name: `${stage} environment` });
  await form.getByRole("checkbox", { name: /Gate/ }).setChecked(on);
  await form.getByRole("button", { name: `Save ${stage}` }).click();
  await expectFlash(page, `Saved the ${stage} environment`);
  await expect(
    page.getByRole("form", { name: `${stage} environment` }).getByRole("checkbox", { name: /Gate/ }),
  ).toBeChecked({
    checked: on,
  });
}

test("test cases, Test with inline results, and the TST gate opening and closing on Promote", {
  tag: "@engine",
}, async ({ page, api, request }) => {
  const v = await api.createPrompt({ body: "Hello {{who}}!" });
  await addTestCase(page, v.prompt, {
    name: "greets-ada",
    variables: '{"who": "Ada"}',
    assertion: { type: "contains", value: "Hello Ada" },
  });
  await addTestCase(page, v.prompt, {
    name: "never-hello",
    variables: '{"who": "Bob"}',
    assertion: { type: "not-contains", value: "Hello" },
  });

  await setGate(page, "TST", true);
  expect((await readEnvironments(request)).TST.gate).toBe(true);

  // Not tested yet: Promote to TST is visible, disabled, and says why.
  await page.goto(versionPath(v.prompt, "1.0"));
  const results = page.getByRole("region", { name: "Test results" });
  await expect(results).toContainText("No test run yet");
  await expect(button(page, "Promote to TST")).toBeDisabled();
  await expect(button(page, "Promote to TST")).toHaveAccessibleDescription(GATE_REASON);
  const sameWindow = await markWindow(page);

  // A run with a failing case: ✓ and ✗ per case, and the gate stays shut. The request is held
  // back a moment to see the progress indicator.
  await page.getByLabel("who").fill("Grace");
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  await page.route("**/versions/1.0/test", async (route) => {
    await held;
    await route.continue();
  });
  await button(page, "Test").click();
  await expect(page.getByRole("status").filter({ hasText: "Running tests…" })).toBeVisible();
  release();
  await expect(results.getByRole("article", { name: "Case greets-ada: passed" })).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: "Running tests…" })).toBeHidden();
  await page.unroute("**/versions/1.0/test");
  const failing = results.getByRole("article", { name: "Case never-hello: failed" });
  await expect(failing).toContainText("✗");
  await expect(results.getByRole("article", { name: "Case greets-ada: passed" })).toContainText("✓");
  await expect(results.getByRole("article", { name: "Case ad-hoc: passed" })).toContainText("Hello Grace!");
  await expect(results).toContainText("✗ failed");
  await expect(button(page, "Promote to TST")).toBeDisabled();
  // A failed run is not good news: the message is a warning that counts the cases, not the green "done".
  const message = page.locator("#flash .flash");
  await expect(message).toHaveText("Tested v1.0: failed — 1 of 3 cases failed");
  await expect(message).toHaveClass(/flash-warn/);
  await expect(page.locator("#gate-note")).toContainText("passing test");
  await sameWindow();

  // The ad-hoc value is remembered for the prompt.
  await page.reload();
  await expect(page.getByLabel("who")).toHaveValue("Grace");

  // Drop the failing case; the next run passes and the button row opens without a reload.
  // It is shared by every version and has no history: Delete asks first.
  await page.goto(`${promptPath(v.prompt)}/test-cases`);
  const dismissed = answerNextDialog(page, false);
  await button(page, "Delete test case never-hello").click();
  expect(await dismissed).toContain("Delete test case “never-hello”?");
  await expect(page.getByRole("region", { name: "Test case never-hello" })).toBeVisible();
  const accepted = answerNextDialog(page, true);
  await button(page, "Delete test case never-hello").click();
  await accepted;
  await expectFlash(page, "Deleted test case “never-hello”");
  await expect(page.getByRole("region", { name: "Test case never-hello" })).toHaveCount(0);
  await page.goto(versionPath(v.prompt, "1.0"));
  await expect(button(page, "Promote to TST")).toBeDisabled();
  const noReload = await markWindow(page);
  await button(page, "Test").click();
  await expect(results.getByRole("article", { name: "Case greets-ada: passed" })).toBeVisible();
  await expect(results.getByRole("article", { name: /never-hello/ })).toHaveCount(0);
  await expect(results).toContainText("✓ passed");
  await expect(button(page, "Promote to TST")).toBeEnabled();
  // The gate's note under the buttons goes with it, without a reload.
  await expect(page.locator("#gate-note")).toBeEmpty();
  await expect(page.locator("#flash .flash")).toHaveClass(/flash-ok/);
  await noReload();

  // An edit after the passing run shuts the gate again: the run no longer matches the text.
  await button(page, "Edit").click();
  await page.getByLabel("Prompt", { exact: true }).fill("Hello {{who}}, welcome!");
  await button(page, "Save").click();
  await expectVersion(page, { version: "1.0", stage: "DEV", current: true, revision: 2 });
  await expect(button(page, "Promote to TST")).toBeDisabled();
  await expect(button(page, "Promote to TST")).toHaveAccessibleDescription(GATE_REASON);
  await expect(page.getByText(/edited since/)).toBeVisible();

  // Test the new text, then promote.
  await button(page, "Test").click();
  await expect(results.getByRole("article", { name: "Case ad-hoc: passed" })).toContainText("Hello Grace, welcome!");
  await expect(button(page, "Promote to TST")).toBeEnabled();
  await button(page, "Promote to TST").click();
  await expectFlash(page, "v1.0 promoted to TST");
  await expectVersion(page, { version: "1.0", stage: "TST", current: true });
  await noReload();

  // The gate on TST does not guard PROD: Promote to PROD is open on the TST version.
  await expect(button(page, "Promote to PROD")).toBeEnabled();
});

test("the gate refuses an untested promotion from the API too, and the Settings page turns it off", {
  tag: "@engine",
}, async ({ page, api, request }) => {
  const v = await api.createPrompt({ body: "Gated {{thing}}" });
  await setGate(page, "TST", true);
  const refused = await request.post(`${versionPath(v.prompt, "1.0")}/promote`, {
    headers: { Accept: "application/json", "Content-Type": "application/json" },
    data: {},
  });
  expect(refused.status()).toBe(409);
  expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("tests_required");

  await setGate(page, "TST", false);
  await page.goto(versionPath(v.prompt, "1.0"));
  await expect(button(page, "Promote to TST")).toBeEnabled();
  await button(page, "Promote to TST").click();
  await expectVersion(page, { version: "1.0", stage: "TST", current: true });
});

test("a JSON classifier behind the TST gate passes on echo with a test case's echo output", async ({ page, api }) => {
  const v = await api.createPrompt({
    body: 'Classify the ticket. Answer only JSON like {"label": "refund" | "bug" | "other"}.\n\nTicket: {{ticket}}',
  });
  await setGate(page, "TST", true);
  // Where the gate is set, the page says what echo is.
  await expect(page.getByRole("form", { name: "TST environment" })).toContainText(
    "The gate reads tests run in DEV, which uses echo",
  );

  await page.goto(`${promptPath(v.prompt)}/test-cases`);
  const form = page.getByRole("region", { name: "New test case" });
  await form.getByLabel("Name").fill("refund");
  await form.getByLabel("Variables").fill('{"ticket": "I want my money back"}');
  await form.getByLabel("Assertion 1 type").selectOption("json");
  await expect(form.getByLabel("Assertion 1 value")).toBeHidden();
  await form.getByLabel("Assertion 2 type").selectOption("contains");
  await form.getByLabel("Assertion 2 value").fill('"refund"');
  await form.getByLabel("Echo output").fill('{"label": "refund"}');
  await form.getByRole("button", { name: "Add test case" }).click();
  await expectFlash(page, "Added test case “refund”");

  await page.goto(versionPath(v.prompt, "1.0"));
  await expect(button(page, "Promote to TST")).toBeDisabled();
  await button(page, "Test").click();
  const results = page.getByRole("region", { name: "Test results" });
  await expect(results.getByRole("article", { name: "Case refund: passed" })).toContainText('{"label": "refund"}');
  await expect(results).toContainText("echo, no model called");
  await expect(button(page, "Promote to TST")).toBeEnabled();
  await button(page, "Promote to TST").click();
  await expectVersion(page, { version: "1.0", stage: "TST", current: true });
});

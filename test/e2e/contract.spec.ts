import type { Page } from "@playwright/test";
import { button, expect, expectFlash, promptPath, test, versionPath } from "./support/journeys.js";
import { checkEachVariant } from "./support/screenshots.js";

/**
 * The prompt contract in the browser (docs/contract.md, "In the editor"): the variables table
 * follows the text as it is typed, a declared variable reads like a signature once saved, a
 * refused save keeps everything typed with the JSON error's line and column, the promotion
 * preview says which changes break callers — with JavaScript and without it.
 */
const variableRow = (page: Page, name: string) =>
  page.locator("[data-variable-row]").filter({ has: page.locator(`input[name$='.name'][value='${name}']`) });

test("with JavaScript: rows follow the placeholders, the contract is saved and read as a signature", {
  tag: "@engine",
}, async ({ page, api }) => {
  const v = await api.createPrompt({ body: "Dear {{customer}}," });
  await page.goto(`${versionPath(v.prompt, v.version)}?edit=1`);
  const body = page.getByLabel("Prompt", { exact: true });
  await expect(variableRow(page, "customer")).toContainText("new");

  // Typing a placeholder adds its row, marked new; removing it takes an untouched row away.
  await body.fill("Dear {{customer}}, {{count}} item(s) in a {{tone}} tone.");
  await expect(page.locator("input[name$='.name']").nth(1)).toHaveValue("count");
  await expect(page.locator("input[name$='.name']").nth(2)).toHaveValue("tone");
  await body.fill("Dear {{customer}}, {{count}} item(s) in a {{tone}} tone. {{oops}}");
  await expect(page.locator("[data-variable-row] input[name$='.name']").nth(3)).toHaveValue("oops");
  await body.fill("Dear {{customer}}, {{count}} item(s) in a {{tone}} tone.");
  await expect(page.locator("[data-variable-row] input[name$='.name']").nth(3)).toHaveValue("");

  // Declare count as a number with a default and tone as an enum.
  const rows = page.locator("[data-variable-row]");
  await rows.nth(1).getByLabel("Type").selectOption("number");
  await rows.nth(1).getByLabel("Default").fill("1");
  await rows.nth(2).getByLabel("Type").selectOption("enum");
  await rows.nth(2).getByLabel("Enum values").fill("formal, casual");
  await rows.nth(0).getByLabel("Description").fill("The customer's first name");
  await checkEachVariant(page, "contract-editor");
  await button(page, "Save").click();
  await expectFlash(page, /Saved v1\.0, revision 2/);
  const contract = page.getByRole("region", { name: "Contract" });
  await expect(contract).toContainText("customer: string · count: number = 1 · tone: formal|casual");
  await checkEachVariant(page, "contract-view");
  const saved = await api.version(v.prompt, v.version);
  expect((saved as unknown as { variables: unknown[] }).variables).toHaveLength(3);
});

test("with JavaScript: a declared variable the text drops is greyed; bad tools JSON keeps the text", async ({
  page,
  api,
  request,
}) => {
  const v = await api.createPrompt({ body: "Hi {{a}} {{b}}" });
  const res = await request.post(`${versionPath(v.prompt, v.version)}/save`, {
    headers: { Accept: "application/json", "Content-Type": "application/json" },
    data: { body: "Hi {{a}} {{b}}", variables: [{ name: "a" }, { name: "b", type: "number" }] },
  });
  expect(res.ok()).toBe(true);
  await page.goto(`${versionPath(v.prompt, v.version)}?edit=1`);
  await page.getByLabel("Prompt", { exact: true }).fill("Hi {{a}}, my new words");
  await expect(variableRow(page, "b")).toHaveClass(/unused/);
  await expect(variableRow(page, "b")).toContainText("not in the text");

  await page.locator("details.json-field summary").first().click();
  const tools = page.locator("textarea[name=tools]");
  await tools.fill('[\n  {"type": "function",}\n]');
  await expect(page.locator("#tools-error")).toContainText(/Not JSON/);
  await button(page, "Save").click();
  await expect(page.locator("#tools-error")).toContainText("line 2, column 23");
  await expect(page.getByLabel("Prompt", { exact: true })).toHaveValue("Hi {{a}}, my new words");
  await expect(tools).toHaveValue('[\n  {"type": "function",}\n]');
  await checkEachVariant(page, "contract-refused");
});

test("the promotion preview and compare say which changes break callers", async ({ page, api, request }) => {
  const v = await api.createPrompt({ body: "Hi {{name}}" });
  await api.promote(v);
  const next = await api.createVersion(v);
  const res = await request.post(`${versionPath(next.prompt, next.version)}/save`, {
    headers: { Accept: "application/json", "Content-Type": "application/json" },
    data: {
      body: "Hi {{name}} in {{locale}}",
      variables: [{ name: "style", type: "enum", values: ["a"], default: "a" }],
    },
  });
  expect(res.ok()).toBe(true);
  // v1.1 (DEV) would replace v1.0 in TST: the preview says it breaks callers.
  await page.goto(versionPath(next.prompt, next.version));
  const preview = page.locator("details.preview");
  await expect(preview).toContainText("has changes that break callers");
  await expect(preview).toContainText("breaks callers");
  await checkEachVariant(page, "contract-preview");
  await page.goto(`${promptPath(v.prompt)}/compare?from=1.0&to=1.1`);
  const changes = page.getByRole("region", { name: "Contract changes" });
  await expect(changes).toContainText(
    "v1.1 adds required variable locale with no default: callers that don't send it will fail",
  );
  await expect(changes.locator("li").first()).toContainText("breaks callers");
  await checkEachVariant(page, "contract-compare");
});

test("without JavaScript: the variables table is a form round trip", async ({ browser, api }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  try {
    const v = await api.createPrompt({ body: "Dear {{customer}}, {{count}} item(s)" });
    await page.goto(`${versionPath(v.prompt, v.version)}?edit=1`);
    const rows = page.locator("[data-variable-row]");
    await expect(rows.nth(0).locator("input[name$='.name']")).toHaveValue("customer");
    await rows.nth(1).getByLabel("Type").selectOption("number");
    await rows.nth(1).getByLabel("Default").fill("many");
    await button(page, "Save").click();
    // Refused: the editor comes back with what was typed and the reason at its row.
    await expect(page.locator(".field-error", { hasText: "The default must be a number" })).toBeVisible();
    await expect(page.locator(".flash-error")).toContainText("Variable count: The default must be a number");
    await expect(rows.nth(1).getByLabel("Default")).toHaveValue("many");
    await rows.nth(1).getByLabel("Default").fill("2");
    await button(page, "Save").click();
    await expect(page).toHaveURL(versionPath(v.prompt, v.version));
    await expect(page.getByRole("region", { name: "Contract" })).toContainText("count: number = 2 · customer: string");
  } finally {
    await context.close();
  }
});

import { expectAccessible } from "./support/axe.js";
import { expect, test } from "./support/fixtures.js";

/** The page loads with our scripts and styles running under the strict Content-Security-Policy. */
test("the home page renders, with htmx running and nothing refused by the CSP", async ({ page }) => {
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("response", (response) => {
    if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`);
  });

  const response = await page.goto("/");
  expect(response?.status()).toBe(200);
  await expect(page.getByRole("heading", { level: 1, name: "Prompts" })).toBeVisible();
  await expect(page).toHaveTitle(/Promptrail/);
  // htmx is served by us and actually executed: a CSP refusal would leave it undefined.
  await expect.poll(() => page.evaluate(() => typeof (window as { htmx?: unknown }).htmx)).toBe("object");
  expect(
    problems.filter((p) => /Content Security Policy/i.test(p)),
    "CSP refusals",
  ).toEqual([]);
  expect(problems, "console errors, page errors and failed requests").toEqual([]);
});

test("/healthz answers ok", async ({ request }) => {
  const response = await request.get("/healthz", { headers: { Accept: "application/json" } });
  expect(response.status()).toBe(200);
  expect(await response.json()).toEqual({ ok: true });
});

test("a prompt created through the API fixture is listed", { tag: "@engine" }, async ({ page, api }) => {
  const created = await api.createPrompt({ body: "Hello {{who}}" });
  expect(created).toMatchObject({ version: "1.0", stage: "DEV", current: true });
  await page.goto(`/prompts?q=${created.prompt}`);
  await expect(page.getByRole("link", { name: created.prompt })).toBeVisible();
});

/**
 * WCAG 1.4.1: the prompt's name in a page's heading ("qa › v1.0") is a link in running text, so
 * it is underlined, not told apart by its colour alone. axe-core counts it as running text only
 * when the name is shorter than the rest of the heading: a short name.
 */
test("a prompt with a short name: its link in each page's heading passes axe-core", async ({ page, api }) => {
  const created = await api.createPrompt({ name: "qa", body: "Hello {{who}}" });
  for (const path of ["versions/1.0", "history", "compare", "versions/1.0/tests", "versions/1.0/revisions"]) {
    await page.goto(`/prompts/${created.prompt}/${path}`);
    await expectAccessible(page, path);
  }
});

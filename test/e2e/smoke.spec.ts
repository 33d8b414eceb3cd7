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

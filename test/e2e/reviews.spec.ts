import type { BrowserContext, Page } from "@playwright/test";
import { expect, test } from "./support/fixtures.js";
import { checkEachVariant } from "./support/screenshots.js";
import { securedServer } from "./support/secured-server.js";

/**
 * Review before PROD in the browser: a releaser asks for review instead of promoting, cannot
 * approve their own request (the button says why), a second releaser approves from the list of
 * open reviews, and the audit names both.
 */
const server = securedServer("reviews");
const VERSION = "/prompts/welcome/versions/1.0";
let token = "";

test.beforeAll(async ({ engine }) => {
  token = await server.start(
    [
      ["ada", "admin"],
      ["rita", "releaser"],
      ["remy", "releaser"],
      ["vera", "viewer"],
    ],
    engine,
  );
  const body = "Welcome {{customer}} to the service.\n\nKeep it short.";
  expect((await server.api(token, "POST", "/prompts", { name: "welcome", body })).status).toBe(201);
  expect((await server.api(token, "POST", `${VERSION}/promote`, {})).status).toBe(200);
  expect((await server.api(token, "POST", "/settings/environments/PROD", { approvals: 1 })).status).toBe(200);
});

test.afterAll(() => server.stop());

test("a releaser asks for review; they cannot approve it themselves; another releaser approves and PROD moves; the audit names both", async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const rita = await server.signedIn(browser, "rita", VERSION);
  rita.page.once("dialog", (dialog) => void dialog.accept());
  await rita.page.getByRole("button", { name: "Request review", exact: true }).click();
  await expect(rita.page).toHaveURL(/\/reviews\/\d+$/);
  const reviewPath = new URL(rita.page.url()).pathname;
  await expect(rita.page.getByRole("status").filter({ hasText: "asked for" })).toBeVisible();
  const own = rita.page.getByRole("button", { name: "Approve", exact: true });
  await expect(own).toBeDisabled();
  await expect(own).toHaveAccessibleDescription("You asked for this review: someone else must approve or reject it");
  await rita.page.goto(VERSION);
  await expect(rita.page.getByRole("note").filter({ hasText: "is open" })).toBeVisible();

  const remy = await server.signedIn(browser, "remy", "/reviews?state=open");
  await remy.page.getByRole("link", { name: reviewPath.replace("/reviews/", "#") }).click();
  await expect(remy.page).toHaveURL(reviewPath);
  await expect(remy.page.getByRole("heading", { name: "Test results" })).toBeVisible();
  await remy.page.getByLabel("Comment (optional)").fill("Short and kind: ship it");
  await remy.page.getByRole("button", { name: "Approve", exact: true }).click();
  await expect(remy.page.getByRole("status").filter({ hasText: "now the current PROD version" })).toBeVisible();
  await expect(remy.page.getByText("Short and kind: ship it")).toBeVisible();

  await remy.page.goto("/audit?stage=PROD");
  const row = remy.page.getByRole("row").filter({ hasText: "rita" });
  await expect(row).toHaveCount(1);
  await expect(row.getByRole("link", { name: reviewPath.replace("/reviews/", "#") })).toBeVisible();
  await rita.context.close();
  await remy.context.close();
});

test("screenshots of the review (with and without a comparison), reviews, audit and settings pages: light, dark, phone", {
  tag: "@screenshots",
}, async ({ browser }) => {
  test.setTimeout(240_000);
  const asked = await server.api(token, "POST", "/prompts", { name: "shot", body: "Hello {{name}}" });
  expect(asked.status).toBe(201);
  const path = "/prompts/shot/versions/1.0";
  await server.api(token, "POST", `${path}/promote`, {});
  await server.api(token, "POST", `${path}/test`, { variables: { name: "Ada" } });
  const review = await server.api(token, "POST", `${path}/promote`, { to: "PROD" });
  // welcome is in PROD since the journey: a new version of it, compared with PROD, then asked for review.
  const added = await server.api(token, "POST", "/prompts/welcome/test-cases", {
    name: "greets",
    variables: { customer: "Ada" },
    assertions: [{ type: "contains", value: "Ada" }],
  });
  expect(added.status).toBe(201);
  const next = (await server.api(token, "POST", `${VERSION}/new`, {})).json.version as string;
  const candidate = `/prompts/welcome/versions/${next}`;
  await server.api(token, "POST", `${candidate}/promote`, {});
  const compared = await server.api(token, "POST", "/prompts/welcome/comparisons", { candidate: next });
  expect(compared.status).toBe(201);
  const line = (compared.json.summary as { line: string }).line;
  const withComparison = await server.api(token, "POST", `${candidate}/promote`, { to: "PROD" });
  expect(withComparison.status).toBe(202);
  const pages: Array<{ name: string; as: string; path: string }> = [
    { name: "review-open", as: "vera", path: `/reviews/${review.json.id}` },
    { name: "review-compared", as: "vera", path: `/reviews/${withComparison.json.id}` },
    { name: "reviews", as: "vera", path: "/reviews?state=open" },
    { name: "audit", as: "vera", path: "/audit" },
    { name: "version-request-review", as: "vera", path: VERSION.replace("welcome", "shot") },
    { name: "settings", as: "ada", path: "/settings/environments" },
  ];
  const sessions = new Map<string, BrowserContext>();
  for (const shot of pages) {
    let context = sessions.get(shot.as);
    if (!context) {
      context = (await server.signedIn(browser, shot.as, shot.path)).context;
      sessions.set(shot.as, context);
    }
    const page: Page = context.pages()[0] ?? (await context.newPage());
    await page.goto(shot.path);
    if (shot.name === "review-compared") await expect(page.getByRole("link", { name: line })).toBeVisible();
    if (shot.name === "review-open") {
      await expect(page.getByText("No comparison of this content yet")).toBeVisible();
      await expect(page.getByRole("button", { name: "Compare with PROD" })).toHaveAccessibleDescription(
        "PROD has no current version to compare with",
      );
    }
    await checkEachVariant(page, `reviews-${shot.name}`);
  }
  for (const context of sessions.values()) await context.close();
});

import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, expectFlash, promptPath, test, versionPath } from "./support/journeys.js";
import { checkEachVariant } from "./support/screenshots.js";

/**
 * Evaluating a change in the browser (docs/evaluate.md): a dataset uploaded on the test cases
 * page, Compare with PROD on a draft, the comparison page with its progress and then broken
 * cases first, both outputs side by side; with JavaScript and without.
 */
const DATASET = ["name,var:name,expected", "greets Ada,Ada,Hello", '"says hi, Bob",Bob,Hi', "names Cy,Cy,Cy"].join(
  "\n",
);

for (const javaScriptEnabled of [true, false])
  test.describe(javaScriptEnabled ? "with JavaScript" : "without JavaScript", () => {
    test.use({ javaScriptEnabled });

    test("import a dataset, Compare with PROD, read what broke", async ({ page, api }) => {
      test.setTimeout(180_000); // screenshots and axe audits of three pages, light and dark
      const v1 = await api.createPrompt({ body: "Hello {{name}}" });
      await api.promoteTo(v1, "PROD");
      const draft = await api.createVersion(await api.version(v1.prompt, "1.0"));
      await api.save(draft, { body: "Hi {{name}}" });

      const file = join(tmpdir(), `${v1.prompt}.csv`);
      writeFileSync(file, DATASET);
      await page.goto(`${promptPath(v1.prompt)}/test-cases`);
      await page.getByLabel("Dataset file").setInputFiles(file);
      await page.getByRole("button", { name: "Import", exact: true }).click();
      await expectFlash(page, "Imported 3 test cases");
      await expect(page.getByRole("region", { name: "Test case says hi, Bob" })).toBeVisible();
      if (javaScriptEnabled) await checkEachVariant(page, "test-cases-import");

      await page.goto(versionPath(v1.prompt, draft.version));
      await page.getByRole("button", { name: "Compare with PROD" }).click();
      await expect(page).toHaveURL(/\/comparisons\/\d+$/);
      // The page refreshes itself until the comparison is done (htmx polling, or a meta refresh).
      await expect(page.getByText(`v${draft.version} vs PROD v1.0: 1 same, 1 fixed, 1 broke`)).toBeVisible({
        timeout: 15_000,
      });
      const cases = page.locator("article.compared-case h3");
      await expect(cases.first()).toContainText("Broke");
      await expect(cases.first()).toContainText("greets Ada");
      await expect(cases.nth(1)).toContainText("Fixed");
      const broke = page.locator("article.compared-case").first();
      await expect(broke.getByLabel("Candidate output")).toHaveText("Hi Ada");
      await expect(broke.getByLabel("Baseline output")).toHaveText("Hello Ada");
      await expect(broke.getByRole("listitem")).toContainText("passed on the baseline, does not pass on the candidate");
      if (javaScriptEnabled) {
        await broke.getByText("Output diff (baseline → candidate)").click();
        await checkEachVariant(page, "comparison");
      }

      await page.goto(versionPath(v1.prompt, draft.version));
      await page.getByRole("link", { name: /vs PROD v1\.0/ }).click();
      await expect(page).toHaveURL(/\/comparisons\/\d+$/);
      await page.goto(`${promptPath(v1.prompt)}/comparisons`);
      await expect(page.getByRole("link", { name: `v${draft.version} vs v1.0` })).toBeVisible();
      if (javaScriptEnabled) await checkEachVariant(page, "comparisons");
    });
  });

import { describe, expect, test } from "vitest";
import { expectPage, freshApp } from "./support/http.js";

/** docs/rules.md, TEST: `{{имя}}` and `{{ العميل }}` are variables — highlighted, listed, asked for, and required. */
describe("non-Latin variable names", () => {
  const body = "Привет, {{имя}}!\nمرحبا {{ العميل }}";

  test("the version page highlights them, lists them and gives each an ad-hoc input", async () => {
    const { page, create } = await freshApp();
    await create("greet", body);
    const html = await expectPage(await page("/prompts/greet/versions/1.0"));
    expect(html).toContain('<mark class="var">{{имя}}</mark>');
    expect(html).toContain('<mark class="var">{{ العميل }}</mark>');
    expect(html).toContain('<code class="var-name">имя</code>');
    expect(html).toContain('<code class="var-name">العميل</code>');
    expect(html).toContain('name="var.имя"');
    expect(html).toContain('name="var.العميل"');
  });

  test("a TEST without their values errs instead of passing with the placeholders left in", async () => {
    const { api, create } = await freshApp();
    await create("greet", body);
    const run = await api("POST", "/prompts/greet/versions/1.0/test", {});
    expect(run.body.status).toBe("error");
    expect(run.body.results[0].error).toMatch(/имя, العميل/);
  });

  test("a form TEST fills them from their inputs", async () => {
    const { form, api, create } = await freshApp();
    await create("greet", body);
    await form("/prompts/greet/versions/1.0/test", { "var.имя": "Аня", "var.العميل": "سارة" });
    const runs = await api("GET", "/prompts/greet/versions/1.0/tests");
    expect(runs.body.runs[0]).toMatchObject({ status: "passed" });
    expect(runs.body.runs[0].results[0].output).toBe("Привет, Аня!\nمرحبا سارة");
  });
});

import { describe, expect, test } from "vitest";
import { attr, control, hasAttr } from "./support/html.js";
import { expectPage, expectSeeOther, freshApp } from "./support/http.js";

/** A test case form as a browser sends it: repeated a_type / a_value fields, one pair per row. */
function caseForm(fields: { name: string; variables?: string; rows?: Array<[string, string]>; echoOutput?: string }) {
  const body = new URLSearchParams({ name: fields.name, variables: fields.variables ?? "" });
  for (const [type, value] of fields.rows ?? []) {
    body.append("a_type", type);
    body.append("a_value", value);
  }
  if (fields.echoOutput !== undefined) body.append("echoOutput", fields.echoOutput);
  return body;
}

async function post(client: Awaited<ReturnType<typeof freshApp>>, path: string, body: URLSearchParams) {
  return client.request(path, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", accept: "text/html" },
    body: body.toString(),
  });
}

/** The field errors of a section of the page, in order. */
const fieldErrors = (html: string) =>
  [...html.matchAll(/<p id="[^"]*" class="field-error">([^<]*)<\/p>/g)].map((m) => m[1]);

describe("test case form: every field's error at once", () => {
  test("a bad name, variables that are not JSON and two bad assertions are all reported", async () => {
    const client = await freshApp();
    await client.create("p", "Hi {{who}}");
    const before = await client.dump();
    const res = await post(
      client,
      "/prompts/p/test-cases",
      caseForm({
        name: "ad-hoc",
        variables: '{"who": "Ada"',
        rows: [
          ["regex", "("],
          ["max-length", "lots"],
        ],
      }),
    );
    const html = await expectPage(res, 422);
    const errors = fieldErrors(html);
    expect(errors).toHaveLength(4);
    expect(errors[0]).toMatch(/reserved/);
    expect(errors[1]).toMatch(/JSON object/);
    expect(errors[2]).toMatch(/regular expression/);
    expect(errors[3]).toMatch(/whole number/);
    expect(html).toMatch(/class="flash flash-error">[^<]*4 problems/);
    // What was typed stays in the form.
    expect(html).toContain("{&quot;who&quot;: &quot;Ada&quot;");
    expect(html).toContain('value="lots"');
    expect(await client.dump()).toEqual(before);
  });

  test("each error is tied to its field for screen readers", async () => {
    const client = await freshApp();
    await client.create("p", "Hi");
    const html = await expectPage(
      await post(client, "/prompts/p/test-cases", caseForm({ name: "", variables: "[" })),
      422,
    );
    const name = /<input id="case-new-name"[^>]*>/.exec(html)?.[0] ?? "";
    expect(attr(name, "aria-invalid")).toBe("true");
    expect(html).toContain(`id="${attr(name, "aria-describedby")}" class="field-error"`);
  });
});

describe("test case form: rows, sizes and values", () => {
  test("a new case offers three assertion rows and, with JavaScript, a way to add more", async () => {
    const client = await freshApp();
    await client.create("p", "Hi {{a}} {{b}} {{c}} {{d}}");
    const html = await expectPage(await client.page("/prompts/p/test-cases"));
    const form = /<section id="case-new"[\s\S]*?<\/section>/.exec(html)?.[0] ?? "";
    expect(form.match(/name="a_type"/g)).toHaveLength(3);
    const add = control(form, "Add assertion");
    expect(hasAttr(add.attrs, "hidden")).toBe(true); // shown by app.js; without it, save and come back
    expect(attr(add.attrs, "type")).toBe("button");
    // The prefilled variables fit the box, closing brace included.
    const rows = Number(/<textarea id="case-new-variables"[^>]*rows="(\d+)"/.exec(form)?.[1]);
    expect(rows).toBeGreaterThanOrEqual(6);
  });

  test("a json assertion has no value field; a value sent for it by a form is ignored", async () => {
    const client = await freshApp();
    await client.create("p", "{}");
    const res = await post(client, "/prompts/p/test-cases", caseForm({ name: "is-json", rows: [["json", "stray"]] }));
    expectSeeOther(res, "/prompts/p/test-cases");
    const cases = await client.api("GET", "/prompts/p/test-cases");
    expect(cases.body.testCases[0].assertions).toEqual([{ type: "json", value: null }]);
    const html = await expectPage(await client.page("/prompts/p/test-cases"));
    const row =
      /<div class="assertion-row"[^>]*>(?:(?!<\/div>)[\s\S])*?<option value="json" selected=""[\s\S]*?<\/div>/.exec(
        html,
      )?.[0];
    expect(row).toMatch(/<input[^>]*name="a_value"[^>]*hidden/);
  });
});

describe("deleting a test case asks first", () => {
  test("without JavaScript: the Delete button leads to a confirmation page naming the case and the prompt", async () => {
    const client = await freshApp();
    await client.create("p", "Hi");
    const { body } = await client.api("POST", "/prompts/p/test-cases", { name: "smoke" });
    const html = await expectPage(await client.page("/prompts/p/test-cases"));
    const del = control(html, "Delete test case smoke");
    expect(del.form).toMatchObject({ method: "get", action: `/prompts/p/test-cases/${body.id}/delete` });
    expect(attr(del.attrs, "hx-confirm")).toMatch(/smoke.*Every version of p/s);
    expect(attr(del.attrs, "hx-post")).toBe(`/prompts/p/test-cases/${body.id}/delete`);
    const confirm = await expectPage(await client.page(`/prompts/p/test-cases/${body.id}/delete`));
    expect(confirm).toContain("Delete test case “smoke”?");
    expect(confirm).toContain('href="/prompts/p"');
    expect(control(confirm, "Delete").form).toMatchObject({
      method: "post",
      action: `/prompts/p/test-cases/${body.id}/delete`,
    });
    expect((await client.api("GET", "/prompts/p/test-cases")).body.testCases).toHaveLength(1);
  });

  test("with htmx: the confirmed POST deletes and sends the browser back to the test cases", async () => {
    const client = await freshApp();
    await client.create("p", "Hi");
    const { body } = await client.api("POST", "/prompts/p/test-cases", { name: "smoke" });
    const res = await client.htmx(`/prompts/p/test-cases/${body.id}/delete`, {});
    expect(res.status).toBe(200);
    expect(res.headers.get("hx-redirect")).toBe("/prompts/p/test-cases");
    expect((await client.api("GET", "/prompts/p/test-cases")).body.testCases).toHaveLength(0);
  });
});

describe("the echo provider says what it is", () => {
  test("a test case's echo output is in its JSON and its form", async () => {
    const client = await freshApp();
    await client.create("p", "Classify {{t}}");
    const created = await client.api("POST", "/prompts/p/test-cases", { name: "c", echoOutput: '{"label":"x"}' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: created.body.id,
      name: "c",
      variables: {},
      assertions: [],
      echoOutput: '{"label":"x"}',
    });
    const html = await expectPage(await client.page("/prompts/p/test-cases"));
    expect(html).toMatch(
      /<textarea id="case-\d+-echo" name="echoOutput"[^>]*>\{&quot;label&quot;:&quot;x&quot;\}<\/textarea>/,
    );
  });

  test("the settings page says echo calls no model, at the gate that reads echo runs", async () => {
    const client = await freshApp();
    const html = await expectPage(await client.page("/settings/environments"));
    expect(html).toContain("<strong>echo</strong> calls no model");
    expect(html).toContain("The gate reads tests run in DEV, which uses echo");
    expect(html).toContain("The gate reads tests run in TST, which uses echo");
    await client.api("POST", "/settings/environments/DEV", { provider: "openai", apiKeyEnv: null });
    const after = await expectPage(await client.page("/settings/environments"));
    expect(after).not.toContain("The gate reads tests run in DEV");
  });

  test("a run on echo says no model was called", async () => {
    const client = await freshApp();
    await client.create("p", "Hi", { config: { model: "gpt-4o" } });
    await client.form("/prompts/p/versions/1.0/test");
    const html = await expectPage(await client.page("/prompts/p/versions/1.0"));
    expect(html).toContain("echo, no model called");
    expect(html).not.toContain("echo (gpt-4o)");
  });
});

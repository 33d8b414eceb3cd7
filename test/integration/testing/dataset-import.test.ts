import { describe, expect, test } from "vitest";
import { expectError, expectPage, freshApp } from "../http/support/http.js";

const JSON_BODY = { accept: "application/json", "content-type": "application/json" };

async function importJson(client: Awaited<ReturnType<typeof freshApp>>, body: unknown) {
  const res = await client.request("/prompts/p/test-cases/import", {
    method: "POST",
    headers: JSON_BODY,
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

const jsonl = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join("\n");

describe("datasets: importing test cases", () => {
  test("JSON Lines adds every case, in file order, with its assertions", async () => {
    const client = await freshApp();
    await client.create("p", "Hello {{name}}");
    const res = await importJson(client, {
      format: "jsonl",
      content: `${jsonl([
        { name: "Ada", variables: { name: "Ada" }, assertions: [{ type: "contains", value: "Ada" }] },
        { name: "Bob", variables: { name: "Bob" }, assertions: [{ type: "judge", value: "Polite", threshold: 0.5 }] },
      ])}\n\n`,
    });
    expect(res.status).toBe(201);
    expect(res.body.imported).toBe(2);
    expect(res.body.warnings).toEqual([]);
    expect(res.body.testCases.map((c: { name: string }) => c.name)).toEqual(["Ada", "Bob"]);
    expect(res.body.testCases[1].assertions).toEqual([{ type: "judge", value: "Polite", threshold: 0.5 }]);
  });

  test("CSV: name, one column per variable (var:name for a variable called name), expected is a contains assertion", async () => {
    const client = await freshApp();
    await client.create("p", "Hello {{name}}");
    const content = '\uFEFFname,var:name,expected\n"first, with comma",x,Hello\nsecond,"two\nlines",\n';
    const res = await client.request("/prompts/p/test-cases/import", {
      method: "POST",
      headers: { accept: "application/json", "content-type": "text/csv" },
      body: content,
    });
    const body = await res.json();
    expect(res.status, JSON.stringify(body)).toBe(201);
    expect(body.testCases).toEqual([
      {
        id: expect.any(Number),
        name: "first, with comma",
        variables: { name: "x" },
        assertions: [{ type: "contains", value: "Hello" }],
        echoOutput: null,
      },
      { id: expect.any(Number), name: "second", variables: { name: "two\nlines" }, assertions: [], echoOutput: null },
    ]);
  });

  test("a CSV column the prompt does not declare is kept, with a warning", async () => {
    const client = await freshApp();
    await client.create("p", "Hello {{name}}");
    const res = await importJson(client, { format: "csv", content: "name,tone,var:tone\n" });
    expect(res.body.error.message).toBe('Line 1: the variable "tone" has two columns');
    const ok = await importJson(client, { format: "csv", content: "name,tone\nfirst,warm\n" });
    expect(ok.status).toBe(201);
    expect(ok.body.testCases[0].variables).toEqual({ tone: "warm" });
    expect(ok.body.warnings).toEqual([
      { path: "line 2.variables.tone", message: expect.stringMatching(/does not declare the variable "tone"/) },
    ]);
  });

  test("a bad row is 422 naming its line, and nothing is imported", async () => {
    const client = await freshApp();
    await client.create("p", "Hello {{name}}");
    const before = await client.dump();
    const bad = await importJson(client, {
      content: jsonl([{ name: "a" }, { name: "b", assertions: [{ type: "regex", value: "(" }] }, { name: "c" }]),
    });
    expectError(bad, 422, "validation_failed");
    expect(bad.body.error.message).toMatch(/^Line 2: assertions\.0\.value: Not a valid regular expression/);
    expect(bad.body.error.issues[0].path).toBe("line 2.assertions.0.value");

    const notJson = await importJson(client, { format: "jsonl", content: '{"name": "a"}\n{"name": \n' });
    expectError(notJson, 422, "validation_failed");
    expect(notJson.body.error.message).toMatch(/^Line 2 is not JSON/);

    const csv = await importJson(client, { format: "csv", content: "name,x\na,1\nb,2,3\n" });
    expectError(csv, 422, "validation_failed");
    expect(csv.body.error.message).toMatch(/^Line 3 is not valid CSV/);

    const twice = await importJson(client, { content: jsonl([{ name: "a" }, { name: "b" }, { name: "a" }]) });
    expect(twice.body.error.message).toBe('Line 3: the name "a" is already on line 1');

    const noName = await importJson(client, { format: "csv", content: "title,x\na,1\n" });
    expect(noName.body.error.message).toMatch(/needs a "name" column/);
    expect(await client.dump()).toEqual(before);
  });

  test("a name the prompt already has is 409 naming its line", async () => {
    const client = await freshApp();
    await client.create("p", "Hello {{name}}");
    await importJson(client, { content: jsonl([{ name: "a" }]) });
    const before = await client.dump();
    const res = await importJson(client, { content: jsonl([{ name: "b" }, { name: "a" }]) });
    expectError(res, 409, "name_taken");
    expect(res.body.error.message).toMatch(/^Line 2: /);
    expect(await client.dump()).toEqual(before);
  });

  test("a file over 2 MiB is 413; a prompt holds at most 1,000 test cases", async () => {
    const client = await freshApp();
    await client.create("p", "Hello {{name}}");
    const before = await client.dump();
    const big = await importJson(client, {
      content: `{"name":"a","variables":{"name":"${"x".repeat(2 * 1024 * 1024)}"}}`,
    });
    expectError(big, 413, "payload_too_large");
    const rows = Array.from({ length: 1000 }, (_, i) => ({ name: `case ${i}` }));
    const many = await importJson(client, { content: jsonl([...rows, { name: "one more" }]) });
    expectError(many, 422, "validation_failed");
    expect(await client.dump()).toEqual(before);
    expect((await importJson(client, { content: jsonl(rows) })).status).toBe(201);
    const full = await importJson(client, { content: jsonl([{ name: "one more" }]) });
    expectError(full, 422, "validation_failed");
    expect(full.body.error.message).toMatch(/at most 1,000 test cases: p has 1000, the file adds 1/);
    const one = await client.api("POST", "/prompts/p/test-cases", { name: "one more" });
    expectError(one, 422, "validation_failed");
    // The list is paginated.
    const first = await client.api("GET", "/prompts/p/test-cases?limit=200");
    expect(first.body.testCases).toHaveLength(200);
    expect(first.body.total).toBe(1000);
    expect(first.body.next).toMatch(/cursor=/);
  });

  test("the test cases page uploads a file; a refused one shows why and keeps everything", async () => {
    const client = await freshApp();
    await client.create("p", "Hello {{name}}");
    const page = await expectPage(await client.page("/prompts/p/test-cases"));
    expect(page).toContain('enctype="multipart/form-data"');
    expect(page).toMatch(/<input id="import-file" name="file" type="file"/);
    const upload = (name: string, text: string) => {
      const form = new FormData();
      form.set("file", new File([text], name, { type: "application/octet-stream" }));
      return client.request("/prompts/p/test-cases/import", {
        method: "POST",
        headers: { accept: "text/html" },
        body: form,
      });
    };
    const ok = await upload("cases.csv", "name,var:name\nAda,Ada\n");
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toBe("/prompts/p/test-cases");
    const shown = await expectPage(await client.page("/prompts/p/test-cases"));
    expect(shown).toContain("Test case Ada");
    const bad = await upload("cases.jsonl", '{"name": 3}\n');
    const html = await expectPage(bad, 422);
    expect(html).toMatch(/Nothing was imported: Line 1: name:/);
  });
});

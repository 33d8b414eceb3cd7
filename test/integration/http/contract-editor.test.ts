import { describe, expect, test } from "vitest";
import { freshApp } from "./support/http.js";

/**
 * The contract in the pages (docs/contract.md, "In the editor"): the variables table with a
 * suggested row per placeholder, tools and response format as JSON fields whose errors name a
 * line and column, a refused save that keeps everything typed, and the signature in view mode.
 * All of it as plain form round trips: no JavaScript needed.
 */
const URL = "/prompts/p/versions/1.0";

async function withPrompt(body = "Dear {{customer}}, {{count}} {{tone}}") {
  const app = await freshApp();
  await app.create("p", body);
  return app;
}

const base = { body: "Dear {{customer}}, {{count}} {{tone}}", revision: "1", contract: "1" };

describe("the editor's contract fields", () => {
  test("the editor offers a row for each placeholder, marked new; saving it untouched declares nothing", async () => {
    const app = await withPrompt();
    const html = await (await app.page(`${URL}?edit=1`)).text();
    expect(html).toContain('name="cv.0.name" value="customer"');
    expect(html).toContain('name="cv.2.name" value="tone"');
    expect(html.match(/tag-new/g)?.length).toBeGreaterThanOrEqual(3);
    const res = await app.form(`${URL}/save`, {
      ...base,
      body: "Dear {{customer}}, {{count}} {{tone}}!",
      "cv.0.name": "customer",
      "cv.0.type": "string",
      "cv.0.required": "on",
      "cv.0.suggested": "string",
    });
    expect(res.status).toBe(303);
    const { body } = await app.api("GET", URL);
    expect(body.variables).toEqual([]);
    expect(body.body).toBe("Dear {{customer}}, {{count}} {{tone}}!");
  });

  test("a form save declares typed variables, tools and a response format", async () => {
    const app = await withPrompt();
    const res = await app.form(`${URL}/save`, {
      ...base,
      "cv.0.name": "customer",
      "cv.0.type": "string",
      "cv.0.required": "on",
      "cv.0.description": "Who writes",
      "cv.0.suggested": "string",
      "cv.1.name": "count",
      "cv.1.type": "number",
      "cv.1.default": "1",
      "cv.2.name": "tone",
      "cv.2.type": "enum",
      "cv.2.required": "on",
      "cv.2.values": "formal, casual",
      "cv.3.name": "",
      tools: '[{"type": "function", "function": {"name": "lookup", "parameters": {"type": "object"}}}]',
      responseFormat: '{"type": "json_object"}',
    });
    expect(res.status).toBe(303);
    const { body } = await app.api("GET", URL);
    expect(body.variables).toEqual([
      { name: "customer", type: "string", required: true, description: "Who writes" },
      { name: "count", type: "number", required: false, default: 1 },
      { name: "tone", type: "enum", required: true, values: ["formal", "casual"] },
    ]);
    expect(body.tools[0].function.name).toBe("lookup");
    expect(body.responseFormat).toEqual({ type: "json_object" });
    const view = await (await app.page(URL)).text();
    expect(view).toMatch(/customer<\/span>: <span class="sig-type">string/);
    expect(view).toContain('count</span>: <span class="sig-type">number</span> = 1');
    expect(view).toContain("formal|casual");
    // Saving the editor as it comes back changes nothing: same hash, same revision.
    const again = await (await app.page(`${URL}?edit=1`)).text();
    expect(again).toContain('name="cv.1.default" value="1"');
  });

  test("JSON that does not parse is refused with its line and column, and everything typed stays", async () => {
    const app = await withPrompt();
    const before = await app.dump();
    const res = await app.form(`${URL}/save`, {
      ...base,
      body: "Dear {{customer}}, my new text",
      "cv.0.name": "customer",
      "cv.0.type": "string",
      "cv.0.description": "kept description",
      tools: '[\n  {"type": "function",}\n]',
    });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain("line 2, column 23");
    expect(html).toContain("Dear {{customer}}, my new text");
    expect(html).toContain('value="kept description"');
    expect(html).toContain("{&quot;type&quot;: &quot;function&quot;,}");
    expect(await app.dump()).toEqual(before);
  });

  test("the service's issues land on their row; a wrong default names the row", async () => {
    const app = await withPrompt();
    const res = await app.form(`${URL}/save`, {
      ...base,
      "cv.0.name": "",
      "cv.1.name": "tone",
      "cv.1.type": "enum",
      "cv.1.values": "",
      "cv.2.name": "count",
      "cv.2.type": "number",
      "cv.2.default": "many",
    });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain("The default must be a number");
    const enumRes = await app.form(`${URL}/save`, {
      ...base,
      "cv.0.name": "",
      "cv.1.name": "tone",
      "cv.1.type": "enum",
    });
    const enumHtml = await enumRes.text();
    expect(enumRes.status).toBe(422);
    // The issue is shown in row 1 (its name field is marked invalid), not in a row that does not exist.
    expect(enumHtml).toMatch(/name="cv\.1\.name" value="tone"[^>]*aria-invalid="true"/);
    expect(enumHtml).toContain("An enum needs its values");
  });

  test("a declared variable the text does not use is greyed: not in the text", async () => {
    const app = await withPrompt("Hi {{a}}");
    await app.api("POST", `${URL}/save`, { body: "Hi {{a}}", variables: [{ name: "a" }, { name: "gone" }] });
    const html = await (await app.page(`${URL}?edit=1`)).text();
    expect(html).toMatch(/class="unused"[\s\S]*?value="gone"[\s\S]*?not in the text/);
  });

  test("a PROD version shows its contract and offers no editor", async () => {
    const app = await withPrompt("Hi {{a}}");
    await app.api("POST", `${URL}/save`, { body: "Hi {{a}}", variables: [{ name: "a", type: "number" }] });
    await app.act("p", "1.0", "promote");
    await app.act("p", "1.0", "promote", { to: "PROD" });
    const html = await (await app.page(URL)).text();
    expect(html).toContain('<span class="sig-name">a</span>');
    const refused = await app.form(`${URL}/save`, { body: "x", contract: "1", "cv.0.name": "a" });
    expect(refused.status).toBe(409);
  });
});

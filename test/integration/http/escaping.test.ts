import { describe, expect, test } from "vitest";
import { labelled } from "./support/html.js";
import { type Client, freshApp } from "./support/http.js";

const BODY = `<script>alert(1)</script> "double" 'single' & amp; {{who}}\n<img src=x onerror=alert(2)>`;
const DESCRIPTION = `<script>alert(3)</script> "quoted" & co`;
const CONFIG = { model: `</pre><script>alert(4)</script>`, note: `" onmouseover="alert(5)` };
const ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;";

/** No markup the user typed survives as markup. */
function expectInert(html: string): void {
  expect(html).not.toMatch(/<script>alert/i);
  expect(html).not.toMatch(/<img src=x/i);
  expect(html).not.toMatch(/" onmouseover="/);
  expect(html).not.toMatch(/ & amp;/);
}

async function nasty(): Promise<Client> {
  const client = await freshApp();
  await client.create("p", BODY, { description: DESCRIPTION, config: CONFIG });
  await client.act("p", "1.0", "new");
  await client.act("p", "1.1", "save", { body: `${BODY}\nmore <b>bold</b> & more` });
  return client;
}

describe("what users typed appears escaped on every page", () => {
  test.each([
    ["version page", "/prompts/p/versions/1.0", [ESCAPED_SCRIPT, "&amp; amp;", "&lt;img src=x"]],
    ["editor page", "/prompts/p/versions/1.0?edit=1", [ESCAPED_SCRIPT]],
    ["prompt page", "/prompts/p", ["&lt;script&gt;alert(3)&lt;/script&gt;", "&amp; co"]],
    ["list", "/prompts", ["&lt;script&gt;alert(3)&lt;/script&gt;", "&amp; co"]],
    ["compare", "/prompts/p/compare?from=1.0&to=1.1", ["&lt;b&gt;bold&lt;/b&gt; &amp; more", ESCAPED_SCRIPT]],
    ["history", "/prompts/p/history", []],
    ["revisions", "/prompts/p/versions/1.1/revisions", [ESCAPED_SCRIPT, "&lt;b&gt;bold&lt;/b&gt;"]],
    ["runtime read as HTML", "/prompts/p/stages/dev", [ESCAPED_SCRIPT]],
    ["delete confirmation", "/prompts/p/versions/1.1/delete", []],
  ])("%s", async (_label, path, expected) => {
    const client = await nasty();
    const res = await client.page(path);
    expect(res.status).toBe(200);
    const html = await res.text();
    expectInert(html);
    for (const text of expected) expect(html).toContain(text);
  });

  test("config values on the version page and in the editor", async () => {
    const client = await nasty();
    const page = await (await client.page("/prompts/p/versions/1.0")).text();
    expectInert(page);
    expect(page).toContain("&lt;/pre&gt;&lt;script&gt;alert(4)&lt;/script&gt;");
    const editor = await (await client.page("/prompts/p/versions/1.0?edit=1")).text();
    expectInert(editor);
    expect(labelled(editor, "Prompt").content).toBe(BODY);
    expect(JSON.parse(labelled(editor, "Config").content)).toEqual(CONFIG);
  });

  test("htmx fragments: the panel and the editor", async () => {
    const client = await nasty();
    for (const path of ["/prompts/p/versions/1.0", "/prompts/p/versions/1.0?edit=1"]) {
      const html = await (await client.htmx(path)).text();
      expectInert(html);
      expect(html).toContain(ESCAPED_SCRIPT);
    }
  });

  test("a refused form keeps the user's text, escaped, in fields and attributes", async () => {
    const client = await nasty();
    const res = await client.form("/prompts", {
      name: "Bad Name",
      description: `"><script>alert(6)</script>`,
      body: BODY,
    });
    expect(res.status).toBe(422);
    const html = await res.text();
    expectInert(html);
    expect(html).not.toContain('"><script>');
    expect(labelled(html, "Description").attrs).toContain('value="&quot;&gt;&lt;script&gt;alert(6)&lt;/script&gt;"');
    expect(labelled(html, "First text").content).toBe(BODY);
  });

  test("a stale save shows both texts escaped", async () => {
    const client = await nasty();
    const res = await client.form("/prompts/p/versions/1.1/save", {
      body: `mine <script>alert(7)</script>`,
      revision: "1",
    });
    expect(res.status).toBe(409);
    const html = await res.text();
    expectInert(html);
    expect(html).not.toContain("<script>alert(7)");
    expect(html).toContain("&lt;b&gt;bold&lt;/b&gt;");
  });

  test("text from the URL (search, names, paths) is escaped in pages and messages", async () => {
    const client = await nasty();
    const attacks = [
      "/prompts?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
      "/prompts/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
      "/prompts/p/versions/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
      "/prompts/p/stages/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
      "/nothing/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
      "/prompts/p/compare?from=1.0&to=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    ];
    for (const path of attacks) {
      for (const res of [await client.page(path), await client.htmx(path)]) {
        const type = res.headers.get("content-type") ?? "";
        // JSON (the runtime read's default) is never rendered as markup: nosniff holds it to its type.
        if (/^application\/json/.test(type)) expect(res.headers.get("x-content-type-options")).toBe("nosniff");
        else expectInert(await res.text());
      }
    }
  });
});

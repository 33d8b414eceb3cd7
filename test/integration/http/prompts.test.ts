import { describe, expect, test } from "vitest";
import { promptListSchema, promptSchema } from "../../../src/http/json.js";
import {
  expectError,
  expectFragment,
  expectKeys,
  expectPage,
  expectSeeOther,
  expectVersion,
  FORM,
  freshApp,
} from "./support/http.js";

const STAGE_KEYS = ["DEV", "TST", "PROD"];

describe("POST /prompts (create)", () => {
  test("JSON: 201, Location of v1.0, the version object", async () => {
    const { api } = await freshApp();
    const res = await api("POST", "/prompts", {
      name: "support-reply",
      description: "Replies",
      body: "Hi {{name}}",
      config: { model: "m", temperature: 0.2 },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get("location")).toBe("/prompts/support-reply/versions/1.0");
    expectVersion(res.body, {
      prompt: "support-reply",
      version: "1.0",
      stage: "DEV",
      current: true,
      body: "Hi {{name}}",
      config: { model: "m", temperature: 0.2 },
      revision: 1,
      createdFrom: null,
      actions: { edit: true, test: true, promote: "TST", createNew: true, delete: false, makeCurrent: false },
    });
    const again = await api("GET", res.headers.get("location") ?? "");
    expect(again.body).toEqual(res.body);
  });

  test("a JSON body with no Accept header is answered in JSON", async () => {
    const { request } = await freshApp();
    const res = await request("/prompts", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "curl", body: "x" }),
    });
    expect(res.status).toBe(201);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.headers.get("location")).toBe("/prompts/curl/versions/1.0");
    expectVersion(await res.json(), { prompt: "curl", version: "1.0" });
  });

  test("form: 303 to the new version; config arrives as JSON text, CRLF becomes LF", async () => {
    const { form, api } = await freshApp();
    const res = await form("/prompts", {
      name: "from-form",
      description: "made in a browser",
      body: "line 1\r\nline 2",
      config: '{"model":"gpt"}',
    });
    expectSeeOther(res, "/prompts/from-form/versions/1.0");
    const v = await api("GET", "/prompts/from-form/versions/1.0");
    expectVersion(v.body, { body: "line 1\nline 2", config: { model: "gpt" }, stage: "DEV", current: true });
    expect((await api("GET", "/prompts/from-form")).body.description).toBe("made in a browser");
  });

  test("form with an invalid name: 422, the form again with the user's values and the reason", async () => {
    const { form, dump } = await freshApp();
    const before = await dump();
    const res = await form("/prompts", { name: "Bad Name", description: "kept", body: "my text" });
    const html = await expectPage(res, 422);
    expect(html).toMatch(/<input\b[^>]*\bname="name"[^>]*value="Bad Name"/);
    expect(html).toMatch(/<textarea\b[^>]*\bname="body"[^>]*>my text<\/textarea>/);
    expect(html).toContain('aria-invalid="true"');
    expect(html).toMatch(/class="field-error"/);
    expect(await dump()).toEqual(before);
  });

  test("form with a taken name: 409, the form again, nothing written", async () => {
    const { form, create, dump } = await freshApp();
    await create("taken");
    const before = await dump();
    const html = await expectPage(await form("/prompts", { name: "taken", body: "other" }), 409);
    expect(html).toContain("already exists");
    expect(html).toMatch(/value="taken"/);
    expect(await dump()).toEqual(before);
  });
});

describe("GET /prompts (list)", () => {
  test("JSON: {prompts:[{name, description, current, updatedAt}], next}, by name", async () => {
    const { api, create, act } = await freshApp();
    await create("beta", "b", { description: "second" });
    await create("alpha", "a");
    await act("alpha", "1.0", "promote");
    const res = await api("GET", "/prompts");
    expect(res.status).toBe(200);
    expect(promptListSchema.safeParse(res.body).error).toBeUndefined();
    expectKeys(res.body, ["prompts", "next"]);
    expect(res.body.next).toBeNull();
    for (const p of res.body.prompts) {
      expectKeys(p, ["name", "description", "current", "updatedAt"]);
      expectKeys(p.current, STAGE_KEYS);
    }
    expect(res.body.prompts).toEqual([
      { name: "alpha", description: "", current: { DEV: null, TST: "1.0", PROD: null }, updatedAt: expect.any(String) },
      {
        name: "beta",
        description: "second",
        current: { DEV: "1.0", TST: null, PROD: null },
        updatedAt: expect.any(String),
      },
    ]);
  });

  test("?q= filters by name or description", async () => {
    const { api, create } = await freshApp();
    await create("greeting", "x");
    await create("summary", "x", { description: "condenses a greeting thread" });
    await create("other", "x");
    const names = async (q: string) =>
      (await api("GET", `/prompts?q=${encodeURIComponent(q)}`)).body.prompts.map((p: { name: string }) => p.name);
    expect(await names("greet")).toEqual(["greeting", "summary"]);
    expect(await names("zzz")).toEqual([]);
    await create("a_b", "x");
    await create("a-100", "x");
    expect(await names("_")).toEqual(["a_b"]);
    expect(await names("%")).toEqual([]);
  });

  test("page: / and /prompts list names and current versions, with the create form", async () => {
    const { page, create, act } = await freshApp();
    await create("listed");
    await act("listed", "1.0", "promote");
    for (const path of ["/", "/prompts"]) {
      const html = await expectPage(await page(path));
      expect(html).toContain('id="prompt-table"');
      expect(html).toMatch(/<a class="prompt-name" href="\/prompts\/listed">listed<\/a>/);
      expect(html).toMatch(/href="\/prompts\/listed\/versions\/1\.0">v1\.0<\/a>/);
      expect(html).toMatch(/<form\b[^>]*method="post"[^>]*action="\/prompts"/);
    }
  });

  test("htmx: just the #prompt-table fragment, filtered", async () => {
    const { htmx, create } = await freshApp();
    await create("shown");
    await create("filtered-out");
    const html = await expectFragment(await htmx("/prompts?q=show"), "prompt-table");
    expect(html).toContain('href="/prompts/shown"');
    expect(html).not.toContain("filtered-out");
    const empty = await expectFragment(await htmx("/prompts?q=nothing-matches"), "prompt-table");
    expect(empty).toContain("No prompt matches");
  });
});

describe("GET /prompts/:name", () => {
  test("JSON: the prompt with its versions, newest first, and the next page (null: none)", async () => {
    const { api, create, act } = await freshApp();
    await create("p", "x", { description: "d" });
    await act("p", "1.0", "promote");
    await act("p", "1.0", "new");
    await act("p", "1.1", "new", { major: true });
    const res = await api("GET", "/prompts/p");
    expect(res.status).toBe(200);
    expect(promptSchema.safeParse(res.body).error).toBeUndefined();
    expectKeys(res.body, ["name", "description", "current", "versions", "next"]);
    expect(res.body.next).toBeNull();
    expectKeys(res.body.current, STAGE_KEYS);
    for (const v of res.body.versions) expectKeys(v, ["version", "stage", "current", "revision", "updatedAt"]);
    expect(res.body).toMatchObject({ name: "p", description: "d", current: { DEV: null, TST: "1.0", PROD: null } });
    expect(res.body.versions.map((v: { version: string; stage: string; current: boolean }) => v)).toMatchObject([
      { version: "2.0", stage: "DEV", current: false, revision: 1 },
      { version: "1.1", stage: "DEV", current: false, revision: 1 },
      { version: "1.0", stage: "TST", current: true, revision: 1 },
    ]);
  });

  test("page: each version with its stage badge (text exactly the stage) and a current marker", async () => {
    const { page, ladder } = await freshApp();
    await ladder("p");
    const html = await expectPage(await page("/prompts/p"));
    const rows = [...html.matchAll(/<tr\b[^>]*>([\s\S]*?)<\/tr>/g)].map((m) => m[1] ?? "").slice(1);
    expect(rows).toHaveLength(4);
    const facts = rows.map((row) => ({
      version: /v(\d+\.\d+)<\/a>/.exec(row)?.[1],
      badge: /<span class="badge[^"]*">([^<]*)<\/span>/.exec(row)?.[1],
      current: /\bcurrent<\/span>/.test(row),
    }));
    expect(facts).toEqual([
      { version: "1.3", badge: "DEV", current: false },
      { version: "1.2", badge: "DEV", current: true },
      { version: "1.1", badge: "TST", current: true },
      { version: "1.0", badge: "PROD", current: true },
    ]);
  });

  test("an unknown prompt is 404 not_found in JSON, and an error page with the status", async () => {
    const { api, page } = await freshApp();
    expectError(await api("GET", "/prompts/nope"), 404, "not_found");
    const html = await expectPage(await page("/prompts/nope"), 404);
    expect(html).toContain("not_found");
  });
});

test("a form post with an empty body field still creates (an empty template is allowed)", async () => {
  const { request } = await freshApp();
  const res = await request("/prompts", {
    method: "POST",
    headers: { "content-type": FORM },
    body: "name=blank&body=",
  });
  expectSeeOther(res, "/prompts/blank/versions/1.0");
});

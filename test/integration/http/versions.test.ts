import { describe, expect, test } from "vitest";
import { expectError, expectFragment, expectPage, expectSeeOther, expectVersion, freshApp } from "./support/http.js";

describe("GET /prompts/:name/versions/:v", () => {
  test("JSON: the version object; 2.3 and v2.3 name the same version", async () => {
    const { api, create } = await freshApp();
    const created = await create("p", "Hello {{who}}", { config: { model: "m" } });
    const plain = await api("GET", "/prompts/p/versions/1.0");
    const prefixed = await api("GET", "/prompts/p/versions/v1.0");
    const upper = await api("GET", "/prompts/p/versions/V1.0");
    expect(plain.status).toBe(200);
    expectVersion(plain.body, { prompt: "p", version: "1.0", body: "Hello {{who}}", config: { model: "m" } });
    expect(prefixed.body).toEqual(plain.body);
    expect(upper.body).toEqual(plain.body);
    expect(plain.body).toEqual(created);
  });

  test("two-part numbers past 1.x: 2.3 and v2.3 in every route that takes a version", async () => {
    const { api, page, create, act } = await freshApp();
    await create("p", "x");
    await act("p", "1.0", "new", { major: true });
    for (let i = 0; i < 3; i++) await act("p", "2.0", "new");
    for (const v of ["2.3", "v2.3"]) {
      expect((await api("GET", `/prompts/p/versions/${v}`)).body.version).toBe("2.3");
      expect((await api("GET", `/prompts/p/versions/${v}/revisions`)).status).toBe(200);
      expect((await api("GET", `/prompts/p/compare?from=${v}&to=1.0`)).body).toMatchObject({ from: "2.3", to: "1.0" });
      expect((await page(`/prompts/p/versions/${v}`)).status).toBe(200);
    }
    expect((await api("POST", "/prompts/p/versions/v2.3/save", { body: "y" })).body).toMatchObject({
      version: "2.3",
      revision: 2,
    });
    expect((await api("POST", "/prompts/p/versions/v2.3/make-current")).body.current).toBe(true);
    expect((await api("POST", "/prompts/p/versions/2.3/promote")).body.stage).toBe("TST");
  });

  test("page: the full version page with the body; htmx: the #version-panel fragment", async () => {
    const { page, htmx, create } = await freshApp();
    await create("p", "Say hello to {{who}}");
    const full = await expectPage(await page("/prompts/p/versions/v1.0"));
    expect(full).toContain('id="version-panel"');
    expect(full).toContain("Say hello to");
    const panel = await expectFragment(await htmx("/prompts/p/versions/1.0"), "version-panel");
    expect(panel).toContain("Say hello to");
    expect(panel).toMatch(/<span class="badge badge-dev">DEV<\/span>/);
  });

  test("?edit=1: the editor page, and for htmx the #body-panel editor alone", async () => {
    const { page, htmx, create } = await freshApp();
    await create("p", "Editable text");
    const full = await expectPage(await page("/prompts/p/versions/1.0?edit=1"));
    expect(full).toMatch(/<textarea\b[^>]*name="body"[^>]*>Editable text<\/textarea>/);
    const editor = await expectFragment(await htmx("/prompts/p/versions/1.0?edit=1"), "body-panel");
    expect(editor).toMatch(/^<form\b/);
    expect(editor).toMatch(/<textarea\b[^>]*name="body"[^>]*>Editable text<\/textarea>/);
    expect(editor).not.toContain('id="version-panel"');
  });

  test("unknown versions and malformed numbers are 404 not_found", async () => {
    const { api, create } = await freshApp();
    await create("p");
    for (const v of ["9.9", "v1.1", "1", "1.0.0", "latest", "-1.0", "1.x"]) {
      expectError(await api("GET", `/prompts/p/versions/${v}`), 404, "not_found");
    }
    expectError(await api("GET", "/prompts/nope/versions/1.0"), 404, "not_found");
  });
});

describe("POST …/versions/:v/save (edit)", () => {
  test("JSON: 200 version object, same number, revision +1, new content hash", async () => {
    const { api, create } = await freshApp();
    const before = await create("p", "old");
    const res = await api("POST", "/prompts/p/versions/1.0/save", {
      body: "new {{x}}",
      config: { temperature: 0 },
      revision: 1,
    });
    expect(res.status).toBe(200);
    expectVersion(res.body, {
      version: "1.0",
      stage: "DEV",
      current: true,
      body: "new {{x}}",
      config: { temperature: 0 },
      revision: 2,
      createdAt: before.createdAt,
    });
    expect(res.body.contentHash).not.toBe(before.contentHash);
    expect((await api("GET", "/prompts/p/versions/1.0")).body).toEqual(res.body);
  });

  test("JSON without revision or config: saves the body and keeps the config", async () => {
    const { api, create } = await freshApp();
    await create("p", "old", { config: { model: "kept" } });
    const res = await api("POST", "/prompts/p/versions/v1.0/save", { body: "new" });
    expectVersion(res.body, { body: "new", config: { model: "kept" }, revision: 2 });
  });

  test("a TST version is edited in place too", async () => {
    const { api, create, act } = await freshApp();
    await create("p", "old");
    await act("p", "1.0", "promote");
    const res = await api("POST", "/prompts/p/versions/1.0/save", { body: "fixed in TST", revision: 1 });
    expectVersion(res.body, { stage: "TST", current: true, body: "fixed in TST", revision: 2 });
  });

  test("form: 303 back to the version; config as JSON text and revision as digits", async () => {
    const { form, api, create } = await freshApp();
    await create("p", "old");
    const res = await form("/prompts/p/versions/1.0/save", {
      body: "from the form",
      config: '{ "model": "small", "maxTokens": 10 }',
      revision: "1",
    });
    expectSeeOther(res, "/prompts/p/versions/1.0");
    expect(res.headers.get("set-cookie") ?? "").toContain("promptrail_flash=");
    expectVersion((await api("GET", "/prompts/p/versions/1.0")).body, {
      body: "from the form",
      config: { model: "small", maxTokens: 10 },
      revision: 2,
    });
  });

  test("form with a blank config field keeps the config", async () => {
    const { form, api, create } = await freshApp();
    await create("p", "old", { config: { model: "kept" } });
    expectSeeOther(await form("/prompts/p/versions/1.0/save", { body: "b", config: "", revision: "1" }), /1\.0$/);
    expectVersion((await api("GET", "/prompts/p/versions/1.0")).body, { body: "b", config: { model: "kept" } });
  });

  test("htmx: the #version-panel with the saved text, no editor, the same number", async () => {
    const { htmx, api, create } = await freshApp();
    await create("p", "old");
    const html = await expectFragment(
      await htmx("/prompts/p/versions/1.0/save", { body: "saved <b>inline</b>", config: "", revision: "1" }),
      "version-panel",
    );
    expect(html).toContain("saved &lt;b&gt;inline&lt;/b&gt;");
    expect(html).not.toMatch(/<textarea\b[^>]*name="body"/);
    expect(html).toContain("v1.0");
    expect(html).toMatch(/hx-swap-oob="true"[^>]*>|<div id="flash"[^>]*hx-swap-oob/);
    expect((await api("GET", "/prompts/p/versions/1.0")).body).toMatchObject({ revision: 2 });
  });

  test("saving unchanged content writes nothing and keeps the revision", async () => {
    const { api, create, dump } = await freshApp();
    await create("p", "same", { config: { a: 1 } });
    const before = await dump();
    const res = await api("POST", "/prompts/p/versions/1.0/save", { body: "same", config: { a: 1 }, revision: 1 });
    expectVersion(res.body, { revision: 1 });
    expect(await dump()).toEqual(before);
  });
});

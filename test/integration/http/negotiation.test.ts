import { describe, expect, test } from "vitest";
import { expectFragment, expectPage, expectSeeOther, expectVersion, freshApp } from "./support/http.js";

const isJson = (res: Response) => /^application\/json/.test(res.headers.get("content-type") ?? "");
const isHtml = (res: Response) => /^text\/html/.test(res.headers.get("content-type") ?? "");

describe("docs/api.md: HTML by default, JSON when Accept prefers it", () => {
  test.each([
    ["no Accept", undefined, "html"],
    ["*/*", "*/*", "html"],
    ["a browser's Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "html"],
    ["application/json", "application/json", "json"],
    ["text/html;q=0.5, application/json", "text/html;q=0.5, application/json", "json"],
    ["application/json;q=0.1, text/html", "application/json;q=0.1, text/html", "html"],
    ["application/json, text/html (a tie)", "application/json, text/html", "html"],
    ["application/*", "application/*", "json"],
    ["application/json;q=0", "application/json;q=0", "html"],
    ["text/*;q=0.2, application/json;q=0.3", "text/*;q=0.2, application/json;q=0.3", "json"],
    ["APPLICATION/JSON", "APPLICATION/JSON", "json"],
  ])("GET with %s → %s", async (_label, accept, expected) => {
    const client = await freshApp();
    await client.create("p");
    const res = await client.request("/prompts/p/versions/1.0", { headers: accept ? { accept } : {} });
    expect(res.status).toBe(200);
    if (expected === "json") {
      expect(isJson(res)).toBe(true);
      expectVersion(await res.json());
    } else {
      await expectPage(res);
    }
  });

  test("a JSON body with no Accept, or Accept */*, is answered in JSON (curl)", async () => {
    const client = await freshApp();
    const variants: Array<Record<string, string>> = [{}, { accept: "*/*" }];
    for (const [i, headers] of variants.entries()) {
      const res = await client.request("/prompts", {
        method: "POST",
        headers: { "content-type": "application/json; charset=utf-8", ...headers },
        body: JSON.stringify({ name: `p${i}`, body: "x" }),
      });
      expect(res.status).toBe(201);
      expect(isJson(res)).toBe(true);
    }
  });

  test("a JSON body with Accept: text/html is answered in HTML (a 303 for a success, a page for an error)", async () => {
    const client = await freshApp();
    const ok = await client.request("/prompts", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/html" },
      body: JSON.stringify({ name: "p", body: "x" }),
    });
    expectSeeOther(ok, "/prompts/p/versions/1.0");
    const refused = await client.request("/prompts/p/versions/1.0/promote", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/html" },
      body: "{}",
    });
    expect(refused.status).toBe(303);
    const error = await client.request("/prompts/p/versions/1.0/delete", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/html" },
      body: "{}",
    });
    const html = await expectPage(error, 409);
    expect(html).toContain("delete_forbidden");
  });

  test("a form body with Accept: application/json is answered in JSON", async () => {
    const client = await freshApp();
    const res = await client.request("/prompts", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: "name=formy&body=hi&config=%7B%22a%22%3A1%7D",
    });
    expect(res.status).toBe(201);
    expectVersion(await res.json(), { prompt: "formy", config: { a: 1 } });
  });

  test("HX-Request gets a fragment, but Accept: application/json still wins", async () => {
    const client = await freshApp();
    await client.create("p");
    await expectFragment(await client.htmx("/prompts/p/versions/1.0"), "version-panel");
    const json = await client.request("/prompts/p/versions/1.0", {
      headers: { "hx-request": "true", accept: "application/json" },
    });
    expect(isJson(json)).toBe(true);
    const restore = await client.request("/prompts/p/versions/1.0", {
      headers: { "hx-request": "true", "hx-history-restore-request": "true" },
    });
    await expectPage(restore);
  });

  test("errors follow the same rule", async () => {
    const client = await freshApp();
    const json = await client.request("/prompts/none", { headers: { accept: "text/html;q=0.5, application/json" } });
    expect(json.status).toBe(404);
    expect(isJson(json)).toBe(true);
    const html = await client.request("/prompts/none", { headers: { accept: "application/json;q=0.1, text/html" } });
    expect(html.status).toBe(404);
    expect(isHtml(html)).toBe(true);
  });
});

describe("Vary: Accept, HX-Request", () => {
  test.each([
    ["a page", "/prompts", {}],
    ["JSON", "/prompts", { accept: "application/json" }],
    ["a fragment", "/prompts", { "hx-request": "true" }],
    ["a version page", "/prompts/p/versions/1.0", {}],
    ["an error", "/prompts/none", { accept: "application/json" }],
    ["an error page", "/prompts/none", {}],
    ["the runtime read", "/prompts/p/stages/dev", {}],
    ["/healthz", "/healthz", {}],
  ])("on %s", async (_label, path, headers) => {
    const client = await freshApp();
    await client.create("p");
    const res = await client.request(path, { headers });
    const vary = (res.headers.get("vary") ?? "").split(",").map((v) => v.trim().toLowerCase());
    expect(vary).toContain("accept");
    expect(vary).toContain("hx-request");
  });

  test("on a 303 after a form post and on a 304", async () => {
    const client = await freshApp();
    const created = await client.form("/prompts", { name: "p", body: "x" });
    expect(created.status).toBe(303);
    expect(created.headers.get("vary") ?? "").toMatch(/Accept.*HX-Request/i);
    const etag = (await client.request("/prompts/p/stages/dev")).headers.get("etag") ?? "";
    const notModified = await client.request("/prompts/p/stages/dev", { headers: { "if-none-match": etag } });
    expect(notModified.status).toBe(304);
    expect(notModified.headers.get("vary") ?? "").toMatch(/Accept/);
  });
});

describe("runtime read and /healthz negotiate JSON, text or HTML", () => {
  test.each([
    [undefined, "json"],
    ["*/*", "json"],
    ["application/json, text/plain", "json"],
    ["text/plain", "text"],
    ["text/plain, application/json;q=0.5", "text"],
    ["text/html", "html"],
    ["text/html,application/xhtml+xml,*/*;q=0.8", "html"],
    ["application/json;q=0.1, text/html", "html"],
    ["text/*", "text"],
  ])("Accept %s → %s", async (accept, expected) => {
    const client = await freshApp();
    await client.create("p", "raw body");
    const headers: Record<string, string> = accept ? { accept } : {};
    const res = await client.request("/prompts/p/stages/dev", { headers });
    const type = res.headers.get("content-type") ?? "";
    const health = (await client.request("/healthz", { headers })).headers.get("content-type") ?? "";
    const want = { json: /^application\/json/, text: /^text\/plain/, html: /^text\/html/ }[expected] as RegExp;
    expect(type).toMatch(want);
    expect(health).toMatch(want);
  });
});

describe("no stale pages: HTML is never reused from a cache, Back included", () => {
  test("pages, fragments and error pages are no-store; the runtime read and JSON keep their own caching", async () => {
    const client = await freshApp();
    await client.create("p");
    for (const res of [
      await client.page("/prompts/p/versions/1.0"),
      await client.page("/prompts"),
      await client.htmx("/prompts/p/versions/1.0?edit=1"),
      await client.page("/prompts/nope"),
      await client.form("/prompts/p/versions/1.0/delete"),
    ]) {
      expect(res.headers.get("content-type")).toMatch(/^text\/html/);
      expect(res.headers.get("cache-control")).toBe("no-store");
    }
    const read = await client.request("/prompts/p/stages/dev", { headers: { accept: "text/html" } });
    expect(read.headers.get("cache-control")).toBe("no-cache");
    expect(
      (await client.request("/prompts/p", { headers: { accept: "application/json" } })).headers.get("cache-control"),
    ).toBeNull();
  });
});

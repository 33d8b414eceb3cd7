import { describe, expect, test } from "vitest";
import { PASSWORD, securedApp } from "../../support/accounts.js";
import { expectError, freshApp, JSON_HEADERS, type Json } from "./support/http.js";

/**
 * No text holds a NUL character (U+0000), on either engine (limits.md, "No NUL characters"):
 * PostgreSQL's text cannot store one, and SQLite, which can, would keep what could never move to
 * PostgreSQL. A NUL anywhere in a request — a body's value or key, a form field, the path, the
 * query — is 422 validation_failed naming where it was, before anything is read or written.
 */
const NUL = "\u0000";

describe("a NUL character in a request", () => {
  test("in any string or key of a JSON body is 422 with the field's path, and nothing is stored", async () => {
    const client = await freshApp();
    await client.create("p", "Hello {{name}}");
    const before = await client.dump();
    const attempts: Array<[string, Json, string]> = [
      ["/prompts", { name: `q${NUL}`, body: "x" }, "name"],
      ["/prompts", { name: "q", body: `a${NUL}b` }, "body"],
      ["/prompts", { name: "q", body: "x", description: NUL }, "description"],
      ["/prompts", { name: "q", body: "x", config: { model: `m${NUL}` } }, "config.model"],
      ["/prompts/p/versions/1.0/save", { body: `x${NUL}` }, "body"],
      ["/prompts/p/versions/1.0/test", { variables: { name: NUL } }, "variables.name"],
      ["/prompts/p/test-cases", { name: "c", variables: { [`a${NUL}`]: "x" } }, "variables"],
      ["/prompts/p/versions/1.0/render", { variables: { name: `x${NUL}y` } }, "variables.name"],
      ["/settings/environments/DEV", { model: `gpt${NUL}` }, "model"],
    ];
    for (const [path, body, at] of attempts) {
      const res = await client.request(path, { method: "POST", headers: JSON_HEADERS, body: JSON.stringify(body) });
      const answer = await res.json();
      expectError({ status: res.status, body: answer }, 422, "validation_failed");
      expect(answer.error.issues[0].path, path).toBe(at);
      expect(answer.error.message, path).toMatch(/NUL/);
    }
    expect(await client.dump()).toEqual(before);
  });

  test("in a form field is 422 on the page and in htmx, and nothing is stored", async () => {
    const client = await freshApp();
    await client.create("p");
    const before = await client.dump();
    const page = await client.form("/prompts", { name: "q", body: `a${NUL}b` });
    expect(page.status).toBe(422);
    expect(await page.text()).toContain("NUL");
    const fragment = await client.htmx("/prompts/p/versions/1.0/save", { body: `x${NUL}` });
    expect(fragment.status).toBe(422);
    // A JSON field whose text is clean but spells a NUL.
    const spelled = await client.form("/prompts/p/versions/1.0/save", { body: "x", config: '{"model":"a\\u0000"}' });
    expect(spelled.status).toBe(422);
    expect(await spelled.text()).toContain("NUL");
    expect(await client.dump()).toEqual(before);
  });

  test("in the path or the query is 422, on every kind of route, never a 500", async () => {
    const client = await freshApp();
    await client.create("p");
    const paths = [
      "/prompts/p%00",
      "/prompts/p%00/versions/1.0",
      "/prompts/p/versions/1.0%00",
      "/prompts?q=%00",
      "/prompts/p/history?type=version.created%00",
      "/api/prompts/p%00",
      "/api/prompts/p?stage=PROD%00",
      "/prompts/p/stages/DEV%00/render",
      "/changes?prompt=p%00",
      "/static/app.css%00",
    ];
    for (const path of paths) {
      const res = await client.api("GET", path);
      expectError(res, 422, "validation_failed");
      expect(res.body.error.message, path).toMatch(/NUL/);
    }
    const post = await client.api("POST", "/prompts/p%00/versions/1.0/promote", {});
    expectError(post, 422, "validation_failed");
    // A literal %00 is not a NUL: "%2500" is the three characters "%00".
    expect((await client.api("GET", "/prompts?q=%2500")).status).toBe(200);
  });

  test("in an MCP call's arguments is 422 before the protocol starts, as any JSON body", async () => {
    const client = await freshApp();
    await client.create("p");
    const call = { jsonrpc: "2.0", id: 1, method: "prompts/get", params: { name: "p", arguments: { name: NUL } } };
    const res = await client.request("/mcp", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify(call),
    });
    expect(res.status).toBe(422);
    expect((await res.json()).error).toMatchObject({
      code: "validation_failed",
      message: expect.stringMatching(/NUL/),
    });
  });

  test("under /api/public/ it is 422 in Langfuse's shape", async () => {
    const client = await freshApp();
    const res = await client.request("/api/public/v2/prompts/p%00", { headers: { accept: "application/json" } });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ message: expect.stringMatching(/NUL/) });
  });

  test("in a sign-in name is 422 and counts no failed attempt", async () => {
    const client = await securedApp();
    const before = await client.dump();
    for (const name of [`admin${NUL}`, NUL]) {
      const res = await client.request("/login", {
        method: "POST",
        headers: JSON_HEADERS,
        body: JSON.stringify({ name, password: PASSWORD }),
      });
      expect(res.status, name).toBe(422);
      expect((await res.json()).error.code).toBe("validation_failed");
    }
    const form = await client.request("/login", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ name: `admin${NUL}`, password: PASSWORD }).toString(),
    });
    expect(form.status).toBe(422);
    expect(await client.dump()).toEqual(before);
  });
});

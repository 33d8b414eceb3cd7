import { describe, expect, test } from "vitest";
import { rawValue } from "../../support/state.js";
import { expectError, expectPage, freshApp, JSON_HEADERS, type Json } from "./support/http.js";

/** requests that reached a 5xx or stored what is not text. Each is a 4xx that changes nothing. */
describe("client errors, never 5xx", () => {
  test("a baseUrl that is not a URL is 422 in JSON and in the Settings form (it was a 500)", async () => {
    const client = await freshApp();
    const before = await client.dump();
    expectError(await client.api("POST", "/settings/environments/PROD", { baseUrl: "x" }), 422, "validation_failed");
    const res = await client.form("/settings/environments/PROD", { baseUrl: "x" });
    expect(await expectPage(res, 422)).toContain("http:// or https://");
    expect(await client.dump()).toEqual(before);
  });

  test("a malformed multipart body is 400 bad_request on every action", async () => {
    const client = await freshApp();
    await client.ladder("p");
    const before = await client.dump();
    const posts = [
      "/prompts",
      "/prompts/p/versions/1.3/save",
      "/prompts/p/versions/1.3/promote",
      "/prompts/p/versions/1.3/new",
      "/prompts/p/versions/1.3/delete",
      "/prompts/p/versions/1.3/make-current",
      "/prompts/p/versions/1.3/test",
      "/prompts/p/test-cases",
      "/settings/environments/DEV",
    ];
    for (const path of posts) {
      for (const contentType of ["multipart/form-data", "multipart/form-data; boundary=xx"]) {
        const res = await client.request(path, {
          method: "POST",
          headers: { "content-type": contentType, accept: "application/json" },
          body: "--xx\r\nbroken",
        });
        expectError({ status: res.status, body: await res.json() }, 400, "bad_request");
      }
    }
    expect(await client.dump()).toEqual(before);
  });

  test("a lone UTF-16 surrogate is 422 with the field's path, and nothing is stored", async () => {
    const client = await freshApp();
    await client.create("p", "Hello {{name}}");
    const before = await client.dump();
    const lone = JSON.parse('"A\\ud800B"') as string;
    const attempts: Array<[string, Json, string]> = [
      ["/prompts", { name: "q", body: lone }, "body"],
      ["/prompts", { name: "q", body: "x", description: lone }, "description"],
      ["/prompts", { name: "q", body: "x", config: { model: lone } }, "config.model"],
      ["/prompts/p/versions/1.0/save", { body: `x${lone}` }, "body"],
      ["/prompts/p/versions/1.0/test", { variables: { name: lone } }, "variables.name"],
      ["/prompts/p/test-cases", { name: "c", variables: { [lone]: "x" } }, "variables"],
      ["/prompts/p/test-cases", { [lone]: 1 }, "(input)"],
    ];
    for (const [path, body, at] of attempts) {
      const res = await client.request(path, { method: "POST", headers: JSON_HEADERS, body: JSON.stringify(body) });
      const answer = await res.json();
      expectError({ status: res.status, body: answer }, 422, "validation_failed");
      expect(answer.error.issues[0].path, path).toBe(at);
    }
    expect(await client.dump()).toEqual(before);
    // A well-formed pair is text like any other.
    const saved = await client.api("POST", "/prompts/p/versions/1.0/save", { body: "😀 \ud83d\ude00" });
    expect(saved.status).toBe(200);
  });
});

describe("TEST cannot exhaust the server", () => {
  test("a small template repeating large values: every case errs, no 500", async () => {
    const client = await freshApp();
    await client.create("p", "{{a}}".repeat(6000)); // 30 KB: rendering it was a 500, Invalid string length
    const a = "x".repeat(100_000);
    for (let i = 0; i < 8; i++) await client.api("POST", "/prompts/p/test-cases", { name: `c${i}`, variables: { a } });
    const res = await client.api("POST", "/prompts/p/versions/1.0/test", {});
    expect(res.status).toBe(200);
    expect(res.body.status).toBe("error");
    for (const result of res.body.results)
      expect(result.error).toBe("The rendered prompt is 600,000,000 bytes, over the 1,000,000-byte limit");
  });
});

describe("odd methods: 405 with Allow on a known path, 404 elsewhere", () => {
  test("each wrong method names the right ones", async () => {
    const client = await freshApp();
    await client.create("p");
    const cases: Array<[string, string, string]> = [
      ["DELETE", "/prompts/p", "GET, HEAD, OPTIONS"],
      ["PUT", "/prompts", "GET, HEAD, POST, OPTIONS"],
      ["PATCH", "/prompts/p/versions/1.0", "GET, HEAD, OPTIONS"],
      ["GET", "/prompts/p/versions/1.0/save", "POST, OPTIONS"],
      ["POST", "/healthz", "GET, HEAD, OPTIONS"],
      ["POST", "/prompts/p/stages/PROD", "GET, HEAD, OPTIONS"],
    ];
    for (const [method, path, allow] of cases) {
      const res = await client.request(path, { method, headers: { accept: "application/json" } });
      expectError({ status: res.status, body: await res.json() }, 405, "method_not_allowed");
      expect(res.headers.get("allow"), `${method} ${path}`).toBe(allow);
    }
    const options = await client.request("/prompts/p", { method: "OPTIONS" });
    expect(options.status).toBe(204);
    expect(options.headers.get("allow")).toBe("GET, HEAD, OPTIONS");
    const unknown = await client.request("/nothing/here", {
      method: "DELETE",
      headers: { accept: "application/json" },
    });
    expectError({ status: unknown.status, body: await unknown.json() }, 404, "not_found");
    expect(
      await expectPage(await client.request("/prompts/p", { method: "PUT", headers: { accept: "text/html" } }), 405),
    ).toContain("Method not allowed");
  });
});

describe("test runs are bounded", () => {
  test("a page of runs stops at about 512 KiB of results; next goes on; nothing is lost", async () => {
    const client = await freshApp();
    await client.create("p", `${"x".repeat(60_000)}{{n}}`);
    for (let i = 0; i < 8; i++)
      await client.api("POST", "/prompts/p/test-cases", { name: `c${i}`, variables: { n: `${i}` } });
    for (let i = 0; i < 4; i++) expect((await client.api("POST", "/prompts/p/versions/1.0/test", {})).status).toBe(200);
    const ids: number[] = [];
    let next: string | null = "/prompts/p/versions/1.0/tests";
    while (next) {
      const res = await client.request(next, { headers: { accept: "application/json" } });
      const text = await res.text();
      expect(text.length).toBeLessThan(700 * 1024);
      const page = JSON.parse(text) as Json;
      ids.push(...page.runs.map((r: Json) => r.id));
      next = page.next;
    }
    expect(ids).toEqual([4, 3, 2, 1]);
  });

  test("a version keeps its latest 100 runs", async () => {
    const client = await freshApp();
    await client.create("p", "Hi");
    for (let i = 0; i < 103; i++) await client.api("POST", "/prompts/p/versions/1.0/test", {});
    const res = await client.api("GET", "/prompts/p/versions/1.0/tests?limit=200");
    expect(res.body.runs.map((r: Json) => r.id)).toEqual(Array.from({ length: 100 }, (_, i) => 103 - i));
    // The event log still tells of every run.
    const tested = await rawValue(client.db, "SELECT count(*) FROM events WHERE type = 'version.tested'");
    expect(tested).toBe(103);
  });
});

import { describe, expect, test } from "vitest";
import { type Client, expectError, expectKeys, freshApp, JSON_HEADERS } from "./support/http.js";

type Call = (c: Client) => Promise<{ status: number; body: unknown }>;
const post =
  (path: string, body?: unknown): Call =>
  (c) =>
    c.api("POST", path, body);
const get =
  (path: string): Call =>
  (c) =>
    c.api("GET", path);
const raw =
  (path: string, text: string, contentType = "application/json"): Call =>
  async (c) => {
    const res = await c.request(path, {
      method: "POST",
      headers: { accept: "application/json", "content-type": contentType },
      body: text,
    });
    return { status: res.status, body: await res.json() };
  };

const V = "/prompts/p/versions";

/** Every refusal of docs/api.md over JSON, each against the ladder: 1.0 PROD*, 1.1 TST*, 1.2 DEV*, 1.3 DEV. */
const refusals: Array<[string, Call, number, string]> = [
  ["create: malformed JSON", raw("/prompts", '{"name": "x", "body": '), 400, "bad_request"],
  ["create: a JSON array", raw("/prompts", '[{"name":"x","body":"y"}]'), 400, "bad_request"],
  ["create: JSON null", raw("/prompts", "null"), 400, "bad_request"],
  ["save: malformed JSON", raw(`${V}/1.2/save`, "{body: 'x'}"), 400, "bad_request"],
  ["new: malformed JSON", raw(`${V}/1.2/new`, "{"), 400, "bad_request"],
  ["save: text/plain garbage", raw(`${V}/1.2/save`, "not json", "text/plain"), 400, "bad_request"],
  ["create: bad name", post("/prompts", { name: "Has Caps", body: "x" }), 422, "validation_failed"],
  ["create: body missing", post("/prompts", { name: "ok" }), 422, "validation_failed"],
  ["create: config an array", post("/prompts", { name: "ok", body: "x", config: [1] }), 422, "validation_failed"],
  ["create: unknown field", post("/prompts", { name: "ok", body: "x", stage: "PROD" }), 422, "validation_failed"],
  ["save: body a number", post(`${V}/1.2/save`, { body: 42 }), 422, "validation_failed"],
  ["save: revision text", post(`${V}/1.2/save`, { body: "x", revision: "one" }), 422, "validation_failed"],
  ["save: revision 0", post(`${V}/1.2/save`, { body: "x", revision: 0 }), 422, "validation_failed"],
  ["new: major a string", post(`${V}/1.2/new`, { major: "yes" }), 422, "validation_failed"],
  ["get: unknown prompt", get("/prompts/nope"), 404, "not_found"],
  ["get: unknown version", get(`${V}/4.0`), 404, "not_found"],
  ["read: stage with no current", get("/prompts/q/stages/tst"), 404, "not_found"],
  ["read: not a stage", get("/prompts/p/stages/staging"), 404, "not_found"],
  ["promote: unknown version", post(`${V}/9.9/promote`), 404, "not_found"],
  ["save: unknown prompt", post("/prompts/nope/versions/1.0/save", { body: "x" }), 404, "not_found"],
  ["delete: unknown version", post(`${V}/1.9/delete`), 404, "not_found"],
  ["no such route", get("/nowhere"), 404, "not_found"],
  ["create: taken name", post("/prompts", { name: "p", body: "x" }), 409, "name_taken"],
  ["save: PROD", post(`${V}/1.0/save`, { body: "x" }), 409, "version_immutable"],
  ["promote: PROD", post(`${V}/1.0/promote`), 409, "invalid_transition"],
  ["make-current: current DEV", post(`${V}/1.2/make-current`), 409, "invalid_transition"],
  ["make-current: current PROD", post(`${V}/v1.0/make-current`), 409, "invalid_transition"],
  ["delete: TST", post(`${V}/1.1/delete`), 409, "delete_forbidden"],
  ["delete: PROD", post(`${V}/1.0/delete`), 409, "delete_forbidden"],
  ["delete: current DEV", post(`${V}/1.2/delete`), 409, "delete_forbidden"],
  ["save: stale revision", post(`${V}/1.3/save`, { body: "x", revision: 1 }), 409, "stale_revision"],
  ["save: revision from the future", post(`${V}/1.2/save`, { body: "x", revision: 7 }), 409, "stale_revision"],
];

describe("every refusal answers its code in JSON and changes nothing", () => {
  test.each(refusals)("%s", async (_label, call, status, code) => {
    const client = await freshApp();
    await client.ladder("p");
    await client.create("q");
    await client.act("p", "1.3", "save", { body: "moved on", revision: 1 });
    const before = await client.dump();
    const res = await call(client);
    expectError(res as { status: number; body: never }, status, code);
    expect(await client.dump()).toEqual(before);
  });
});

test("validation_failed lists issues as [{path, message}]", async () => {
  const { api } = await freshApp();
  const res = await api("POST", "/prompts", { name: "Bad Name", body: 3, description: "d".repeat(2001) });
  expectError(res, 422, "validation_failed");
  expect(res.body.error.issues.length).toBeGreaterThanOrEqual(3);
  for (const issue of res.body.error.issues) {
    expectKeys(issue, ["path", "message"]);
    expect(issue.message.length).toBeGreaterThan(0);
  }
  expect(res.body.error.issues.map((i: { path: string }) => i.path).sort()).toEqual(["body", "description", "name"]);
});

describe("deeply nested JSON is a 422 on its field (413 past the body's budget), never a 5xx", () => {
  const nested = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;

  test.each([
    [1_000, 422],
    [100_000, 413],
  ])("config %i levels deep, as JSON and as a form field", async (depth, status) => {
    const client = await freshApp();
    await client.create("p");
    const before = await client.dump();
    const json = raw("/prompts/p/versions/1.0/save", `{"body":"x","config":{"a":${nested(depth)}}}`);
    const res = await json(client);
    if (status === 413) {
      // Every level opens a value: the body is over its budget before it is parsed.
      expectError(res as { status: number; body: never }, 413, "payload_too_large");
    } else {
      expectError(res as { status: number; body: never }, 422, "validation_failed");
      expect((res.body as { error: { issues: unknown } }).error.issues).toEqual([
        { path: "config", message: expect.any(String) },
      ]);
    }
    const form = await client.form("/prompts", { name: "deep", body: "x", config: `{"a":${nested(depth)}}` });
    expect(form.status).toBe(422);
    expect(await client.dump()).toEqual(before);
  });

  test("a config nested a sensible depth is kept as sent", async () => {
    const client = await freshApp();
    const config = { a: JSON.parse(nested(40)) };
    const res = await client.api("POST", "/prompts", { name: "ok", body: "x", config });
    expect(res.status).toBe(201);
    expect(res.body.config).toEqual(config);
  });
});

test("a stale save names both revisions and writes nothing", async () => {
  const { api, create, act, dump } = await freshApp();
  await create("p", "v1");
  await act("p", "1.0", "save", { body: "v2", revision: 1 });
  const before = await dump();
  const res = await api("POST", "/prompts/p/versions/1.0/save", { body: "mine", revision: 1 });
  expectError(res, 409, "stale_revision");
  expect(res.body.error.message).toMatch(/2/);
  expect(await dump()).toEqual(before);
  expect((await api("GET", "/prompts/p/versions/1.0")).body).toMatchObject({ body: "v2", revision: 2 });
});

describe("413 payload_too_large for a request over 4 MiB", () => {
  const big = "x".repeat(4 * 1024 * 1024 + 16);

  test("JSON body", async () => {
    const client = await freshApp();
    await client.create("p");
    const before = await client.dump();
    for (const path of ["/prompts", "/prompts/p/versions/1.0/save"]) {
      const res = await client.request(path, {
        method: "POST",
        headers: JSON_HEADERS,
        body: JSON.stringify({ name: "big", body: big }),
      });
      expectError({ status: res.status, body: await res.json() }, 413, "payload_too_large");
    }
    expect(await client.dump()).toEqual(before);
  });

  test("form body: an error page with the 413 status", async () => {
    const client = await freshApp();
    await client.create("p");
    const before = await client.dump();
    const res = await client.form("/prompts/p/versions/1.0/save", { body: big, revision: "1" });
    expect(res.status).toBe(413);
    const html = await res.text();
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain("payload_too_large");
    const created = await client.form("/prompts", { name: "big", body: big });
    expect(created.status).toBe(413);
    expect(await client.dump()).toEqual(before);
  });

  test("a body under the limit but over the 1,000,000-byte prompt limit is 422, not 413", async () => {
    const client = await freshApp();
    const res = await client.api("POST", "/prompts", { name: "big", body: "x".repeat(1_000_001) });
    expectError(res, 422, "validation_failed");
  });
});

test("no malformed request gets a 5xx", async () => {
  const client = await freshApp();
  await client.create("p");
  const attempts: Array<[string, RequestInit]> = [
    ["/prompts/%E0%A4%A/versions/1.0", {}],
    ["/prompts/p/versions/%ZZ", {}],
    ["/prompts/p/versions/99999999999999999999.1", {}],
    ["/prompts/p/stages/%00", {}],
    ["/prompts?limit=1e3", {}],
    ["/prompts?cursor=%FF", {}],
    ["/prompts/p/history?cursor=-1", {}],
    ["/prompts/p/compare?from=&to=", {}],
    ["/prompts", { method: "POST", headers: { "content-type": "multipart/form-data; boundary=x" }, body: "--x--" }],
    ["/prompts", { method: "POST", headers: { "content-type": "application/json" }, body: '{"name":{"$gt":""}}' }],
    ["/prompts/p/versions/1.0/save", { method: "POST", headers: { "content-type": "application/json" }, body: "1" }],
    ["/prompts/p/versions/1.0/new", { method: "POST", headers: { "content-type": "application/xml" }, body: "<a/>" }],
    ["/prompts/p/versions/1.0/promote", { method: "PUT" }],
  ];
  for (const [path, init] of attempts) {
    const res = await client.request(path, { ...init, headers: { accept: "application/json", ...init.headers } });
    expect(res.status, `${init.method ?? "GET"} ${path}`).toBeLessThan(500);
  }
});

import fc from "fast-check";
import { expect, test } from "vitest";
import { ERROR_STATUS } from "../../../src/domain/errors.js";
import { errorSchema } from "../../../src/http/json.js";
import { langfuseErrorSchema } from "../../../src/http/langfuse-json.js";
import { sqliteOf } from "../../support/db.js";
import { runs } from "../../support/depth.js";
import { brokenRules, digest } from "../../support/invariants.js";
import { freshApp } from "../http/support/http.js";

/**
 * a fuzzer over every route (docs/api.md) with JSON, form, multipart and garbage bodies,
 * odd headers, paths and methods. For every request: never a 5xx; every JSON error in docs/api.md's
 * shape with a known code and its status; a refused request (4xx) leaves the database digest
 * unchanged. `npm test` sends PROMPTRAIL_FUZZ_RUNS requests (300, or 5000 with
 * PROMPTRAIL_TEST_DEEP=1: test/support/depth.ts); set it higher for a long run. A failure prints fast-check's seed and the shrunk request.
 */
const RUNS = runs("PROMPTRAIL_FUZZ_RUNS", 300, 5000);

const lone = JSON.parse('"A\\ud800B"') as string;
const often = <T>(usual: fc.Arbitrary<T>, odd: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 4, arbitrary: usual }, { weight: 1, arbitrary: odd });
const names = often(
  fc.constantFrom("p", "q"),
  fc.constantFrom("nope", "P", "a%2Fb", "%00", "..", "x".repeat(101), "%F0%9F%98%80", "%ED%A0%80"),
);
const versions = often(
  fc.constantFrom("1.0", "1.1", "1.2", "1.3", "1.4", "1.5"),
  fc.constantFrom("v1.3", "V1.2", "9.9", "0.0", "1.01", "-1.0", "abc", "1.0.0", "%20"),
);
const stages = fc.constantFrom("DEV", "tst", "prod", "QA", "%00");
const caseIds = fc.constantFrom("1", "2", "0", "-1", "abc", "99999999999999999999", "1e3");

const TEMPLATES = [
  "/",
  "/prompts",
  "/prompts/{n}",
  "/prompts/{n}/versions/{v}",
  "/prompts/{n}/versions/{v}/save",
  "/prompts/{n}/versions/{v}/promote",
  "/prompts/{n}/versions/{v}/new",
  "/prompts/{n}/versions/{v}/delete",
  "/prompts/{n}/versions/{v}/make-current",
  "/prompts/{n}/versions/{v}/test",
  "/prompts/{n}/versions/{v}/tests",
  "/prompts/{n}/versions/{v}/revisions",
  "/prompts/{n}/versions/{v}/revisions/{id}/restore",
  "/prompts/{n}/save",
  "/prompts/{n}/archive",
  "/prompts/{n}/unarchive",
  "/prompts/{n}/compare",
  "/prompts/{n}/history",
  "/prompts/{n}/stages/{s}",
  "/prompts/{n}/stages/{s}/render",
  "/prompts/{n}/versions/{v}/render",
  "/mcp",
  "/prompts/{n}/test-cases",
  "/prompts/{n}/test-cases/{id}",
  "/prompts/{n}/test-cases/{id}/save",
  "/prompts/{n}/test-cases/{id}/delete",
  "/prompts/{n}/test-cases/import",
  // A comparison's list is left out: its POST from a form starts one that writes on in the
  // background, which would show up in the next refused request's digest.
  "/prompts/{n}/comparisons/{id}",
  "/reviews",
  "/reviews/{id}",
  "/reviews/{id}/approve",
  "/reviews/{id}/reject",
  "/reviews/{id}/withdraw",
  "/audit",
  "/settings",
  "/settings/environments",
  "/settings/environments/{s}",
  "/settings/webhooks",
  "/settings/webhooks/{id}",
  "/settings/webhooks/{id}/save",
  "/settings/webhooks/{id}/delete",
  "/settings/webhooks/{id}/test",
  "/settings/webhooks/{id}/deliveries/{n}/redeliver",
  "/login",
  "/logout",
  "/me",
  "/settings/password",
  "/settings/users",
  "/settings/users/{n}/save",
  "/settings/users/{n}/disable",
  "/settings/users/{n}/enable",
  "/settings/tokens",
  "/settings/tokens/{id}/revoke",
  "/api/public/v2/prompts",
  "/api/public/v2/prompts/{n}",
  "/healthz",
  "/static/app.css",
  "/static/{n}",
];

const routePath = fc
  .record({ t: fc.constantFrom(...TEMPLATES), n: names, v: versions, s: stages, id: caseIds })
  .map(({ t, n, v, s, id }) => t.replace("{n}", n).replace("{v}", v).replace("{s}", s).replace("{id}", id));
const randomPath = fc
  .array(fc.oneof(names, versions, fc.string({ maxLength: 8 }).map(encodeURIComponent)), { maxLength: 6 })
  .map((parts) => `/${parts.join("/")}`);
const query = fc
  .dictionary(
    fc.constantFrom("limit", "cursor", "q", "from", "to", "edit", "x"),
    fc.oneof(
      fc.constantFrom("0", "1", "2", "200", "201", "-1", "abc", "1e3", "", "1.0", "v1.2"),
      fc.string({ maxLength: 20 }),
    ),
    { maxKeys: 3 },
  )
  .map((q) => (Object.keys(q).length ? `?${new URLSearchParams(q)}` : ""));

/** Values a field may carry. baseUrl only ever names nothing reachable: the fuzzer sends no traffic anywhere. */
const anyValue = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(lone, "{{a}}".repeat(100), "x".repeat(70_000), "\r\n", "ad-hoc", "PROD", "TST"),
);
const fieldValues: Record<string, fc.Arbitrary<unknown>> = {
  baseUrl: fc.constantFrom(
    "x",
    "",
    "http://127.0.0.1:9/v1",
    "https://a.example/v1?x=1",
    "https://a.example/#",
    "ftp://x",
    "https://u:p@a.example",
  ),
  apiKeyEnv: fc.constantFrom("PROMPTRAIL_DB", "PROMPTRAIL_X_KEY", "HOME", "", null),
  // A webhook's Test sends at once: only URLs refused before anything leaves (or .invalid, which never resolves).
  url: fc.constantFrom(
    "x",
    "",
    "ftp://x",
    "http://127.0.0.1:9/hook",
    "http://10.0.0.1/",
    "https://u:p@a.example/",
    lone,
  ),
  types: fc.oneof(fc.array(fc.constantFrom("version.promoted", "prompt.created", "x", ""), { maxLength: 3 }), anyValue),
  stages: fc.oneof(fc.array(fc.constantFrom("PROD", "dev", "QA"), { maxLength: 3 }), anyValue),
  provider: fc.constantFrom("echo", "openai", "x"),
  assertions: fc.array(
    fc.record({ type: fc.constantFrom("contains", "regex", "json", "max-length", "equals", "x"), value: anyValue }),
    { maxLength: 3 },
  ),
  variables: fc.oneof(fc.dictionary(fc.constantFrom("a", "name", "1x", lone), fc.string({ maxLength: 20 })), anyValue),
  // The prompt contract: declared variables, tools and a response format, well-formed or not.
  tools: fc.oneof(
    fc.constant([{ type: "function", function: { name: "f", parameters: { type: "object" } } }]),
    fc.constant('[{"type": "function",}]'),
    anyValue,
  ),
  responseFormat: fc.oneof(
    fc.constant({ type: "json_schema", json_schema: { name: "r", schema: { type: "strin" } } }),
    fc.constant({ type: "json_object" }),
    anyValue,
  ),
  "cv.0.type": fc.constantFrom("string", "number", "enum", "date"),
  // A dataset to import: CSV, JSON lines, or neither.
  content: fc.oneof(
    fc.constantFrom("name,vars.name\nx,Ada\n", '{"name":"y","variables":{"name":"Bo"}}\n', "a,a\n1"),
    anyValue,
  ),
  format: fc.constantFrom("csv", "jsonl", "x", ""),
  baseline: fc.oneof(fc.constantFrom("PROD", "1.0", "", "9.9"), fc.constant({ prompt: "q", version: "1.0" }), anyValue),
  state: fc.constantFrom("open", "applied", "x"),
};
const FIELDS = [
  "name",
  "description",
  "body",
  "config",
  "revision",
  "major",
  "variables",
  "assertions",
  "to",
  "provider",
  "baseUrl",
  "model",
  "apiKeyEnv",
  "timeoutMs",
  "gate",
  "var.a",
  "a_type",
  "a_value",
  "url",
  "types",
  "stages",
  "active",
  "tools",
  "responseFormat",
  "contract",
  "cv.0.name",
  "cv.0.type",
  "cv.0.default",
  "comment",
  "candidate",
  "baseline",
  "content",
  "format",
  "state",
];
/** Mostly what a form of the app would send, sometimes anything. */
const plausible = fc.oneof(
  fc.record({ name: fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/), body: fc.constantFrom("Hi {{name}}", "x", "") }),
  fc.record({ body: fc.string({ maxLength: 30 }) }, { requiredKeys: [] }),
  fc.record({ major: fc.boolean() }, { requiredKeys: [] }),
  fc.record({ name: fc.string({ maxLength: 12 }), variables: fc.constant({ name: "Ada" }) }),
  fc.record({ variables: fc.constant({ name: "Bo" }) }, { requiredKeys: [] }),
  fc.record({ gate: fc.boolean(), provider: fc.constantFrom("echo", "openai") }, { requiredKeys: [] }),
  fc.record({
    url: fc.constantFrom("http://hooks.invalid/p", "http://127.0.0.1:9/"),
    types: fc.constant(["version.promoted"]),
  }),
);
const fields = fc
  .uniqueArray(fc.constantFrom(...FIELDS), { maxLength: 6 })
  .chain((keys) => fc.tuple(...keys.map((k) => fc.tuple(fc.constant(k), fieldValues[k] ?? anyValue))))
  .map((pairs) => Object.fromEntries(pairs) as Record<string, unknown>)
  .chain((odd) => often<Record<string, unknown>>(plausible, fc.constant(odd)));

const asText = (v: unknown) => (typeof v === "string" ? v : (JSON.stringify(v) ?? ""));

/** A body and the content type it claims (sometimes falsely). */
const body = fc.oneof(
  fields.map((f) => ({ type: "application/json", data: JSON.stringify(f) as BodyInit })),
  fields.map((f) => ({
    type: "application/x-www-form-urlencoded",
    data: new URLSearchParams(Object.entries(f).map(([k, v]) => [k, asText(v)])).toString() as BodyInit,
  })),
  fields.map((f) => {
    const form = new FormData();
    for (const [k, v] of Object.entries(f)) form.append(k, asText(v));
    return { type: null, data: form as BodyInit }; // fetch writes the boundary
  }),
  fc.record({
    type: fc.constantFrom(
      "application/json",
      "multipart/form-data",
      "multipart/form-data; boundary=x",
      "text/plain",
      "application/x-www-form-urlencoded",
      "application/xml",
      "garbage",
    ),
    data: fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.constantFrom("{", "--x\r\nbroken", "null", "[]", `"${"a".repeat(10)}"`),
    ),
  }),
  fc.constant(null),
);
/** Now and then a body over the 4 MiB limit (413). */
const anyBody = fc.oneof(
  { weight: 30, arbitrary: body },
  {
    weight: 1,
    arbitrary: fc.constant({ type: "application/json", data: `{"body":"${"x".repeat(4 * 1024 * 1024)}"}` as BodyInit }),
  },
);

/** Odd headers now and then: most requests look like a browser's or curl's, so that they get through. */
const sometimes = <T>(arbitrary: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary });
const headers = fc
  .record({
    accept: fc.option(
      fc.constantFrom(
        "application/json",
        "text/html",
        "text/plain",
        "*/*",
        "application/json;q=0.1, text/html",
        "garbage/",
        "",
      ),
      { nil: undefined },
    ),
    "hx-request": fc.option(fc.constantFrom("true", "false"), { nil: undefined }),
    origin: sometimes(fc.constantFrom("http://localhost", "https://evil.example", "null", "http://localhost:1")),
    "sec-fetch-site": sometimes(fc.constantFrom("same-origin", "cross-site", "none", "same-site")),
    host: sometimes(fc.constantFrom("localhost", "evil.example", "127.0.0.1:3000", "[::1]", "localhost:1 x")),
    "if-none-match": sometimes(fc.constantFrom("*", '"x"', 'W/"y"')),
  })
  .map((h) => Object.fromEntries(Object.entries(h).filter(([, v]) => v !== undefined)) as Record<string, string>);

const request = fc.record({
  method: often(fc.constantFrom("GET", "POST", "POST"), fc.constantFrom("HEAD", "OPTIONS", "PUT", "DELETE", "PATCH")),
  path: fc.oneof({ weight: 5, arbitrary: routePath }, { weight: 1, arbitrary: randomPath }),
  query,
  headers,
  body: anyBody,
});

const CODES = new Set(Object.keys(ERROR_STATUS));

/** A JSON-RPC error response: `{jsonrpc: "2.0", error: {code: integer, message}, id}`. */
const isJsonRpcError = (v: { jsonrpc?: unknown; error?: { code?: unknown; message?: unknown } }) =>
  v.jsonrpc === "2.0" && Number.isInteger(v.error?.code) && typeof v.error?.message === "string";

test(`fuzzing every route: ${RUNS} requests, no 5xx, errors in docs/api.md's shape, refusals change nothing`, async () => {
  const noNetwork: typeof fetch = async (input) => {
    throw new Error(`the fuzzer sends no traffic (asked for ${String(input)})`);
  };
  const client = await freshApp({ fetch: noNetwork });
  await client.ladder("p");
  await client.create("q", "Hi {{name}}");
  await client.api("POST", "/prompts/p/test-cases", { name: "one", variables: { name: "Ada" } });
  const tally = { requests: 0, status5xx: 0, refusedButChanged: 0, refused: 0 };
  const statuses = new Map<number, number>();

  await fc.assert(
    fc.asyncProperty(request, async (r) => {
      const init: RequestInit = { method: r.method, headers: { ...r.headers } };
      if (r.body && r.method !== "GET" && r.method !== "HEAD") {
        init.body = r.body.data;
        if (r.body.type) (init.headers as Record<string, string>)["content-type"] = r.body.type;
      }
      const before = digest(sqliteOf(client.db).sqlite);
      const res = await client.request(`${r.path}${r.query}`, init);
      const text = await res.text();
      tally.requests++;
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status >= 500) tally.status5xx++;
      expect(res.status, text.slice(0, 300)).toBeLessThan(500);
      if (res.status >= 400) {
        tally.refused++;
        const json = r.method !== "HEAD" && (res.headers.get("content-type") ?? "").startsWith("application/json");
        if (json && r.path.startsWith("/api/public/")) {
          // The Langfuse-compatible routes answer errors as Langfuse does (docs/rules.md, chat prompts): {message, error}.
          expect(langfuseErrorSchema.safeParse(JSON.parse(text)).success, text.slice(0, 300)).toBe(true);
        } else if (json && r.path.startsWith("/mcp") && isJsonRpcError(JSON.parse(text))) {
          // What the MCP transport refuses itself (Accept, Content-Type, not a JSON-RPC message)
          // it answers as the protocol does (docs/mcp.md, "The transport").
        } else if (json) {
          const parsed = errorSchema.safeParse(JSON.parse(text));
          expect(parsed.success, text.slice(0, 300)).toBe(true);
          const code = parsed.data?.error.code ?? "";
          expect(CODES.has(code), code).toBe(true);
          expect(res.status).toBe(ERROR_STATUS[code as keyof typeof ERROR_STATUS]);
        }
        const changed = digest(sqliteOf(client.db).sqlite) !== before;
        if (changed) tally.refusedButChanged++;
        expect(changed, `${r.method} ${r.path} answered ${res.status} but changed the database`).toBe(false);
      }
    }),
    { numRuns: RUNS },
  );
  expect(brokenRules(sqliteOf(client.db).sqlite)).toEqual([]);
  console.info(
    `fuzzer: ${tally.requests} requests, ${tally.refused} refused, ${tally.status5xx} 5xx, ${tally.refusedButChanged} refused but changed; by status ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`,
  );
}, 600_000);

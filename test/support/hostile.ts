import type { Hono } from "hono";

/** What the steps need of a client. Answers are read as text, never parsed: only the server's work is measured. */
export interface HostileClient {
  api(method: string, path: string, body?: unknown): Promise<string>;
  page(path: string): Promise<string>;
  form(path: string, fields: Record<string, string>): Promise<string>;
  request(path: string, init: RequestInit): Promise<string>;
}

/** A client over app.request(), in this process, that reads every answer as text. */
export function hostileClient(app: Hono): HostileClient {
  const request = async (path: string, init: RequestInit = {}) => (await app.request(path, init)).text();
  return {
    request,
    api: (method, path, body) =>
      request(path, {
        method,
        headers: { accept: "application/json", ...(body === undefined ? {} : { "content-type": "application/json" }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    page: (path) => request(path, { headers: { accept: "text/html" } }),
    form: (path, fields) =>
      request(path, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", accept: "text/html" },
        body: new URLSearchParams(fields).toString(),
      }),
  };
}

/**
 * The nastiest inputs a request can carry, as steps against one app: each is a
 * request a careless user or an attacker could send. Used by the event-loop stall test and
 * bench/event-loop.ts, which measure the longest stall of the event loop while they run.
 */
export function hostileSteps(client: HostileClient): Array<[string, () => unknown]> {
  const big = (fill: string) => fill.repeat(Math.floor(999_000 / fill.length));
  const json = (method: string, path: string, body?: unknown) => client.api(method, path, body);
  // Built before the first step runs: building them is the client's work, not the server's.
  const built = {
    garbageJson: post("json", `[${"1,".repeat(2_000_000)}1]`),
    bigForm: post("form", new URLSearchParams({ name: "f", body: "b".repeat(4_000_000) }).toString()),
    signInForm: post("form", Array.from({ length: 300_000 }, (_, i) => `f${i}=${i}`).join("&")),
    signInJson: post("json", JSON.stringify(wideObject(300_000))),
    wideForm: post("form", Array.from({ length: 300_000 }, (_, i) => `f${i}=${i}`).join("&")),
    multipart: multipart(50_000),
    wideConfig: post("json", JSON.stringify({ body: "x", config: wideObject(200_000) })),
    wideConfigForm: post(
      "form",
      new URLSearchParams({ body: "x", config: JSON.stringify(wideObject(100_000)) }).toString(),
    ),
    manyMessages: post(
      "json",
      JSON.stringify({
        name: "m",
        type: "chat",
        messages: Array.from({ length: 100_000 }, () => ({ role: "user", content: "x" })),
      }),
    ),
  };
  return [
    ["create a 1 MB prompt", () => json("POST", "/prompts", { name: "big", body: `${big("lorem ipsum ")}{{a}}` })],
    ["save a 1 MB draft", () => json("POST", "/prompts/big/versions/1.0/save", { body: `${big("dolor sit ")}{{a}}` })],
    ["new version of it", () => json("POST", "/prompts/big/versions/1.0/new", {})],
    ["save another 1 MB text", () => json("POST", "/prompts/big/versions/1.1/save", { body: big("x y\n") })],
    ["compare two different 1 MB versions", () => json("GET", "/prompts/big/compare?from=1.0&to=1.1")],
    ["version page of a 1 MB body", () => client.page("/prompts/big/versions/1.0")],
    ["editor page of a 1 MB body", () => client.page("/prompts/big/versions/1.0?edit=1")],
    ["revisions page of 1 MB revisions", () => client.page("/prompts/big/versions/1.0/revisions")],
    ["a 4 MiB request of garbage JSON", () => client.request("/prompts", built.garbageJson)],
    ["a 4 MiB form", () => client.request("/prompts", built.bigForm)],
    ["a sign-in form of 300,000 fields (2.8 MiB)", () => client.request("/login", built.signInForm)],
    ["a sign-in JSON body of 300,000 keys", () => client.request("/login", built.signInJson)],
    ["a form of 300,000 fields to a route that takes forms", () => client.request("/prompts", built.wideForm)],
    ["a multipart form of 50,000 parts", () => client.request("/prompts", built.multipart)],
    ["a config of 200,000 keys (JSON)", () => client.request("/prompts/big/versions/1.0/save", built.wideConfig)],
    [
      "a config of 100,000 keys (a form's JSON field)",
      () => client.request("/prompts/big/versions/1.0/save", built.wideConfigForm),
    ],
    ["100,000 messages in a JSON body", () => client.request("/prompts", built.manyMessages)],
    [
      "config nested 64 deep, 64 KiB wide",
      () =>
        json("POST", "/prompts", {
          name: "cfg",
          body: "x",
          config: { deep: JSON.parse(`${"[".repeat(62)}${"]".repeat(62)}`), wide: "w".repeat(60_000) },
        }),
    ],
    [
      "50 test cases with 50 assertions on a 1 MB output",
      async () => {
        const assertions = Array.from({ length: 50 }, (_, i) => ({
          type: i % 2 ? "contains" : "not-contains",
          value: `needle ${i}`,
        }));
        for (let i = 0; i < 50; i++)
          await json("POST", "/prompts/big/test-cases", { name: `c${i}`, variables: { a: `${i}` }, assertions });
        return json("POST", "/prompts/big/versions/1.0/test", { variables: { a: "x" } });
      },
    ],
    [
      "TEST a template that would render 4 GB",
      async () => {
        await json("POST", "/prompts", { name: "bomb", body: "{{a}}".repeat(5000) });
        for (let i = 0; i < 8; i++)
          await json("POST", "/prompts/bomb/test-cases", { name: `c${i}`, variables: { a: "a".repeat(100_000) } });
        return json("POST", "/prompts/bomb/versions/1.0/test", {});
      },
    ],
    [
      "TEST a catastrophic regex",
      async () => {
        await json("POST", "/prompts", { name: "redos", body: `${"a".repeat(40)}!` });
        await json("POST", "/prompts/redos/test-cases", {
          name: "evil",
          assertions: [{ type: "regex", value: "(a+)+$" }],
        });
        return json("POST", "/prompts/redos/versions/1.0/test", {});
      },
    ],
    [
      "a regex over a 1 MB output",
      async () => {
        await json("POST", "/prompts/big/test-cases", {
          name: "re",
          variables: { a: "x" },
          assertions: [{ type: "regex", value: "(?:.{0,40}[a-e]){8}[0-9]" }],
        });
        return json("POST", "/prompts/big/versions/1.0/test", {});
      },
    ],
    ["a page of the largest runs", () => json("GET", "/prompts/big/versions/1.0/tests")],
    ["the test runs page", () => client.page("/prompts/big/versions/1.0/tests")],
    ["history of a busy prompt", () => client.page("/prompts/big/history")],
  ];
}

/** `{k0: 0, k1: 1, …}` with `n` keys. */
const wideObject = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]));

/** A POST whose body is already bytes (a form or JSON, answered as JSON). */
function post(kind: "form" | "json", text: string): RequestInit {
  const type = kind === "json" ? "application/json" : "application/x-www-form-urlencoded";
  return { method: "POST", headers: { "content-type": type, accept: "application/json" }, body: Buffer.from(text) };
}

/** A multipart form of `n` small parts, as bytes. */
function multipart(n: number): RequestInit {
  const boundary = "hostile-boundary";
  const parts = Array.from(
    { length: n },
    (_, i) => `--${boundary}\r\nContent-Disposition: form-data; name="f${i}"\r\n\r\n${i}\r\n`,
  );
  return {
    method: "POST",
    headers: { "content-type": `multipart/form-data; boundary=${boundary}`, accept: "application/json" },
    body: Buffer.from(`${parts.join("")}--${boundary}--\r\n`),
  };
}

import { describe, expect, test } from "vitest";
import {
  type Client,
  expectError,
  expectFragment,
  expectPage,
  expectSeeOther,
  FORM,
  freshApp,
} from "./support/http.js";

/** Every unsafe route of docs/api.md that exists, as a form would post it. */
const posts: Array<[string, string, Record<string, string>]> = [
  ["create", "/prompts", { name: "evil", body: "pwned" }],
  ["save", "/prompts/p/versions/1.3/save", { body: "pwned" }],
  ["promote", "/prompts/p/versions/1.1/promote", {}],
  ["new", "/prompts/p/versions/1.0/new", {}],
  ["delete", "/prompts/p/versions/1.3/delete", {}],
  ["make-current", "/prompts/p/versions/1.3/make-current", {}],
];

const crossSite: Array<[string, Record<string, string>]> = [
  ["Origin: https://evil.example", { origin: "https://evil.example" }],
  ["Sec-Fetch-Site: cross-site", { "sec-fetch-site": "cross-site" }],
  ["both", { origin: "https://evil.example", "sec-fetch-site": "cross-site" }],
  ["Origin: null (a sandboxed frame)", { origin: "null" }],
  ["same host on another port", { origin: "http://localhost:8081" }],
  ["same host over another scheme", { origin: "https://localhost" }],
  ["matching Origin but Sec-Fetch-Site: cross-site", { origin: "http://localhost", "sec-fetch-site": "cross-site" }],
];

async function ladder(): Promise<Client> {
  const client = await freshApp();
  await client.ladder("p");
  return client;
}

describe("a cross-site request is refused 403 and changes nothing", () => {
  for (const [how, headers] of crossSite) {
    test.each(posts)(`${how}: form %s`, async (_label, path, fields) => {
      const client = await ladder();
      const before = await client.dump();
      const html = await expectPage(await client.form(path, fields, headers), 403);
      expect(html).toContain("<code>forbidden</code>");
      expect(await client.dump()).toEqual(before);
    });
  }

  test("JSON from another site: 403 forbidden", async () => {
    const client = await ladder();
    const before = await client.dump();
    const res = await client.request("/prompts/p/versions/1.1/promote", {
      method: "POST",
      headers: { accept: "application/json", "content-type": "application/json", origin: "https://evil.example" },
      body: "{}",
    });
    expectError({ status: res.status, body: await res.json() }, 403, "forbidden");
    expect(await client.dump()).toEqual(before);
  });

  test("htmx from another site: the refusal in #flash", async () => {
    const client = await ladder();
    const before = await client.dump();
    const res = await client.request("/prompts/p/versions/1.1/promote", {
      method: "POST",
      headers: { "hx-request": "true", "content-type": FORM, "sec-fetch-site": "cross-site" },
      body: "",
    });
    expect(res.headers.get("hx-retarget")).toBe("#flash");
    await expectFragment(res, "flash", 403);
    expect(await client.dump()).toEqual(before);
  });

  test("a cross-site text/plain POST (a 'simple' request no preflight stops) is refused too", async () => {
    const client = await ladder();
    const before = await client.dump();
    const res = await client.request("/prompts/p/versions/1.1/promote", {
      method: "POST",
      headers: { "content-type": "text/plain", origin: "https://evil.example" },
      body: "{}",
    });
    expect(res.status).toBe(403);
    expect(await client.dump()).toEqual(before);
  });
});

describe("same-origin and header-less requests pass", () => {
  const allowed: Array<[string, Record<string, string>]> = [
    ["no Origin, no Sec-Fetch-Site (curl)", {}],
    ["Origin matching the request URL", { origin: "http://localhost" }],
    ["Sec-Fetch-Site: same-origin", { "sec-fetch-site": "same-origin" }],
    ["both same-origin", { origin: "http://localhost", "sec-fetch-site": "same-origin" }],
    ["Sec-Fetch-Site: none (typed by the user)", { "sec-fetch-site": "none" }],
  ];

  test.each(allowed)("%s", async (_label, headers) => {
    const client = await ladder();
    expectSeeOther(await client.form("/prompts/p/versions/1.3/make-current", {}, headers), "/prompts/p/versions/1.3");
    expectSeeOther(await client.form("/prompts", { name: "made", body: "x" }, headers), "/prompts/made/versions/1.0");
    expect((await client.api("GET", "/prompts/p")).body.current.DEV).toBe("1.3");
  });

  test("behind a proxy, the Origin of PROMPTRAIL_PUBLIC_URL passes (and only that one)", async () => {
    const client = await freshApp({ publicUrl: "https://prompts.example.com" });
    const at = "http://prompts.example.com/prompts";
    const headers = { host: "prompts.example.com", "content-type": FORM, accept: "text/html" };
    const body = new URLSearchParams({ name: "p", body: "x" }).toString();
    const post = (origin: string) => client.request(at, { method: "POST", headers: { ...headers, origin }, body });
    expect((await post("http://prompts.example.com")).status).toBe(403);
    expect((await post("https://prompts.example.com")).status).toBe(303);
  });

  test("safe methods are never refused, whatever their origin", async () => {
    const client = await ladder();
    const res = await client.request("/prompts/p", {
      headers: { origin: "https://evil.example", "sec-fetch-site": "cross-site", accept: "application/json" },
    });
    expect(res.status).toBe(200);
  });
});

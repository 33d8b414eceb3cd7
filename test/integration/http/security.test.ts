import { describe, expect, test } from "vitest";
import { scriptTags } from "./support/html.js";
import { type Client, freshApp, HX } from "./support/http.js";

/** Every page a browser can land on (status 200 unless given), after `ladder("p")`. */
const pages: Array<[string, number?]> = [
  ["/"],
  ["/prompts"],
  ["/prompts/p"],
  ["/prompts/p/versions/1.2"],
  ["/prompts/p/versions/1.0"],
  ["/prompts/p/versions/1.2?edit=1"],
  ["/prompts/p/versions/1.1/promote"],
  ["/prompts/p/versions/1.3/delete"],
  ["/prompts/p/versions/1.2/revisions"],
  ["/prompts/p/compare?from=1.0&to=1.3"],
  ["/prompts/p/history"],
  ["/prompts/p/stages/prod"],
  ["/healthz"],
  ["/settings/environments"],
  ["/prompts/p/test-cases"],
  ["/prompts/p/versions/1.2/tests"],
  ["/prompts/nope", 404],
  ["/prompts/p/versions/1.0/promote", 409],
];

async function ladder(): Promise<Client> {
  const client = await freshApp();
  await client.ladder("p");
  return client;
}

const html = (client: Client, path: string) =>
  client.request(path, { headers: { accept: "text/html,application/xhtml+xml,*/*;q=0.8" } });

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp
      .split(";")
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...values]) => [(name as string).toLowerCase(), values]),
  );
}

function expectSecurityHeaders(res: Response): void {
  const csp = directives(res.headers.get("content-security-policy") ?? "");
  const scripts = csp.get("script-src") ?? csp.get("default-src");
  expect(scripts, "a script-src (or default-src) directive").toBeDefined();
  expect(scripts).not.toContain("'unsafe-inline'");
  expect(scripts).not.toContain("'unsafe-eval'");
  expect(scripts).not.toContain("*");
  expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  const frameAncestors = csp.get("frame-ancestors") ?? [];
  const xfo = (res.headers.get("x-frame-options") ?? "").toUpperCase();
  expect(xfo === "DENY" || frameAncestors.join(" ") === "'none'").toBe(true);
  expect(xfo).toBe("DENY");
  expect(frameAncestors).toEqual(["'none'"]);
}

describe("security headers on every kind of answer", () => {
  test.each(pages)("page %s", async (path, status = 200) => {
    const client = await ladder();
    const res = await html(client, path);
    expect(res.status).toBe(status);
    expectSecurityHeaders(res);
  });

  test.each([
    ["JSON", "/prompts/p", { accept: "application/json" }],
    ["a JSON error", "/prompts/none", { accept: "application/json" }],
    ["a fragment", "/prompts/p/versions/1.2", HX],
    ["the raw runtime read", "/prompts/p/stages/dev", { accept: "text/plain" }],
    ["a stylesheet", "/static/app.css", {}],
    ["a script", "/static/app.js", {}],
  ])("%s", async (_label, path, headers) => {
    const client = await ladder();
    expectSecurityHeaders(await client.request(path, { headers }));
  });

  test("a 303 after a form post", async () => {
    const client = await freshApp();
    const res = await client.form("/prompts", { name: "p", body: "x" });
    expect(res.status).toBe(303);
    expectSecurityHeaders(res);
  });
});

describe("no inline script anywhere (the CSP would block it)", () => {
  test.each(pages)("%s", async (path, status = 200) => {
    const client = await ladder();
    const res = await html(client, path);
    expect(res.status).toBe(status);
    const text = await res.text();
    const scripts = scriptTags(text);
    if (text.includes("<head>")) expect(scripts.length).toBeGreaterThan(0);
    for (const [tag, attrs, content] of scripts) {
      expect(attrs, tag).toMatch(/\ssrc="\/static\/[^"]+"/);
      expect(content, tag).toBe("");
    }
    expect(text).not.toMatch(/<[a-z][^>]*\son[a-z]+=/i);
    expect(text).not.toMatch(/\shx-on[:-]/);
    expect(text).not.toMatch(/href="javascript:/i);
    expect(text).not.toMatch(/<[a-z][^>]*\sstyle="/i);
    expect(text).not.toMatch(/<style[\s>]/i);
  });

  test("htmx fragments carry no script either", async () => {
    const client = await ladder();
    for (const path of ["/prompts/p/versions/1.2", "/prompts/p/versions/1.2?edit=1", "/prompts?q=p"]) {
      const text = await (await client.htmx(path)).text();
      expect(text).not.toMatch(/<script/i);
      expect(text).not.toMatch(/<[a-z][^>]*\son[a-z]+=/i);
    }
  });
});

import { describe, expect, test } from "vitest";
import { healthSchema } from "../../../src/http/json.js";
import { rawSql } from "../../support/state.js";
import { expectError, expectKeys, expectPage, expectVersion, freshApp } from "./support/http.js";

type App = Awaited<ReturnType<typeof freshApp>>;
const read = (client: App, path: string, headers: Record<string, string> = {}) => client.request(path, { headers });

/** A strong entity tag: quoted, no W/ prefix. */
function strongEtag(res: Response): string {
  const etag = res.headers.get("etag") ?? "";
  expect(etag).toMatch(/^"[^"]+"$/);
  return etag;
}

describe("GET /prompts/:name/stages/:stage (runtime read)", () => {
  test("JSON by default: the current version object of the stage", async () => {
    const client = await freshApp();
    await client.ladder("p");
    for (const [stage, version] of [
      ["PROD", "1.0"],
      ["TST", "1.1"],
      ["DEV", "1.2"],
    ]) {
      const res = await read(client, `/prompts/p/stages/${stage}`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^application\/json/);
      const body = await res.json();
      expectVersion(body, { prompt: "p", version, stage, current: true });
      expect(body).toEqual((await client.api("GET", `/prompts/p/versions/${version}`)).body);
    }
    const star = await read(client, "/prompts/p/stages/prod", { accept: "*/*" });
    expect(star.headers.get("content-type")).toMatch(/^application\/json/);
  });

  test("stage parameters are case-insensitive", async () => {
    const client = await freshApp();
    await client.create("p", "body");
    for (const stage of ["dev", "Dev", "DEV", "dEv"]) {
      const res = await read(client, `/prompts/p/stages/${stage}`);
      expect(res.status).toBe(200);
      expect((await res.json()).version).toBe("1.0");
    }
  });

  test("Accept: text/plain gives the raw body; text/html gives a page", async () => {
    const client = await freshApp();
    await client.create("p", "Raw <b>text</b> & {{name}}\nline two");
    const text = await read(client, "/prompts/p/stages/dev", { accept: "text/plain" });
    expect(text.status).toBe(200);
    expect(text.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await text.text()).toBe("Raw <b>text</b> & {{name}}\nline two");
    const html = await expectPage(await read(client, "/prompts/p/stages/DEV", { accept: "text/html" }));
    expect(html).toContain("Raw &lt;b&gt;text&lt;/b&gt; &amp;");
    expect(html).toContain('id="version-panel"');
  });

  test("404 not_found: no current version in the stage, an unknown prompt, a word that is no stage", async () => {
    const client = await freshApp();
    await client.create("p");
    const cases = [
      "/prompts/p/stages/tst",
      "/prompts/p/stages/PROD",
      "/prompts/none/stages/dev",
      "/prompts/p/stages/qa",
    ];
    for (const path of cases) expectError(await client.api("GET", path), 404, "not_found");
    const plain = await read(client, "/prompts/p/stages/prod", { accept: "text/plain" });
    expect(plain.status).toBe(404);
    await expectPage(await read(client, "/prompts/p/stages/prod", { accept: "text/html" }), 404);
    await client.act("p", "1.0", "promote");
    expectError(await client.api("GET", "/prompts/p/stages/dev"), 404, "not_found");
  });

  test("a 404 of the runtime read follows its own rule: JSON by default, text for text/plain", async () => {
    const client = await freshApp();
    await client.create("p");
    const variants: Array<Record<string, string>> = [{}, { accept: "*/*" }, { accept: "application/json" }];
    for (const headers of variants) {
      const res = await read(client, "/prompts/p/stages/prod", headers);
      expect(res.headers.get("content-type")).toMatch(/^application\/json/);
      expectError({ status: res.status, body: await res.json() }, 404, "not_found");
    }
    const text = await read(client, "/prompts/p/stages/prod", { accept: "text/plain" });
    expect(text.status).toBe(404);
    expect(text.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await text.text()).toMatch(/no current PROD version/);
    const missing = await read(client, "/prompts/none/stages/prod");
    expectError({ status: missing.status, body: await missing.json() }, 404, "not_found");
  });

  test("Vary: Accept and a strong ETag that differs per representation", async () => {
    const client = await freshApp();
    await client.create("p");
    const tags = new Set<string>();
    for (const accept of ["application/json", "text/plain", "text/html"]) {
      const res = await read(client, "/prompts/p/stages/dev", { accept });
      expect(res.headers.get("vary") ?? "").toMatch(/\bAccept\b/);
      tags.add(strongEtag(res));
    }
    expect(tags.size).toBe(3);
    const again = await read(client, "/prompts/p/stages/dev", { accept: "application/json" });
    expect(tags.has(strongEtag(again))).toBe(true);
  });

  test("304 on If-None-Match, also when the tag is one of a list; 200 with another tag", async () => {
    const client = await freshApp();
    await client.create("p");
    const etag = strongEtag(await read(client, "/prompts/p/stages/dev"));
    const hit = await read(client, "/prompts/p/stages/dev", { "if-none-match": etag });
    expect(hit.status).toBe(304);
    expect(await hit.text()).toBe("");
    expect(hit.headers.get("etag")).toBe(etag);
    const listed = await read(client, "/prompts/p/stages/dev", { "if-none-match": `"other", ${etag}, "more"` });
    expect(listed.status).toBe(304);
    const miss = await read(client, "/prompts/p/stages/dev", { "if-none-match": '"other"' });
    expect(miss.status).toBe(200);
    const otherType = await read(client, "/prompts/p/stages/dev", { accept: "text/plain", "if-none-match": etag });
    expect(otherType.status).toBe(200);
    expect(await otherType.text()).toBe("Hello {{name}}");
  });

  test("If-None-Match compares weakly (RFC 9110): W/ of the tag, as a gzip proxy sends it, still matches", async () => {
    const client = await freshApp();
    await client.create("p");
    const etag = strongEtag(await read(client, "/prompts/p/stages/dev"));
    expect((await read(client, "/prompts/p/stages/dev", { "if-none-match": `W/${etag}` })).status).toBe(304);
  });

  test("the ETag changes after an edit, a promotion and a make-current", async () => {
    const client = await freshApp();
    await client.create("p", "one");
    const tagOf = async (stage: string) => strongEtag(await read(client, `/prompts/p/stages/${stage}`));
    const first = await tagOf("dev");
    await client.act("p", "1.0", "save", { body: "two" });
    const edited = await tagOf("dev");
    expect(edited).not.toBe(first);
    expect((await read(client, "/prompts/p/stages/dev", { "if-none-match": first })).status).toBe(200);

    await client.act("p", "1.0", "new");
    await client.act("p", "1.1", "promote");
    const tst = await tagOf("tst");
    await client.act("p", "1.0", "promote");
    const promoted = await tagOf("tst");
    expect(promoted).not.toBe(tst);
    expect((await read(client, "/prompts/p/stages/tst", { "if-none-match": tst })).status).toBe(200);

    await client.act("p", "1.0", "promote", { to: "PROD" });
    await client.act("p", "1.1", "promote", { to: "PROD" });
    const prod = await tagOf("prod");
    await client.act("p", "1.0", "make-current");
    const rolledBack = await tagOf("prod");
    expect(rolledBack).not.toBe(prod);
    expect((await (await read(client, "/prompts/p/stages/prod")).json()).version).toBe("1.0");
  });

  test("the HTML read's ETag changes when what the page shows changes, even if the version did not", async () => {
    const client = await freshApp();
    await client.ladder("p");
    const html = { accept: "text/html" };
    const first = await read(client, "/prompts/p/stages/prod", html);
    const tag = strongEtag(first);
    expect(await first.text()).toContain('href="/prompts/p/versions/1.1">v1.1</a>');
    await client.act("p", "1.3", "promote");
    const after = await read(client, "/prompts/p/stages/prod", { ...html, "if-none-match": tag });
    expect(after.status).toBe(200);
    expect(await after.text()).toContain('href="/prompts/p/versions/1.3">v1.3</a>');
    const same = strongEtag(await read(client, "/prompts/p/stages/prod", html));
    expect((await read(client, "/prompts/p/stages/prod", { ...html, "if-none-match": same })).status).toBe(304);
  });

  test("two versions with the same content and timestamps still get different ETags", async () => {
    const client = await freshApp();
    await client.create("p", "same");
    await client.act("p", "1.0", "new");
    await client.act("p", "1.1", "promote");
    const pin = () => rawSql(client.db, "UPDATE versions SET updated_at = '2030-01-01T00:00:00.000Z'");
    await pin();
    const before = await read(client, "/prompts/p/stages/tst");
    const tag = strongEtag(before);
    expect((await before.json()).version).toBe("1.1");
    await client.act("p", "1.0", "promote");
    await pin();
    const after = await read(client, "/prompts/p/stages/tst", { "if-none-match": tag });
    expect(after.status).toBe(200);
    expect((await after.json()).version).toBe("1.0");
  });
});

describe("GET /healthz", () => {
  test("JSON {ok:true} by default; text/plain ok; text/html a page", async () => {
    const client = await freshApp();
    const json = await read(client, "/healthz");
    expect(json.status).toBe(200);
    expect(json.headers.get("content-type")).toMatch(/^application\/json/);
    const body = await json.json();
    expect(healthSchema.safeParse(body).error).toBeUndefined();
    expectKeys(body, ["ok"]);
    expect(body).toEqual({ ok: true });
    const text = await read(client, "/healthz", { accept: "text/plain" });
    expect(text.headers.get("content-type")).toMatch(/^text\/plain/);
    expect((await text.text()).trim()).toBe("ok");
    const html = await expectPage(await read(client, "/healthz", { accept: "text/html" }));
    expect(html).toContain("ok");
    expect(json.headers.get("vary") ?? "").toMatch(/\bAccept\b/);
  });
});

describe("GET /static/*", () => {
  test.each([
    ["app.css", /^text\/css/, /\{/],
    ["app.js", /^(text|application)\/javascript/, /addEventListener/],
    ["htmx.min.js", /^(text|application)\/javascript/, /htmx/],
  ])("%s is served with its type and an ETag, 304 when unchanged", async (file, type, content) => {
    const client = await freshApp();
    const res = await read(client, `/static/${file}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(type);
    expect(await res.text()).toMatch(content);
    const etag = strongEtag(res);
    expect((await read(client, `/static/${file}`, { "if-none-match": etag })).status).toBe(304);
  });

  test("anything else under /static is 404, including path tricks", async () => {
    const client = await freshApp();
    for (const path of ["/static/nope.js", "/static/..%2Fpackage.json", "/static/%2e%2e/src/app.tsx", "/static/"]) {
      const res = await read(client, path, { accept: "application/json" });
      expect(res.status, path).toBe(404);
    }
  });
});

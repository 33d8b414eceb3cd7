import { sql } from "kysely";
import { describe, expect, test } from "vitest";
import { type Client, expectError, expectPage, freshApp } from "./support/http.js";

/** Follows `next` from `first` to the end; answers every page's items and the next URLs seen. */
async function walk(client: Client, first: string, key: "prompts" | "events" | "versions") {
  const pages: unknown[][] = [];
  const urls: string[] = [];
  let url: string | null = first;
  while (url) {
    const res = await client.api("GET", url);
    expect(res.status, url).toBe(200);
    pages.push(res.body[key]);
    url = res.body.next;
    if (url) {
      expect(url).toMatch(/^\/[^?]*\?/);
      urls.push(url);
    }
    expect(pages.length).toBeLessThan(20);
  }
  return { pages, urls };
}

describe("GET /prompts?limit=&cursor=", () => {
  test("next walks every prompt once, in order, and is null at the end", async () => {
    const client = await freshApp();
    for (const name of ["e", "a", "d", "b", "c"]) await client.create(name);
    const { pages, urls } = await walk(client, "/prompts?limit=2", "prompts");
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
    expect(pages.flat().map((p) => (p as { name: string }).name)).toEqual(["a", "b", "c", "d", "e"]);
    for (const url of urls) expect(url).toMatch(/[?&]limit=2(&|$)/);
  });

  test("an exact multiple ends with next null, not an empty page", async () => {
    const client = await freshApp();
    for (const name of ["a", "b", "c", "d"]) await client.create(name);
    const { pages } = await walk(client, "/prompts?limit=2", "prompts");
    expect(pages.map((p) => p.length)).toEqual([2, 2]);
  });

  test("next keeps the ?q= filter", async () => {
    const client = await freshApp();
    for (const name of ["keep-1", "drop-1", "keep-2", "keep-3", "drop-2"]) await client.create(name);
    const { pages, urls } = await walk(client, "/prompts?q=keep&limit=2", "prompts");
    expect(pages.flat().map((p) => (p as { name: string }).name)).toEqual(["keep-1", "keep-2", "keep-3"]);
    expect(urls[0]).toMatch(/[?&]q=keep(&|$)/);
  });

  test("the default page is 50, and limit=200 is allowed", async () => {
    const client = await freshApp();
    for (let i = 0; i < 51; i++) await client.create(`p${String(i).padStart(3, "0")}`, "x");
    const first = await client.api("GET", "/prompts");
    expect(first.body.prompts).toHaveLength(50);
    expect(first.body.next).not.toBeNull();
    const all = await client.api("GET", "/prompts?limit=200");
    expect(all.body.prompts).toHaveLength(51);
    expect(all.body.next).toBeNull();
  });

  test("the page and the htmx table link to the next page", async () => {
    const client = await freshApp();
    for (const name of ["a", "b", "c"]) await client.create(name);
    const next = (await client.api("GET", "/prompts?limit=2")).body.next as string;
    const html = await expectPage(await client.page("/prompts?limit=2"));
    expect(html).toContain(`href="${next.replace(/&/g, "&amp;")}"`);
    const last = await expectPage(await client.page(next));
    expect(last).toContain('href="/prompts/c"');
    expect(last).not.toContain("Next page");
  });

  test.each(["0", "201", "abc", "-1", "1.5", "1e2"])("limit=%s is 422 validation_failed", async (limit) => {
    const client = await freshApp();
    await client.create("a");
    const res = await client.api("GET", `/prompts?limit=${limit}`);
    expectError(res, 422, "validation_failed");
    expect(res.body.error.issues?.[0]?.path ?? res.body.error.message).toMatch(/limit/);
  });
});

describe("GET /prompts/:name/history?limit=&cursor=", () => {
  test("newest first across pages; next is null at the end", async () => {
    const client = await freshApp();
    await client.create("p");
    for (let i = 1; i <= 4; i++) await client.act("p", "1.0", "save", { body: `edit ${i}` });
    const all = (await client.api("GET", "/prompts/p/history")).body.events;
    expect(all).toHaveLength(6);
    const { pages, urls } = await walk(client, "/prompts/p/history?limit=4", "events");
    expect(pages.map((p) => p.length)).toEqual([4, 2]);
    expect(pages.flat()).toEqual(all);
    expect(urls[0]).toMatch(/^\/prompts\/p\/history\?/);
    expect(urls[0]).toMatch(/[?&]limit=4(&|$)/);
  });

  test("the history page links to older events", async () => {
    const client = await freshApp();
    await client.create("p");
    await client.act("p", "1.0", "promote");
    const next = (await client.api("GET", "/prompts/p/history?limit=1")).body.next as string;
    const html = await expectPage(await client.page("/prompts/p/history?limit=1"));
    expect(html).toContain(`href="${next.replace(/&/g, "&amp;")}"`);
  });

  test.each(["limit=0", "limit=201", "limit=abc", "cursor=abc", "cursor=0"])("%s is 422", async (query) => {
    const client = await freshApp();
    await client.create("p");
    expectError(await client.api("GET", `/prompts/p/history?${query}`), 422, "validation_failed");
  });
});

describe("GET /prompts/:name?limit=&cursor=: the versions of a prompt, a page at a time", () => {
  /** v1.0 … v1.4 and v2.0: six versions. */
  async function sixVersions() {
    const client = await freshApp();
    await client.create("p");
    for (const from of ["1.0", "1.1", "1.2", "1.3"]) await client.act("p", from, "new");
    await client.act("p", "1.4", "new", { major: true });
    return client;
  }

  test("next walks every version once, newest number first, and keeps the prompt's other fields", async () => {
    const client = await sixVersions();
    const { pages, urls } = await walk(client, "/prompts/p?limit=4", "versions");
    expect(pages.map((p) => p.length)).toEqual([4, 2]);
    expect(pages.flat().map((v) => (v as { version: string }).version)).toEqual([
      "2.0",
      "1.4",
      "1.3",
      "1.2",
      "1.1",
      "1.0",
    ]);
    expect(urls).toEqual(["/prompts/p?limit=4&cursor=1.2"]);
    const second = await client.api("GET", urls[0] as string);
    expect(second.body).toMatchObject({ name: "p", current: { DEV: "1.0", TST: null, PROD: null }, next: null });
  });

  test("the page links to older versions and the last page does not", async () => {
    const client = await sixVersions();
    const html = await expectPage(await client.page("/prompts/p?limit=5"));
    expect(html).toContain('href="/prompts/p?limit=5&amp;cursor=1.1"');
    expect(html).not.toContain('<a class="version-link" href="/prompts/p/versions/1.0"');
    const last = await expectPage(await client.page("/prompts/p?limit=5&cursor=1.1"));
    expect(last).toContain('<a class="version-link" href="/prompts/p/versions/1.0"');
    expect(last).not.toContain("Older versions");
  });

  test.each(["limit=0", "limit=201", "cursor=abc", "cursor=1", "cursor=v1.0"])("%s is 422", async (query) => {
    const client = await sixVersions();
    expectError(await client.api("GET", `/prompts/p?${query}`), 422, "validation_failed");
  });
});

describe("compare pickers are bounded", () => {
  test("they offer the newest 200 versions and the two compared, however many there are", async () => {
    const client = await freshApp();
    await client.create("p", "v0");
    await client.db.kysely.transaction().execute(async (tx) => {
      for (let minor = 1; minor <= 250; minor++)
        await sql`INSERT INTO versions (prompt_id, major, minor, stage, body, content_hash, created_at, updated_at)
          SELECT id, 1, ${minor}, 'DEV', ${`v${minor}`}, promptrail_content_hash(${`v${minor}`}, '{}'), 'x', 'x'
          FROM prompts WHERE name = 'p'`.execute(tx);
    });
    const html = await expectPage(await client.page("/prompts/p/compare?from=1.3&to=1.250"));
    const options = (select: string) =>
      [
        ...(new RegExp(`<select name="${select}">([\\s\\S]*?)</select>`).exec(html)?.[1] ?? "").matchAll(
          /<option value="([^"]+)"/g,
        ),
      ].map((m) => m[1]);
    for (const select of ["from", "to"]) {
      const offered = options(select);
      expect(offered).toHaveLength(201);
      expect(offered.slice(0, 2)).toEqual(["1.250", "1.249"]);
      expect(offered.at(-1)).toBe("1.3");
    }
    expect(html).toMatch(/<option value="1.3" selected/);
  });
});

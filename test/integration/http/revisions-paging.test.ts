import { describe, expect, test } from "vitest";
import { MAX_REVISIONS_PAGE_BYTES } from "../../../src/services/versions.service.js";
import { expectPage, freshApp } from "./support/http.js";

/** docs/api.md and docs/limits.md: the revisions list is paginated like every list, and a page is bounded in bytes. */
async function fiveRevisions(text = (n: number) => `text ${n}`) {
  const client = await freshApp();
  await client.create("p", text(1));
  for (let n = 2; n <= 5; n++) await client.act("p", "1.0", "save", { body: text(n), revision: n - 1 });
  return client;
}

const numbers = (body: { revisions: Array<{ revision: number }> }) => body.revisions.map((r) => r.revision);

describe("revisions, a page at a time", () => {
  test("JSON: ?limit= pages newest first, `next` goes on below the last one shown, null at the end", async () => {
    const { api } = await fiveRevisions();
    const first = await api("GET", "/prompts/p/versions/1.0/revisions?limit=2");
    expect(numbers(first.body)).toEqual([5, 4]);
    expect(first.body.next).toBe("/prompts/p/versions/1.0/revisions?limit=2&cursor=4");
    const second = await api("GET", first.body.next);
    expect(numbers(second.body)).toEqual([3, 2]);
    const third = await api("GET", second.body.next);
    expect([numbers(third.body), third.body.next]).toEqual([[1], null]);
    const all = await api("GET", "/prompts/p/versions/1.0/revisions");
    expect([numbers(all.body), all.body.next]).toEqual([[5, 4, 3, 2, 1], null]);
  });

  test("a page stops before its revisions' content passes the byte budget: large saves never come all at once", async () => {
    const big = (n: number) => `${n}`.repeat(Math.floor(MAX_REVISIONS_PAGE_BYTES / 3) - 100);
    const { api } = await fiveRevisions(big);
    const first = await api("GET", "/prompts/p/versions/1.0/revisions");
    expect(numbers(first.body)).toEqual([5, 4, 3]);
    expect(first.body.next).toBe("/prompts/p/versions/1.0/revisions?cursor=3");
    expect(numbers((await api("GET", first.body.next)).body)).toEqual([2, 1]);
  });

  test("a bad cursor or limit is 422, not a page", async () => {
    const { api } = await fiveRevisions();
    for (const query of ["cursor=abc", "limit=0", "limit=999"]) {
      const res = await api("GET", `/prompts/p/versions/1.0/revisions?${query}`);
      expect(res.status, query).toBe(422);
    }
  });

  test("the page: a page's oldest revision still shows its changes, and Older revisions leads on", async () => {
    const { page } = await fiveRevisions();
    const html = await expectPage(await page("/prompts/p/versions/1.0/revisions?limit=2"));
    expect([...html.matchAll(/aria-label="Revision (\d+)"/g)].map((m) => m[1])).toEqual(["5", "4"]);
    const fourth = /<section class="revision" aria-label="Revision 4">([\s\S]*?)<\/section>/.exec(html)?.[1] ?? "";
    expect(fourth).toContain("Changes from revision 3");
    expect(html).toContain('href="/prompts/p/versions/1.0/revisions?limit=2&amp;cursor=4">Older revisions');
  });
});

import { describe, expect, test } from "vitest";
import { compareSchema, historySchema, revisionsSchema } from "../../../src/http/json.js";
import { expectError, expectKeys, expectPage, freshApp } from "./support/http.js";

describe("GET …/versions/:v/revisions", () => {
  test("JSON: every saved state, newest first, the current one included", async () => {
    const { api, create, act } = await freshApp();
    await create("p", "first", { config: { a: 1 } });
    await act("p", "1.0", "save", { body: "second", revision: 1 });
    await act("p", "1.0", "save", { body: "third", config: { a: 2 }, revision: 2 });
    const res = await api("GET", "/prompts/p/versions/v1.0/revisions");
    expect(res.status).toBe(200);
    expect(revisionsSchema.safeParse(res.body).error).toBeUndefined();
    expectKeys(res.body, ["revisions", "next"]);
    expect(res.body.next).toBeNull();
    for (const r of res.body.revisions)
      expectKeys(r, ["revision", "body", "config", "variables", "tools", "responseFormat", "savedAt", "actor"]);
    expect(res.body.revisions).toMatchObject([
      { revision: 3, body: "third", config: { a: 2 }, actor: "local" },
      { revision: 2, body: "second", config: { a: 1 }, actor: "local" },
      { revision: 1, body: "first", config: { a: 1 }, actor: "local" },
    ]);
  });

  test("page: each revision's text, the current one marked", async () => {
    const { page, create, act } = await freshApp();
    await create("p", "first text");
    await act("p", "1.0", "save", { body: "second text" });
    const html = await expectPage(await page("/prompts/p/versions/1.0/revisions"));
    // Newest first; each revision's own text is on the page (in its diff and in full).
    expect(html.indexOf('aria-label="Revision 2"')).toBeGreaterThan(-1);
    expect(html.indexOf('aria-label="Revision 2"')).toBeLessThan(html.indexOf('aria-label="Revision 1"'));
    expect(html).toMatch(/<pre class="prompt-text" title="Revision 2 text" dir="auto">second text<\/pre>/);
    expect(html).toMatch(/<pre class="prompt-text" title="Revision 1 text" dir="auto">first text<\/pre>/);
    expect(html).toMatch(/Revision 2 <span class="current-mark">current<\/span>/);
  });

  test("an unknown version is 404", async () => {
    const { api, create } = await freshApp();
    await create("p");
    expectError(await api("GET", "/prompts/p/versions/3.0/revisions"), 404, "not_found");
  });
});

describe("GET /prompts/:name/compare", () => {
  test("JSON: {from, to, diff} with a unified diff of body and config", async () => {
    const { api, create, act } = await freshApp();
    await create("p", "keep\nold line\n", { config: { model: "a" } });
    await act("p", "1.0", "new");
    await act("p", "1.1", "save", { body: "keep\nnew line\n", config: { model: "b" } });
    const res = await api("GET", "/prompts/p/compare?from=1.0&to=v1.1");
    expect(res.status).toBe(200);
    expect(compareSchema.safeParse(res.body).error).toBeUndefined();
    expectKeys(res.body, ["from", "to", "diff", "contract"]);
    expect(res.body).toMatchObject({ from: "1.0", to: "1.1" });
    const lines = res.body.diff.split("\n");
    expect(lines).toContain("-old line");
    expect(lines).toContain("+new line");
    expect(lines).toContain(" keep");
    expect(lines.some((l: string) => l.startsWith("@@ "))).toBe(true);
    expect(lines.some((l: string) => l.startsWith("---"))).toBe(true);
    expect(res.body.diff).toMatch(/^-\s+"model": "a"$/m);
    expect(res.body.diff).toMatch(/^\+\s+"model": "b"$/m);
  });

  test("JSON: two equal versions give an empty diff", async () => {
    const { api, create, act } = await freshApp();
    await create("p", "same");
    await act("p", "1.0", "new");
    expect((await api("GET", "/prompts/p/compare?from=1.0&to=1.1")).body).toEqual({
      from: "1.0",
      to: "1.1",
      diff: "",
      contract: [],
    });
  });

  test("page: the two versions picked, removed and added lines marked", async () => {
    const { page, create, act } = await freshApp();
    await create("p", "alpha\n");
    await act("p", "1.0", "new");
    await act("p", "1.1", "save", { body: "beta\n" });
    const html = await expectPage(await page("/prompts/p/compare?from=v1.0&to=1.1"));
    expect(html).toMatch(/<option value="1\.0" selected="">v1\.0<\/option>/);
    expect(html).toMatch(/<tr class="line-del">[\s\S]*?alpha<\/td><\/tr>/);
    expect(html).toMatch(/<tr class="line-add">[\s\S]*?beta<\/td><\/tr>/);
  });

  test("without from/to: the newest version against the current PROD", async () => {
    const { api, page, ladder } = await freshApp();
    await ladder("p");
    expect((await api("GET", "/prompts/p/compare")).body).toMatchObject({ from: "1.0", to: "1.3" });
    await expectPage(await page("/prompts/p/compare"));
  });

  test("an unknown version or prompt is 404", async () => {
    const { api, create } = await freshApp();
    await create("p");
    expectError(await api("GET", "/prompts/p/compare?from=1.0&to=7.7"), 404, "not_found");
    expectError(await api("GET", "/prompts/p/compare?from=zz&to=1.0"), 404, "not_found");
    expectError(await api("GET", "/prompts/none/compare?from=1.0&to=1.0"), 404, "not_found");
  });
});

describe("GET /prompts/:name/history", () => {
  test("JSON: the event log, newest first, with actor local", async () => {
    const { api, create, act } = await freshApp();
    await create("p", "x", { description: "d" });
    await act("p", "1.0", "save", { body: "y" });
    await act("p", "1.0", "new");
    await act("p", "1.0", "promote");
    await act("p", "1.1", "make-current");
    await act("p", "1.1", "new");
    await act("p", "1.2", "delete");
    const res = await api("GET", "/prompts/p/history");
    expect(res.status).toBe(200);
    expect(historySchema.safeParse(res.body).error).toBeUndefined();
    expectKeys(res.body, ["events", "next"]);
    for (const e of res.body.events) {
      expectKeys(e, ["at", "actor", "type", "version", "detail"]);
      expect(e.actor).toBe("local");
      expect(Date.parse(e.at)).not.toBeNaN();
    }
    expect(res.body.events.map((e: { type: string; version: string }) => `${e.type} ${e.version}`)).toEqual([
      "version.deleted 1.2",
      "version.created 1.2",
      "version.made_current 1.1",
      "version.promoted 1.0",
      "version.created 1.1",
      "version.edited 1.0",
      "version.created 1.0",
      "prompt.created 1.0",
    ]);
    expect(res.body.next).toBeNull();
  });

  test("page: a timeline of what happened", async () => {
    const { page, create, act } = await freshApp();
    await create("p");
    await act("p", "1.0", "promote");
    const html = await expectPage(await page("/prompts/p/history"));
    const items = [...html.matchAll(/<li class="event[^"]*">([\s\S]*?)<\/li>/g)];
    expect(items).toHaveLength(3);
    expect(items[0]?.[1]).toContain("promoted v1.0 DEV → TST");
    expect(items[2]?.[1]).toContain("created the prompt");
  });

  test("an unknown prompt is 404", async () => {
    const { api } = await freshApp();
    expectError(await api("GET", "/prompts/none/history"), 404, "not_found");
  });
});

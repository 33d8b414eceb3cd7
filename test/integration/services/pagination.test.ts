import { describe, expect, test } from "vitest";
import { freshServices } from "../../support/db.js";

type S = Awaited<ReturnType<typeof freshServices>>;

/** Follows `nextCursor` to the end, answering each page's names. */
async function allPages(s: S, input: { q?: string; limit: number }): Promise<string[][]> {
  const pages: string[][] = [];
  let cursor: string | undefined;
  do {
    const page = await s.prompts.list({ ...input, ...(cursor ? { cursor } : {}) });
    pages.push(page.prompts.map((p) => p.name));
    cursor = page.nextCursor ?? undefined;
  } while (cursor && pages.length < 20);
  return pages;
}

describe("prompts.list", () => {
  test("pages through every prompt by name, and the last page says there is no next", async () => {
    const s = await freshServices();
    for (const name of ["echo", "alpha", "delta", "charlie", "bravo"]) await s.prompts.create({ name, body: "x" });
    expect(await allPages(s, { limit: 2 })).toEqual([["alpha", "bravo"], ["charlie", "delta"], ["echo"]]);
    expect(await allPages(s, { limit: 5 })).toEqual([["alpha", "bravo", "charlie", "delta", "echo"]]);
    expect((await s.prompts.list({ limit: 5 })).nextCursor).toBeNull();
    expect((await s.prompts.list({ limit: 4 })).nextCursor).toBe("delta");
    expect((await s.prompts.list()).prompts).toHaveLength(5);
  });

  test("the default page is 50 and at most 200 fit in one", async () => {
    const s = await freshServices();
    const names = Array.from({ length: 201 }, (_, i) => `p${String(i).padStart(3, "0")}`);
    await s.db.kysely
      .insertInto("prompts")
      .values(names.map((name) => ({ name, created_at: "now", updated_at: "now" })))
      .execute();
    const first = await s.prompts.list();
    expect(first.prompts).toHaveLength(50);
    expect(first.nextCursor).toBe("p049");
    const big = await s.prompts.list({ limit: 200 });
    expect(big.prompts).toHaveLength(200);
    expect((await s.prompts.list({ limit: 200, cursor: big.nextCursor ?? "" })).prompts.map((p) => p.name)).toEqual([
      "p200",
    ]);
  });

  test("each prompt shows the current version of every stage", async () => {
    const s = await freshServices();
    await s.prompts.create({ name: "a", description: "first", body: "x" });
    await s.prompts.create({ name: "b", body: "x" });
    await s.versions.createNew("a", "1.0");
    await s.versions.promote("a", "1.0");
    await s.versions.promote("a", "1.0", { to: "PROD" });
    await s.versions.makeCurrent("a", "1.1");
    const { prompts } = await s.prompts.list();
    expect(prompts).toEqual([
      {
        name: "a",
        type: "text",
        description: "first",
        current: { DEV: "1.1", TST: null, PROD: "1.0" },
        drafts: 1,
        updatedAt: expect.any(String),
      },
      {
        name: "b",
        type: "text",
        description: "",
        current: { DEV: "1.0", TST: null, PROD: null },
        drafts: 1,
        updatedAt: expect.any(String),
      },
    ]);
  });

  test("q filters by name or description, literally, and pages within the filter", async () => {
    const s = await freshServices();
    const prompts = [
      ["support-reply", "Answers tickets"],
      ["support_triage", "sorts SUPPORT mail"],
      ["supportxtriage", "no underscore"],
      ["billing", "refund support, 100% polite"],
      ["summary", "shortens text"],
    ];
    for (const [name, description] of prompts) await s.prompts.create({ name: name ?? "", description, body: "x" });
    const names = async (q: string) => (await s.prompts.list({ q })).prompts.map((p) => p.name);

    expect(await names("support")).toEqual(["billing", "support-reply", "support_triage", "supportxtriage"]);
    expect(await names("TICKETS")).toEqual(["support-reply"]);
    expect(await names("t_t")).toEqual(["support_triage"]);
    expect(await names("100%")).toEqual(["billing"]);
    expect(await names("%")).toEqual(["billing"]);
    expect(await names("\\")).toEqual([]);
    expect(await names("nothing matches")).toEqual([]);
    expect(await names("")).toHaveLength(5);
    expect(await allPages(s, { q: "support", limit: 3 })).toEqual([
      ["billing", "support-reply", "support_triage"],
      ["supportxtriage"],
    ]);
  });
});

describe("history.list", () => {
  test("lists the event log newest first, page by page", async () => {
    const s = await freshServices();
    await s.prompts.create({ name: "p", body: "x" });
    await s.versions.save("p", "1.0", { body: "y" });
    await s.versions.createNew("p", "1.0");
    await s.versions.promote("p", "1.0");
    await s.prompts.create({ name: "other", body: "x" });

    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page++) {
      const result = await s.history.list("p", { limit: 2, ...(cursor ? { cursor } : {}) });
      expect(result.events.length).toBeLessThanOrEqual(2);
      seen.push(...result.events.map((e) => `${e.type} ${e.version}`));
      if (!result.nextCursor) break;
      cursor = result.nextCursor;
    }
    expect(seen).toEqual([
      "version.promoted 1.0",
      "version.created 1.1",
      "version.edited 1.0",
      "version.created 1.0",
      "prompt.created 1.0",
    ]);
    const all = await s.history.list("p");
    expect(all.nextCursor).toBeNull();
    expect(all.events[0]).toEqual({
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      actor: "local",
      type: "version.promoted",
      version: "1.0",
      detail: { from: "DEV", to: "TST", replaced: null },
    });
    expect((await s.history.list("other")).events.map((e) => e.type)).toEqual(["version.created", "prompt.created"]);
  });

  test("an exact page has no next page", async () => {
    const s = await freshServices();
    await s.prompts.create({ name: "p", body: "x" });
    const page = await s.history.list("p", { limit: 2 });
    expect(page.events).toHaveLength(2);
    expect(page.nextCursor).toBeNull();
  });
});

import { describe, expect, test } from "vitest";
import { expectPage, freshApp } from "./support/http.js";

describe("history page", () => {
  test("a deleted draft is named as text, never linked (its page is a 404)", async () => {
    const { page, create, act } = await freshApp();
    await create("p", "x");
    await act("p", "1.0", "new");
    await act("p", "1.1", "save", { body: "y", revision: 1 });
    await act("p", "1.1", "delete");
    const html = await expectPage(await page("/prompts/p/history"));
    expect(html).not.toContain('href="/prompts/p/versions/1.1"');
    expect(html).toContain('href="/prompts/p/versions/1.0"');
    expect((html.match(/v1\.1 deleted/g) ?? []).length).toBe(2); // created and edited; the delete says so itself
    expect(html).toContain("deleted draft v1.1");
  });
});

import { describe, expect, test } from "vitest";
import { expectPage, freshApp } from "./support/http.js";

/** The DEV stop of the stage rail, as text. */
const devStop = (html: string) =>
  /<li class="rail-stop rail-dev[^"]*">([\s\S]*?)<\/li>/
    .exec(html)?.[1]
    ?.replace(/<[^>]*>/g, " ")
    .replace(/\s+/g, " ")
    .trim();

/** The DEV cell of a prompt's row on the list page, as text. */
const devCell = (html: string, name: string) =>
  new RegExp(`href="/prompts/${name}">${name}</a>[\\s\\S]*?</td>\\s*<td>([\\s\\S]*?)</td>`)
    .exec(html)?.[1]
    ?.replace(/<[^>]*>/g, " ")
    .replace(/\s+/g, " ")
    .trim();

/** docs/ui.md: "none current · 3 drafts", so that new drafts are never invisible. */
describe("drafts are visible", () => {
  test("with no current DEV version, the rail and the list count the drafts", async () => {
    const { page, create, act } = await freshApp();
    await create("p", "x");
    await act("p", "1.0", "promote");
    let html = await expectPage(await page("/prompts/p"));
    expect(devStop(html)).toBe("DEV none");
    for (let i = 0; i < 3; i++) await act("p", "1.0", "new");
    html = await expectPage(await page("/prompts/p"));
    expect(devStop(html)).toBe("DEV none current · 3 drafts");
    expect(html).toMatch(/<a href="\/prompts\/p#versions">3 drafts<\/a>/);
    expect(devStop(await expectPage(await page("/prompts/p/versions/1.0")))).toBe("DEV none current · 3 drafts");
    expect(devCell(await expectPage(await page("/prompts")), "p")).toBe("— no current DEV version 3 drafts");
  });

  test("beside a current DEV version, the other drafts are counted too; one draft alone is just its chip", async () => {
    const { page, create, act } = await freshApp();
    await create("p", "x");
    expect(devStop(await expectPage(await page("/prompts/p")))).toBe("DEV v1.0 just now");
    expect(devCell(await expectPage(await page("/prompts")), "p")).toBe("v1.0");
    await act("p", "1.0", "new");
    expect(devStop(await expectPage(await page("/prompts/p")))).toBe("DEV v1.0 · 2 drafts just now");
    expect(devCell(await expectPage(await page("/prompts")), "p")).toBe("v1.0 2 drafts");
  });

  test("the JSON shapes stay as docs/api.md has them", async () => {
    const { api, create, act } = await freshApp();
    await create("p", "x");
    await act("p", "1.0", "new");
    expect(Object.keys((await api("GET", "/prompts")).body.prompts[0]).sort()).toEqual([
      "current",
      "description",
      "name",
      "updatedAt",
    ]);
    expect(Object.keys((await api("GET", "/prompts/p")).body).sort()).toEqual([
      "current",
      "description",
      "name",
      "next",
      "versions",
    ]);
  });
});

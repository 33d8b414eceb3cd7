import { describe, expect, test } from "vitest";
import { expectPage, freshApp } from "./support/http.js";

const pause = () => new Promise((resolve) => setTimeout(resolve, 5));

/** The `datetime` of the version header's "edited … ago". */
const editedAt = (html: string) => /revision \d+ · edited <time datetime="([^"]+)"/.exec(html)?.[1];

/** docs/ui.md: "Edited" is the time of the last saved revision, not of a promotion or a change of current. */
describe("edited time", () => {
  test("promoting, replacing the current version and making current leave it alone", async () => {
    const { api, page, create, act } = await freshApp();
    await create("p", "one {{x}}");
    await pause();
    await act("p", "1.0", "save", { body: "two {{x}}", revision: 1 });
    const saved = (await api("GET", "/prompts/p/versions/1.0/revisions")).body.revisions[0].savedAt;
    await pause();
    await act("p", "1.0", "promote");
    await act("p", "1.0", "new");
    await pause();
    await act("p", "1.1", "promote"); // takes TST from v1.0
    await act("p", "1.0", "make-current");
    const version = (await api("GET", "/prompts/p/versions/1.0")).body;
    expect(version.updatedAt).not.toBe(saved);
    expect(editedAt(await expectPage(await page("/prompts/p/versions/1.0")))).toBe(saved);
    const list = await expectPage(await page("/prompts/p"));
    const row =
      /<tr[^>]*>\s*<th scope="row"><a class="version-link" href="\/prompts\/p\/versions\/1.0">[\s\S]*?<\/tr>/.exec(
        list,
      )?.[0];
    expect(row).toContain(`datetime="${saved}"`);
  });

  test("a new version's edited time is its creation; each save moves it", async () => {
    const { api, page, create, act } = await freshApp();
    await create("p", "one");
    const created = (await act("p", "1.0", "new")).createdAt;
    expect(editedAt(await expectPage(await page("/prompts/p/versions/1.1")))).toBe(created);
    await pause();
    await act("p", "1.1", "save", { body: "changed", revision: 1 });
    const saved = (await api("GET", "/prompts/p/versions/1.1/revisions")).body.revisions[0].savedAt;
    expect(saved).not.toBe(created);
    expect(editedAt(await expectPage(await page("/prompts/p/versions/1.1")))).toBe(saved);
  });
});

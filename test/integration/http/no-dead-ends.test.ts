import { describe, expect, test } from "vitest";
import { expectPage, freshApp } from "./support/http.js";

/** The links of an error page's way back, as [href, text]. */
const wayBack = (html: string) =>
  [
    ...(/<nav class="way-back"[^>]*>([\s\S]*?)<\/nav>/.exec(html)?.[1] ?? "").matchAll(
      /<a href="([^"]*)">([^<]*)<\/a>/g,
    ),
  ].map((m) => [m[1], m[2]]);

/** Without JavaScript a refusal is a page: it must lead back to where the user was, not only to the list. */
describe("no-JS error pages lead back", () => {
  test("a refused action links back to its version first", async () => {
    const client = await freshApp();
    await client.ladder("p");
    for (const path of ["/prompts/p/versions/1.0/promote", "/prompts/p/versions/1.2/delete"]) {
      const html = await expectPage(await client.form(path), 409);
      expect(wayBack(html), path).toEqual([
        [path.replace(/\/[a-z]+$/, ""), `Back to v${path.split("/")[4]}`],
        ["/prompts/p", "p"],
        ["/prompts", "All prompts"],
      ]);
    }
    const confirm = await expectPage(await client.page("/prompts/p/versions/1.1/delete"), 409);
    expect(wayBack(confirm)[0]).toEqual(["/prompts/p/versions/1.1", "Back to v1.1"]);
  });

  test("a version that is not there links to its prompt instead", async () => {
    const client = await freshApp();
    await client.create("p");
    const html = await expectPage(await client.form("/prompts/p/versions/v4.2/promote"), 404);
    expect(wayBack(html)).toEqual([
      ["/prompts/p", "Back to p"],
      ["/prompts", "All prompts"],
    ]);
  });

  test("a missing revision of a version that exists links back to the version", async () => {
    const client = await freshApp();
    await client.create("p");
    const html = await expectPage(await client.form("/prompts/p/versions/1.0/revisions/7/restore"), 404);
    expect(wayBack(html)[0]).toEqual(["/prompts/p/versions/1.0", "Back to v1.0"]);
  });

  test("a test case refusal links back to the test cases", async () => {
    const client = await freshApp();
    await client.create("p");
    const html = await expectPage(await client.form("/prompts/p/test-cases/99/delete"), 404);
    expect(wayBack(html)[0]).toEqual(["/prompts/p/test-cases", "Back to the test cases of p"]);
  });

  test("elsewhere, the list of prompts", async () => {
    const client = await freshApp();
    expect(wayBack(await expectPage(await client.page("/nowhere"), 404))).toEqual([["/prompts", "All prompts"]]);
  });
});

describe("confirmation pages name the prompt", () => {
  test("promote to PROD and delete", async () => {
    const client = await freshApp();
    await client.ladder("support-reply");
    const promote = await expectPage(await client.page("/prompts/support-reply/versions/1.1/promote"));
    expect(promote).toMatch(/<nav class="crumbs"[^>]*>[\s\S]*href="\/prompts\/support-reply">support-reply<\/a>/);
    expect(promote).toContain("Applications reading support-reply from PROD get v1.1 at once");
    const del = await expectPage(await client.page("/prompts/support-reply/versions/1.3/delete"));
    expect(del).toMatch(/<nav class="crumbs"[^>]*>[\s\S]*href="\/prompts\/support-reply">support-reply<\/a>/);
    expect(del).toContain("support-reply v1.3");
  });
});

import { describe, expect, test } from "vitest";
import { labelled } from "./support/html.js";
import { expectFragment, expectPage, freshApp } from "./support/http.js";

/** What the page's own form sends to each action: only a save carries text. */
const fieldsFor = (path: string): Record<string, string> => (path.endsWith("/save") ? { body: "x" } : {});

/** An htmx refusal: a #flash fragment swapped in place of the flash area, never silent. */
async function expectFlashError(res: Response, status: number, text: RegExp): Promise<void> {
  expect(res.headers.get("hx-retarget")).toBe("#flash");
  const html = await expectFragment(res, "flash", status);
  expect(html).toMatch(/class="flash flash-error"/);
  expect(html).toMatch(text);
}

describe("htmx: a refused button refreshes the version panel with the refusal, so the page tells the truth", () => {
  test.each([
    ["promote of PROD", "/prompts/p/versions/1.0/promote", 409, /production versions cannot be promoted/],
    ["make-current of a current version", "/prompts/p/versions/1.1/make-current", 409, /already the current TST/],
    ["delete of TST", "/prompts/p/versions/1.1/delete", 409, /cannot be deleted/],
    ["delete of the current DEV", "/prompts/p/versions/1.2/delete", 409, /cannot be deleted/],
  ])("%s", async (_label, path, status, text) => {
    const client = await freshApp();
    await client.ladder("p");
    const before = await client.dump();
    const res = await client.htmx(path, {});
    expect(res.headers.get("hx-retarget")).toBe("#version-panel");
    const html = await expectFragment(res, "version-panel", status);
    expect(html).toMatch(/<div id="flash"[^>]*hx-swap-oob="[^"]*"[^>]*><p class="flash flash-error"/);
    expect(html).toMatch(text);
    expect(await client.dump()).toEqual(before);
  });

  test("a stale Promote to TST: the panel now shows TST and offers Promote to PROD", async () => {
    const client = await freshApp();
    await client.create("p");
    await client.act("p", "1.0", "promote"); // another tab was first
    const res = await client.htmx("/prompts/p/versions/1.0/promote", { to: "TST" });
    const html = await expectFragment(res, "version-panel", 409);
    expect(html).toContain("current in TST");
    expect(html).toContain(">Promote to PROD</button>");
    expect(html).not.toContain(">Promote to TST</button>");
  });
});

describe("htmx: a refusal that has no panel to show comes back as an error in #flash", () => {
  test.each([
    ["an unknown version", "/prompts/p/versions/8.8/promote", 404, /8\.8|No version/i],
    [
      "save of PROD (the editor keeps the text)",
      "/prompts/p/versions/1.0/save",
      409,
      /Cannot edit production versions/,
    ],
  ])("%s", async (_label, path, status, text) => {
    const client = await freshApp();
    await client.ladder("p");
    const before = await client.dump();
    await expectFlashError(await client.htmx(path, fieldsFor(path)), status, text);
    expect(await client.dump()).toEqual(before);
  });

  test("GET of something missing", async () => {
    const client = await freshApp();
    await expectFlashError(await client.htmx("/prompts/nope"), 404, /nope/);
    await expectFlashError(await client.htmx("/prompts?limit=0"), 422, /.+/);
  });

  test("?edit=1 on PROD is refused in #flash, not an editor", async () => {
    const client = await freshApp();
    await client.ladder("p");
    await expectFlashError(await client.htmx("/prompts/p/versions/1.0?edit=1"), 409, /Cannot edit production/);
  });
});

describe("htmx: a refused save keeps the editor and the user's text in #version-panel", () => {
  test("stale revision: 409, both texts visible", async () => {
    const client = await freshApp();
    await client.create("p", "original");
    await client.act("p", "1.0", "save", { body: "saved by someone else", revision: 1 });
    const before = await client.dump();
    const res = await client.htmx("/prompts/p/versions/1.0/save", { body: "my draft text", revision: "1" });
    expect(res.headers.get("hx-retarget")).toBe("#version-panel");
    const html = await expectFragment(res, "version-panel", 409);
    expect(labelled(html, "Prompt").content).toBe("my draft text");
    expect(html).toContain("saved by someone else");
    expect(html).toMatch(/<input type="hidden" name="revision" value="2"\/>/);
    expect(html).toMatch(/class="flash flash-error"/);
    expect(await client.dump()).toEqual(before);
  });

  test("config that is not JSON: 422, the text and the config kept, the field marked", async () => {
    const client = await freshApp();
    await client.create("p", "original");
    const before = await client.dump();
    const res = await client.htmx("/prompts/p/versions/1.0/save", {
      body: "new words",
      config: "{model: oops",
      revision: "1",
    });
    expect(res.headers.get("hx-retarget")).toBe("#version-panel");
    const html = await expectFragment(res, "version-panel", 422);
    expect(labelled(html, "Prompt").content).toBe("new words");
    const config = labelled(html, "Config");
    expect(config.content).toBe("{model: oops");
    expect(config.attrs).toContain('aria-invalid="true"');
    expect(await client.dump()).toEqual(before);
  });
});

describe("page mode: an error page with the real status", () => {
  test.each([
    ["/prompts/nope", 404, "not_found"],
    ["/prompts/p/versions/5.5", 404, "not_found"],
    ["/prompts/p/stages/prod", 404, "not_found"],
    ["/prompts/p/versions/1.0/promote", 200, null],
    ["/nowhere", 404, "not_found"],
    ["/prompts?limit=abc", 422, "validation_failed"],
  ])("GET %s", async (path, status, code) => {
    const client = await freshApp();
    await client.create("p");
    const html = await expectPage(await client.page(path), status);
    if (code) expect(html).toContain(`<code>${code}</code>`);
  });

  test.each([
    ["promote of PROD", "/prompts/p/versions/1.0/promote", 409, "invalid_transition"],
    ["delete of TST", "/prompts/p/versions/1.1/delete", 409, "delete_forbidden"],
    ["make-current of current", "/prompts/p/versions/1.2/make-current", 409, "invalid_transition"],
    ["save of PROD", "/prompts/p/versions/1.0/save", 409, "version_immutable"],
    ["an unknown version", "/prompts/p/versions/7.0/promote", 404, "not_found"],
  ])("form post: %s", async (_label, path, status, code) => {
    const client = await freshApp();
    await client.ladder("p");
    const before = await client.dump();
    const html = await expectPage(await client.form(path, fieldsFor(path)), status);
    expect(html).toContain(`<code>${code}</code>`);
    expect(html).toMatch(/role="alert"/);
    expect(await client.dump()).toEqual(before);
  });

  test("an unparseable body with Accept: text/html is a 400 page", async () => {
    const client = await freshApp();
    const res = await client.request("/prompts", {
      method: "POST",
      headers: { accept: "text/html", "content-type": "text/plain" },
      body: "{oops",
    });
    const html = await expectPage(res, 400);
    expect(html).toContain("<code>bad_request</code>");
  });

  test("GET …/promote and …/delete refuse where the table forbids, with the reason", async () => {
    const client = await freshApp();
    await client.ladder("p");
    const prod = await expectPage(await client.page("/prompts/p/versions/1.0/promote"), 409);
    expect(prod).toContain("cannot be promoted");
    const del = await expectPage(await client.page("/prompts/p/versions/1.2/delete"), 409);
    expect(del).toContain("can be deleted");
    await expectPage(await client.page("/prompts/p/versions/1.0?edit=1"), 409);
  });
});

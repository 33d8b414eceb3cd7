import { describe, expect, test } from "vitest";
import { control, hiddenFields } from "./support/html.js";
import { expectError, expectPage, expectSeeOther, expectVersion, freshApp } from "./support/http.js";

async function threeRevisions() {
  const client = await freshApp();
  await client.create("p", "Hello {{who}}.\nBe brief.", { config: { temperature: 0.2 } });
  await client.act("p", "1.0", "save", { body: "Hello {{who}}.\nBe brief and kind.", revision: 1 });
  await client.act("p", "1.0", "save", {
    body: "Hi {{name}}.\nBe brief and kind.",
    config: { temperature: 0.5 },
    revision: 2,
  });
  return client;
}

describe("revisions page: what each save changed", () => {
  test("each revision shows its diff from the one before, and the variables it added or removed", async () => {
    const { page } = await threeRevisions();
    const html = await expectPage(await page("/prompts/p/versions/1.0/revisions"));
    const third = /<section class="revision" aria-label="Revision 3">([\s\S]*?)<\/section>/.exec(html)?.[1] ?? "";
    expect(third).toContain("Changes from revision 2");
    expect(third).toMatch(/class="line-del"[\s\S]*?Hello \{\{who\}\}\./);
    expect(third).toMatch(/class="line-add"[\s\S]*?Hi \{\{name\}\}\./);
    expect(third).toContain("variable added: <code>{{name}}</code>");
    expect(third).toContain("Config");
    const first = /<section class="revision" aria-label="Revision 1">([\s\S]*?)<\/section>/.exec(html)?.[1] ?? "";
    expect(first).toContain("The first saved text");
  });
});

describe("restoring a revision into the draft: a normal save", () => {
  test("JSON: the old text and config come back as a new revision; the history keeps every one", async () => {
    const { api } = await threeRevisions();
    const res = await api("POST", "/prompts/p/versions/1.0/revisions/1/restore", { revision: 3 });
    expect(res.status).toBe(200);
    expectVersion(res.body, { body: "Hello {{who}}.\nBe brief.", config: { temperature: 0.2 }, revision: 4 });
    const revisions = (await api("GET", "/prompts/p/versions/1.0/revisions")).body.revisions;
    expect(revisions.map((r: { revision: number }) => r.revision)).toEqual([4, 3, 2, 1]);
  });

  test("a page left open cannot restore over a newer save (R6), PROD never, an unknown revision is 404", async () => {
    const client = await threeRevisions();
    const before = await client.dump();
    expectError(
      await client.api("POST", "/prompts/p/versions/1.0/revisions/1/restore", { revision: 2 }),
      409,
      "stale_revision",
    );
    expectError(await client.api("POST", "/prompts/p/versions/1.0/revisions/9/restore", {}), 404, "not_found");
    expectError(await client.api("POST", "/prompts/p/versions/1.0/revisions/x/restore", {}), 404, "not_found");
    expectError(
      await client.api("POST", "/prompts/p/versions/1.0/revisions/1/restore", { revision: "3" }),
      422,
      "validation_failed",
    );
    expect(await client.dump()).toEqual(before);
    await client.act("p", "1.0", "promote");
    await client.act("p", "1.0", "promote", { to: "PROD" });
    const prod = await client.dump();
    expectError(await client.api("POST", "/prompts/p/versions/1.0/revisions/1/restore", {}), 409, "version_immutable");
    expect(await client.dump()).toEqual(prod);
  });

  test("the page offers Restore on older revisions of a draft; the form lands on the version", async () => {
    const client = await threeRevisions();
    const html = await expectPage(await client.page("/prompts/p/versions/1.0/revisions"));
    expect(control(html, "Restore revision 1").form).toMatchObject({
      method: "post",
      action: "/prompts/p/versions/1.0/revisions/1/restore",
    });
    expect(hiddenFields(html, "/prompts/p/versions/1.0/revisions/1/restore")).toEqual({ revision: "3" });
    expect(html).not.toContain("Restore revision 3");
    const res = await client.form("/prompts/p/versions/1.0/revisions/2/restore", { revision: "3" });
    expectSeeOther(res, "/prompts/p/versions/1.0");
    expect((await client.api("GET", "/prompts/p/versions/1.0")).body).toMatchObject({
      body: "Hello {{who}}.\nBe brief and kind.",
      revision: 4,
    });
  });

  test("with htmx it navigates to the version; restoring the current text changes nothing", async () => {
    const client = await threeRevisions();
    const res = await client.htmx("/prompts/p/versions/1.0/revisions/2/restore", { revision: "3" });
    expect(res.headers.get("hx-redirect")).toBe("/prompts/p/versions/1.0");
    const same = await client.api("POST", "/prompts/p/versions/1.0/revisions/4/restore", { revision: 4 });
    expect(same.body.revision).toBe(4);
  });

  test("a PROD version's revisions page offers no Restore", async () => {
    const client = await threeRevisions();
    await client.act("p", "1.0", "promote");
    await client.act("p", "1.0", "promote", { to: "PROD" });
    const html = await expectPage(await client.page("/prompts/p/versions/1.0/revisions"));
    expect(html).not.toContain("Restore revision");
    expect(html).toContain("Cannot edit production versions");
  });
});

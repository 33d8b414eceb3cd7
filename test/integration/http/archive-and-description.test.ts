import { describe, expect, test } from "vitest";
import { control } from "./support/html.js";
import { expectError, expectKeys, expectPage, expectSeeOther, freshApp } from "./support/http.js";

describe("editing a prompt's description", () => {
  test("JSON: POST /prompts/:name/save {description} answers the prompt; the limit of R1 holds", async () => {
    const { api, create, dump } = await freshApp();
    await create("p", "x", { description: "old" });
    const res = await api("POST", "/prompts/p/save", { description: "Answers refund tickets" });
    expect(res.status).toBe(200);
    expectKeys(res.body, ["name", "description", "current", "versions", "next"]);
    expect(res.body.description).toBe("Answers refund tickets");
    expect((await api("GET", "/prompts")).body.prompts[0].description).toBe("Answers refund tickets");
    const before = await dump();
    expectError(await api("POST", "/prompts/p/save", { description: "x".repeat(2001) }), 422, "validation_failed");
    expectError(await api("POST", "/prompts/p/save", { name: "q" }), 422, "validation_failed");
    expectError(await api("POST", "/prompts/nope/save", { description: "x" }), 404, "not_found");
    expect(await dump()).toEqual(before);
  });

  test("the prompt page's form saves it without JavaScript and says so", async () => {
    const { page, form, create } = await freshApp();
    await create("p", "x");
    const html = await expectPage(await page("/prompts/p"));
    expect(control(html, "Save description").form).toMatchObject({ method: "post", action: "/prompts/p/save" });
    const res = await form("/prompts/p/save", { description: "New words" });
    expectSeeOther(res, "/prompts/p");
    expect(decodeURIComponent(decodeURIComponent(res.headers.get("set-cookie") ?? ""))).toContain(
      "Saved the description of p",
    );
    expect(await expectPage(await page("/prompts/p"))).toContain("New words");
  });

  test("a refused description keeps what was typed, with the reason at the field", async () => {
    const { form, create } = await freshApp();
    await create("p", "x");
    const html = await expectPage(await form("/prompts/p/save", { description: "y".repeat(2001) }), 422);
    expect(html).toContain("y".repeat(2001));
    expect(html).toMatch(/class="field-error">Keep the description under 2,000 characters/);
  });
});

describe("archiving a prompt nobody uses any more", () => {
  test("hidden from the list, listed under ?archived=1, still read at runtime, restorable; nothing deleted", async () => {
    const { api, request, create, act } = await freshApp();
    await create("old-one", "Old {{x}}");
    await create("kept", "Kept");
    await act("old-one", "1.0", "promote");
    await act("old-one", "1.0", "promote", { to: "PROD" });
    const res = await api("POST", "/prompts/old-one/archive");
    expect(res.status).toBe(200);
    expectKeys(res.body, ["name", "archivedAt"]);
    expect(Date.parse(res.body.archivedAt)).not.toBeNaN();
    expect((await api("GET", "/prompts")).body.prompts.map((p: { name: string }) => p.name)).toEqual(["kept"]);
    expect((await api("GET", "/prompts?archived=1")).body.prompts.map((p: { name: string }) => p.name)).toEqual([
      "old-one",
    ]);
    const read = await request("/prompts/old-one/stages/prod", { headers: { accept: "text/plain" } });
    expect(await read.text()).toBe("Old {{x}}");
    expect((await api("GET", "/prompts/old-one")).body.versions).toHaveLength(1);
    const back = await api("POST", "/prompts/old-one/unarchive");
    expect(back.body).toEqual({ name: "old-one", archivedAt: null });
    expect((await api("GET", "/prompts")).body.prompts).toHaveLength(2);
  });

  test("archiving twice, or unarchiving a prompt in use, is refused and changes nothing", async () => {
    const { api, create, dump } = await freshApp();
    await create("p", "x");
    expectError(await api("POST", "/prompts/p/unarchive"), 409, "invalid_transition");
    await api("POST", "/prompts/p/archive");
    const before = await dump();
    expectError(await api("POST", "/prompts/p/archive"), 409, "invalid_transition");
    expectError(await api("POST", "/prompts/nope/archive"), 404, "not_found");
    expect(await dump()).toEqual(before);
  });

  test("a new prompt cannot take an archived prompt's name, and the refusal says where it is", async () => {
    const { api, create } = await freshApp();
    await create("p", "x");
    await api("POST", "/prompts/p/archive");
    const res = await api("POST", "/prompts", { name: "p", body: "y" });
    expectError(res, 409, "name_taken");
    expect(res.body.error.message).toMatch(/archived/);
  });

  test("pages: Archive on the prompt page, a banner with Unarchive once archived, and the archived list", async () => {
    const { page, form, create } = await freshApp();
    await create("old-one", "x");
    const html = await expectPage(await page("/prompts/old-one"));
    expect(control(html, "Archive").form).toMatchObject({ method: "post", action: "/prompts/old-one/archive" });
    expectSeeOther(await form("/prompts/old-one/archive"), "/prompts/old-one");
    const archived = await expectPage(await page("/prompts/old-one"));
    expect(archived).toContain("Archived");
    expect(archived).toContain("applications still read it");
    expect(control(archived, "Unarchive").form).toMatchObject({ method: "post", action: "/prompts/old-one/unarchive" });
    const list = await expectPage(await page("/prompts"));
    expect(list).not.toContain('href="/prompts/old-one"');
    expect(list).toContain('href="/prompts?archived=1"');
    const only = await expectPage(await page("/prompts?archived=1"));
    expect(only).toContain("Archived prompts");
    expect(only).toContain('href="/prompts/old-one"');
    const version = await expectPage(await page("/prompts/old-one/versions/1.0"));
    expect(version).toContain("This prompt is archived");
  });
});

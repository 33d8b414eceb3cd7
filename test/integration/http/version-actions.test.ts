import { describe, expect, test } from "vitest";
import { deletedSchema } from "../../../src/http/json.js";
import { rawValue } from "../../support/state.js";
import { expectError, expectFragment, expectKeys, expectSeeOther, expectVersion, freshApp } from "./support/http.js";

const stages = async (api: Awaited<ReturnType<typeof freshApp>>["api"], name: string) =>
  (await api("GET", `/prompts/${name}`)).body.versions.map(
    (v: { version: string; stage: string; current: boolean }) => `${v.version} ${v.stage}${v.current ? " *" : ""}`,
  );

describe("POST …/promote", () => {
  test("JSON: DEV → TST → PROD, current in the new stage, the old stage left without one", async () => {
    const { api, create } = await freshApp();
    await create("p");
    const tst = await api("POST", "/prompts/p/versions/1.0/promote");
    expect(tst.status).toBe(200);
    expectVersion(tst.body, { stage: "TST", current: true, actions: { promote: "PROD", edit: true } });
    const prod = await api("POST", "/prompts/p/versions/v1.0/promote", { to: "PROD" });
    expectVersion(prod.body, { stage: "PROD", current: true, actions: { promote: null, edit: false } });
    expect((await api("GET", "/prompts/p")).body.current).toEqual({ DEV: null, TST: null, PROD: "1.0" });
  });

  test("six concurrent bare promotes ({}) of a DEV draft move it to TST once; the others are 422 and PROD is untouched", async () => {
    const { api, create } = await freshApp();
    await create("p");
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => api("POST", "/prompts/p/versions/1.0/promote", {})),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 422, 422, 422, 422, 422]);
    for (const refused of answers.filter((a) => a.status === 422)) {
      expectError(refused, 422, "validation_failed");
      expect(refused.body.error.message).toMatch(/a move into PROD must be named.*"to": "PROD"/);
    }
    expect((await api("GET", "/prompts/p")).body.current).toEqual({ DEV: null, TST: "1.0", PROD: null });
    const named = await api("POST", "/prompts/p/versions/1.0/promote", { to: "PROD" });
    expectVersion(named.body, { stage: "PROD", current: true });
  });

  test("a promotion replaces the stage's current version, which keeps its stage", async () => {
    const { api, create, act } = await freshApp();
    await create("p");
    await act("p", "1.0", "promote");
    await act("p", "1.0", "promote", { to: "PROD" });
    await act("p", "1.0", "new");
    await act("p", "1.1", "promote");
    await act("p", "1.1", "promote", { to: "PROD" });
    expect(await stages(api, "p")).toEqual(["1.1 PROD *", "1.0 PROD"]);
  });

  test("form: 303 back to the version; htmx: the #version-panel with the new stage", async () => {
    const { form, htmx, api, create } = await freshApp();
    await create("p");
    expectSeeOther(await form("/prompts/p/versions/1.0/promote"), "/prompts/p/versions/1.0");
    expect((await api("GET", "/prompts/p/versions/1.0")).body.stage).toBe("TST");
    const html = await expectFragment(await htmx("/prompts/p/versions/1.0/promote", { to: "PROD" }), "version-panel");
    expect(html).toMatch(/<span class="badge badge-prod">PROD<\/span>/);
    expect((await api("GET", "/prompts/p/versions/1.0")).body.stage).toBe("PROD");
  });
});

describe("POST …/new (create new version)", () => {
  test("JSON: 201, Location, a DEV draft M.(n+1) copied from the source, not current", async () => {
    const { api, create, act } = await freshApp();
    const source = await create("p", "copied {{x}}", { config: { model: "m" } });
    await act("p", "1.0", "promote");
    const res = await api("POST", "/prompts/p/versions/1.0/new", {});
    expect(res.status).toBe(201);
    expect(res.headers.get("location")).toBe("/prompts/p/versions/1.1");
    expectVersion(res.body, {
      version: "1.1",
      stage: "DEV",
      current: false,
      body: "copied {{x}}",
      config: { model: "m" },
      revision: 1,
      contentHash: source.contentHash,
      createdFrom: "1.0",
      actions: { delete: true, makeCurrent: true, promote: "TST" },
    });
  });

  test("JSON with major: true allocates (M+1).0; numbers are never reused after a delete", async () => {
    const { api, create, act } = await freshApp();
    await create("p");
    expect((await api("POST", "/prompts/p/versions/1.0/new", { major: true })).body.version).toBe("2.0");
    await act("p", "2.0", "delete");
    expect((await api("POST", "/prompts/p/versions/1.0/new", { major: true })).body.version).toBe("3.0");
    expect((await api("POST", "/prompts/p/versions/1.0/new")).body.version).toBe("3.1");
  });

  test("form: 303 to the new version with the editor open; the major checkbox as 'true' or 'on'", async () => {
    const { form, api, create } = await freshApp();
    await create("p");
    expectSeeOther(await form("/prompts/p/versions/1.0/new"), "/prompts/p/versions/1.1?edit=1");
    expectSeeOther(await form("/prompts/p/versions/1.0/new", { major: "true" }), "/prompts/p/versions/2.0?edit=1");
    expectSeeOther(await form("/prompts/p/versions/1.0/new", { major: "on" }), "/prompts/p/versions/3.0?edit=1");
    expect(await stages(api, "p")).toEqual(["3.0 DEV", "2.0 DEV", "1.1 DEV", "1.0 DEV *"]);
  });

  test("htmx: HX-Redirect to the new version's editor", async () => {
    const { htmx, api, create } = await freshApp();
    await create("p");
    const res = await htmx("/prompts/p/versions/1.0/new", {});
    expect(res.status).toBe(200);
    expect(res.headers.get("hx-redirect")).toBe("/prompts/p/versions/1.1?edit=1");
    expect((await api("GET", "/prompts/p/versions/1.1")).body.createdFrom).toBe("1.0");
  });
});

describe("POST …/delete", () => {
  test('JSON: 200 {deleted: "1.1"}; the version and its revisions are gone', async () => {
    const { api, create, act, db } = await freshApp();
    await create("p");
    await act("p", "1.0", "new");
    await act("p", "1.1", "save", { body: "edited", revision: 1 });
    const res = await api("POST", "/prompts/p/versions/v1.1/delete");
    expect(res.status).toBe(200);
    expect(deletedSchema.safeParse(res.body).error).toBeUndefined();
    expectKeys(res.body, ["deleted"]);
    expect(res.body).toEqual({ deleted: "1.1" });
    expectError(await api("GET", "/prompts/p/versions/1.1"), 404, "not_found");
    const revisions = await rawValue(db, "SELECT count(*) FROM revisions");
    expect(revisions).toBe(1);
  });

  test("form: 303 to the prompt page; htmx: HX-Redirect to it", async () => {
    const { form, htmx, api, create, act } = await freshApp();
    await create("p");
    await act("p", "1.0", "new");
    await act("p", "1.0", "new");
    expectSeeOther(await form("/prompts/p/versions/1.1/delete"), "/prompts/p");
    const res = await htmx("/prompts/p/versions/1.2/delete", {});
    expect(res.status).toBe(200);
    expect(res.headers.get("hx-redirect")).toBe("/prompts/p");
    expect(await stages(api, "p")).toEqual(["1.0 DEV *"]);
  });
});

describe("POST …/make-current", () => {
  test("JSON: the DEV working draft moves; content and stage stay", async () => {
    const { api, create, act } = await freshApp();
    await create("p", "one");
    const draft = await act("p", "1.0", "new");
    const res = await api("POST", "/prompts/p/versions/1.1/make-current");
    expect(res.status).toBe(200);
    expectVersion(res.body, {
      version: "1.1",
      stage: "DEV",
      current: true,
      body: "one",
      revision: 1,
      contentHash: draft.contentHash,
      actions: { makeCurrent: false, delete: false },
    });
    expect(await stages(api, "p")).toEqual(["1.1 DEV *", "1.0 DEV"]);
  });

  test("PROD rollback by form (303) and by htmx (#version-panel)", async () => {
    const { form, htmx, api, create, act } = await freshApp();
    await create("p");
    await act("p", "1.0", "promote");
    await act("p", "1.0", "promote", { to: "PROD" });
    await act("p", "1.0", "new");
    await act("p", "1.1", "promote");
    await act("p", "1.1", "promote", { to: "PROD" });
    expectSeeOther(await form("/prompts/p/versions/1.0/make-current"), "/prompts/p/versions/1.0");
    expect(await stages(api, "p")).toEqual(["1.1 PROD", "1.0 PROD *"]);
    const html = await expectFragment(await htmx("/prompts/p/versions/1.1/make-current", {}), "version-panel");
    expect(html).toContain("current in PROD");
    expect(await stages(api, "p")).toEqual(["1.1 PROD *", "1.0 PROD"]);
  });
});

test("the page after a form post says what happened, once", async () => {
  const { form, request, create } = await freshApp();
  await create("p");
  const res = await form("/prompts/p/versions/1.0/promote");
  expectSeeOther(res, "/prompts/p/versions/1.0");
  const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  const shown = await request("/prompts/p/versions/1.0", { headers: { cookie } });
  const html = await shown.text();
  expect(html).toMatch(/<div id="flash"[^>]*><p class="flash flash-ok">v1\.0 promoted to TST<\/p>/);
  expect(shown.headers.get("set-cookie") ?? "").toMatch(/promptrail_flash=;.*Max-Age=0/);
  const plain = await (await request("/prompts/p/versions/1.0")).text();
  expect(plain).not.toContain("promoted to TST");
});

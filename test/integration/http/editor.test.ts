import { describe, expect, test } from "vitest";
import { attr, control, labelled } from "./support/html.js";
import { expectFragment, expectPage, expectSeeOther, type Fields, freshApp } from "./support/http.js";

describe("line endings (R5: LF on every save)", () => {
  test("a form save with CRLF stores LF, in the version and its revision", async () => {
    const { form, api, create } = await freshApp();
    await create("p", "one");
    expectSeeOther(
      await form("/prompts/p/versions/1.0/save", { body: "a\r\nb\r\n\r\nc\rd", revision: "1" }),
      "/prompts/p/versions/1.0",
    );
    expect((await api("GET", "/prompts/p/versions/1.0")).body.body).toBe("a\nb\n\nc\nd");
    expect((await api("GET", "/prompts/p/versions/1.0/revisions")).body.revisions[0].body).toBe("a\nb\n\nc\nd");
  });

  test("JSON and htmx saves are normalized too; the raw runtime read serves LF", async () => {
    const client = await freshApp();
    await client.create("p", "x\r\ny");
    expect((await client.api("GET", "/prompts/p/versions/1.0")).body.body).toBe("x\ny");
    await client.htmx("/prompts/p/versions/1.0/save", { body: "h\r\ni", revision: "1" });
    const raw = await client.request("/prompts/p/stages/dev", { headers: { accept: "text/plain" } });
    expect(await raw.text()).toBe("h\ni");
  });

  test("CRLF and LF versions of the same text are the same content: no new revision", async () => {
    const { api, create, dump } = await freshApp();
    await create("p", "same\ntext");
    const before = await dump();
    const res = await api("POST", "/prompts/p/versions/1.0/save", { body: "same\r\ntext", revision: 1 });
    expect(res.body.revision).toBe(1);
    expect(await dump()).toEqual(before);
  });

  test("a body starting with a newline survives the editor round trip", async () => {
    const { page, form, api, create } = await freshApp();
    await create("p", "\nstarts with a blank line");
    const html = await (await page("/prompts/p/versions/1.0?edit=1")).text();
    const raw = /<textarea\b[^>]*name="body"[^>]*>([\s\S]*?)<\/textarea>/.exec(html)?.[1] ?? "";
    const submitted = raw.startsWith("\n") ? raw.slice(1) : raw;
    await form("/prompts/p/versions/1.0/save", { body: submitted, revision: "1" });
    expect((await api("GET", "/prompts/p/versions/1.0")).body).toMatchObject({
      body: "\nstarts with a blank line",
      revision: 1,
    });
  });
});

describe("stale revision by form (R6)", () => {
  test("409 page with the editor: the user's text in the textarea and the saved text shown", async () => {
    const { form, api, create, act, dump } = await freshApp();
    await create("p", "base");
    await act("p", "1.0", "save", { body: "their saved text", revision: 1 });
    const before = await dump();
    const res = await form("/prompts/p/versions/1.0/save", { body: "my\r\nunsaved text", config: "", revision: "1" });
    const html = await expectPage(res, 409);
    // A browser's parser turns CRLF in a textarea into LF, so either is the user's text.
    expect(labelled(html, "Prompt").content.replace(/\r\n/g, "\n")).toBe("my\nunsaved text");
    expect(html).toContain("their saved text");
    expect(html).toMatch(/role="alert"/);
    expect(html).toMatch(/<input type="hidden" name="revision" value="2"\/>/);
    expect(await dump()).toEqual(before);

    const resubmit = await form("/prompts/p/versions/1.0/save", { body: "my unsaved text", revision: "2" });
    expectSeeOther(resubmit, "/prompts/p/versions/1.0");
    expect((await api("GET", "/prompts/p/versions/1.0")).body).toMatchObject({ body: "my unsaved text", revision: 3 });
  });

  test("a validation failure (config not JSON) re-renders the editor with 422 and the user's text", async () => {
    const { form, create, dump } = await freshApp();
    await create("p", "base");
    const before = await dump();
    const html = await expectPage(
      await form("/prompts/p/versions/1.0/save", { body: "kept text", config: "[1,", revision: "1" }),
      422,
    );
    expect(labelled(html, "Prompt").content).toBe("kept text");
    const config = labelled(html, "Config");
    expect(config.content).toBe("[1,");
    expect(attr(config.attrs, "aria-invalid")).toBe("true");
    expect(html).toMatch(/id="config-error"/);
    expect(await dump()).toEqual(before);
  });

  test("config that is JSON but not an object is refused on the field", async () => {
    const { form, create, dump } = await freshApp();
    await create("p", "base");
    const before = await dump();
    const html = await expectPage(
      await form("/prompts/p/versions/1.0/save", { body: "b", config: "[1,2]", revision: "1" }),
      422,
    );
    expect(attr(labelled(html, "Config").attrs, "aria-invalid")).toBe("true");
    expect(await dump()).toEqual(before);
  });

  test("revision that is not digits is refused, not taken as absent", async () => {
    const { form, create, dump } = await freshApp();
    await create("p", "base");
    const before = await dump();
    const res = await form("/prompts/p/versions/1.0/save", { body: "b", revision: "1abc" });
    expect(res.status).toBe(422);
    expect(await dump()).toEqual(before);
  });
});

test("a malformed save of a PROD version is refused as immutable: no editor is ever shown for PROD", async () => {
  const client = await freshApp();
  await client.ladder("p");
  const before = await client.dump();
  const attempts: Fields[] = [
    { body: "b", config: "[" },
    { body: "b", revision: "x" },
  ];
  for (const fields of attempts) {
    const html = await expectPage(await client.form("/prompts/p/versions/1.0/save", fields), 409);
    expect(html).toContain("<code>version_immutable</code>");
    expect(html).not.toMatch(/<textarea/);
    const res = await client.htmx("/prompts/p/versions/1.0/save", fields);
    expect(res.status).toBe(409);
    expect(res.headers.get("hx-retarget")).toBe("#flash");
    expect(await res.text()).not.toMatch(/<textarea/);
  }
  expect(await client.dump()).toEqual(before);
});

describe("htmx editing in place", () => {
  test("Edit → editor fragment; Save → the panel with the new text, same version; Cancel → the panel", async () => {
    const client = await freshApp();
    await client.create("p", "before");
    const editor = await expectFragment(await client.htmx("/prompts/p/versions/1.0?edit=1"), "body-panel");
    const save = control(editor, "Save");
    expect(save.form).toMatchObject({ method: "post", action: "/prompts/p/versions/1.0/save" });
    expect(attr(save.form?.attrs ?? "", "hx-post")).toBe("/prompts/p/versions/1.0/save");
    expect(attr(save.form?.attrs ?? "", "hx-target")).toBe("#version-panel");
    const cancel = control(editor, "Cancel");
    expect(attr(cancel.attrs, "hx-get")).toBe("/prompts/p/versions/1.0");

    const saved = await expectFragment(
      await client.htmx("/prompts/p/versions/1.0/save", { body: "after", revision: "1" }),
      "version-panel",
    );
    expect(saved).toContain("after");
    expect(saved).toMatch(/v1\.0/);
    expect((await client.api("GET", "/prompts/p")).body.versions).toHaveLength(1);

    const back = await expectFragment(await client.htmx("/prompts/p/versions/1.0"), "version-panel");
    expect(back).not.toMatch(/<textarea/);
  });
});

import { describe, expect, test } from "vitest";
import { attr, control, controlNames, controls, hasAttr, hiddenFields, labelled } from "./support/html.js";
import { type Client, expectPage, expectSeeOther, freshApp } from "./support/http.js";

/** The docs/ui.md button row of one version page, as a list of accessible names. */
const row = (html: string) =>
  controlNames(html).filter((n) =>
    ["Edit", "Test", "Promote to TST", "Promote to PROD", "Create New Version", "Delete", "Make Current"].includes(n),
  );

async function ladder(): Promise<Client> {
  const client = await freshApp();
  await client.ladder("p");
  return client;
}

const versionPage = async (client: Client, v: string) => expectPage(await client.page(`/prompts/p/versions/${v}`));

describe("the button row (docs/ui.md), from the button table", () => {
  test("current DEV: everything but Make Current; Delete disabled with the reason", async () => {
    const html = await versionPage(await ladder(), "1.2");
    expect(row(html)).toEqual(["Edit", "Test", "Promote to TST", "Create New Version", "Delete"]);
    expect(hasAttr(control(html, "Edit").attrs, "disabled")).toBe(false);
    const promote = control(html, "Promote to TST");
    expect(hasAttr(promote.attrs, "disabled")).toBe(false);
    expect(promote.form).toMatchObject({ method: "post", action: "/prompts/p/versions/1.2/promote" });
    expect(hasAttr(promote.attrs, "hx-confirm")).toBe(false);
    const del = control(html, "Delete");
    expect(hasAttr(del.attrs, "disabled")).toBe(true);
    expect(attr(del.attrs, "title")).toMatch(/not current/);
  });

  test("DEV not current: Delete enabled and confirmed; Make Current shown", async () => {
    const html = await versionPage(await ladder(), "1.3");
    expect(row(html)).toEqual(["Edit", "Test", "Promote to TST", "Create New Version", "Delete", "Make Current"]);
    const del = control(html, "Delete");
    expect(hasAttr(del.attrs, "disabled")).toBe(false);
    expect(attr(del.attrs, "hx-confirm")).toMatch(/Delete/);
    expect(attr(del.attrs, "hx-post")).toBe("/prompts/p/versions/1.3/delete");
    expect(del.form).toMatchObject({ method: "get", action: "/prompts/p/versions/1.3/delete" });
    const make = control(html, "Make Current");
    expect(make.form).toMatchObject({ method: "post", action: "/prompts/p/versions/1.3/make-current" });
  });

  test("current TST: Promote to PROD with hx-confirm; Delete disabled; no Make Current", async () => {
    const html = await versionPage(await ladder(), "1.1");
    expect(row(html)).toEqual(["Edit", "Test", "Promote to PROD", "Create New Version", "Delete"]);
    const promote = control(html, "Promote to PROD");
    expect(attr(promote.attrs, "hx-confirm")).toMatch(/PROD/);
    expect(attr(promote.attrs, "hx-post")).toBe("/prompts/p/versions/1.1/promote");
    expect(promote.form).toMatchObject({ method: "get", action: "/prompts/p/versions/1.1/promote" });
    const del = control(html, "Delete");
    expect(hasAttr(del.attrs, "disabled")).toBe(true);
    expect(attr(del.attrs, "title")?.length).toBeGreaterThan(0);
  });

  test("current PROD: Edit disabled with 'Cannot edit production versions', no Promote, no Make Current", async () => {
    const html = await versionPage(await ladder(), "1.0");
    expect(row(html)).toEqual(["Edit", "Test", "Create New Version", "Delete"]);
    const edit = control(html, "Edit");
    expect(hasAttr(edit.attrs, "disabled")).toBe(true);
    expect(attr(edit.attrs, "title")).toBe("Cannot edit production versions");
    expect(html).not.toMatch(/Promote to/);
    expect(hasAttr(control(html, "Delete").attrs, "disabled")).toBe(true);
    expect(hasAttr(control(html, "Create New Version").attrs, "disabled")).toBe(false);
    expect(hasAttr(control(html, "Test").attrs, "disabled")).toBe(false);
  });

  test("PROD not current: Make Current (the rollback) is offered", async () => {
    const client = await ladder();
    await client.act("p", "1.1", "promote", { to: "PROD" });
    const html = await versionPage(client, "1.0");
    expect(row(html)).toEqual(["Edit", "Test", "Create New Version", "Delete", "Make Current"]);
    expect(control(html, "Make Current").form).toMatchObject({ method: "post" });
  });

  test("TST not current: Make Current offered, Promote to PROD still there", async () => {
    const client = await ladder();
    await client.act("p", "1.3", "promote");
    const html = await versionPage(client, "1.1");
    expect(row(html)).toEqual(["Edit", "Test", "Promote to PROD", "Create New Version", "Delete", "Make Current"]);
  });

  test("every enabled button works without JavaScript: it is in a form with a method and action", async () => {
    const html = await versionPage(await ladder(), "1.3");
    for (const c of controls(html).filter((c) => c.tag === "button" && !hasAttr(c.attrs, "disabled"))) {
      expect(c.form, `"${c.name}" has a form`).not.toBeNull();
      // Compare with PROD starts a comparison of the prompt, candidate 1.3.
      expect(c.form?.action, `"${c.name}" has an action`).toMatch(/^\/prompts\/p\/(versions\/1\.3|comparisons$)/);
    }
    const edit = control(html, "Edit");
    expect(edit.form).toMatchObject({ method: "get", action: "/prompts/p/versions/1.3" });
    expect(html).toMatch(/<input type="hidden" name="edit" value="1"\/>/);
    expect(control(html, "Test").form).toMatchObject({ method: "post", action: "/prompts/p/versions/1.3/test" });
    expect(control(html, "Create New Version").form).toMatchObject({ method: "post" });
  });

  test("the version page shows the stage badge and the body", async () => {
    const client = await ladder();
    const stages: Array<[string, string]> = [
      ["1.0", "PROD"],
      ["1.1", "TST"],
      ["1.2", "DEV"],
    ];
    for (const [v, stage] of stages) {
      const html = await versionPage(client, v);
      expect(html).toMatch(new RegExp(`<span class="badge badge-${stage.toLowerCase()}">${stage}</span>`));
      expect(html).toContain("Hello <mark");
    }
  });
});

describe("confirmation pages without JavaScript", () => {
  test("GET …/promote: a page whose form POSTs the promotion; submitting it promotes", async () => {
    const client = await ladder();
    const html = await expectPage(await client.page("/prompts/p/versions/1.1/promote"));
    const button = control(html, "Promote to PROD");
    expect(button.form).toMatchObject({ method: "post", action: "/prompts/p/versions/1.1/promote" });
    expect(html).toMatch(/<a\b[^>]*href="\/prompts\/p\/versions\/1\.1"[^>]*>Cancel<\/a>/);
    const action = button.form?.action ?? "";
    expectSeeOther(await client.form(action, hiddenFields(html, action)), "/prompts/p/versions/1.1");
    expect((await client.api("GET", "/prompts/p")).body.current.PROD).toBe("1.1");
  });

  test("GET …/delete: a page whose form POSTs the delete; submitting it deletes", async () => {
    const client = await ladder();
    const html = await expectPage(await client.page("/prompts/p/versions/1.3/delete"));
    const button = control(html, "Delete");
    expect(button.form).toMatchObject({ method: "post", action: "/prompts/p/versions/1.3/delete" });
    const action = button.form?.action ?? "";
    expectSeeOther(await client.form(action, hiddenFields(html, action)), "/prompts/p");
    expect((await client.api("GET", "/prompts/p/versions/1.3")).status).toBe(404);
  });

  test("showing a confirmation page changes nothing", async () => {
    const client = await ladder();
    const before = await client.dump();
    await client.page("/prompts/p/versions/1.1/promote");
    await client.page("/prompts/p/versions/1.3/delete");
    expect(await client.dump()).toEqual(before);
  });
});

describe("?edit=1: the editor", () => {
  test("a textarea labelled Prompt holding the body, Save and Cancel", async () => {
    const client = await ladder();
    const html = await expectPage(await client.page("/prompts/p/versions/1.2?edit=1"));
    const prompt = labelled(html, "Prompt");
    expect(prompt.tag).toBe("textarea");
    expect(attr(prompt.attrs, "name")).toBe("body");
    expect(prompt.content).toBe("Hello {{name}}");
    const save = control(html, "Save");
    expect(save.form).toMatchObject({ method: "post", action: "/prompts/p/versions/1.2/save" });
    expect(html).toMatch(/<input type="hidden" name="revision" value="1"\/>/);
    const cancel = control(html, "Cancel");
    expect(attr(cancel.attrs, "href")).toBe("/prompts/p/versions/1.2");
  });

  test("Create New Version by form lands on the editor of the new version", async () => {
    const client = await ladder();
    const res = await client.form("/prompts/p/versions/1.0/new");
    expectSeeOther(res, "/prompts/p/versions/1.4?edit=1");
    const html = await expectPage(await client.page(res.headers.get("location") ?? ""));
    expect(labelled(html, "Prompt").content).toBe("Hello {{name}}");
  });
});

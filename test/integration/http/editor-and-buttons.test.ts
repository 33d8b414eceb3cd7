import { describe, expect, test } from "vitest";
import { attr, control, hasAttr } from "./support/html.js";
import { expectFragment, expectPage, expectSeeOther, freshApp } from "./support/http.js";

describe("Save and test", () => {
  test("without JavaScript: saves, tests the saved text and lands on the results", async () => {
    const { form, api, create } = await freshApp();
    await create("p", "Hello {{who}} UNSAVED 1");
    await api("POST", "/prompts/p/versions/1.0/test", { variables: { who: "Ada" } }); // remembered
    const res = await form("/prompts/p/versions/1.0/save", {
      body: "Hello {{who}} UNSAVED 2",
      revision: "1",
      after: "test",
    });
    expectSeeOther(res, "/prompts/p/versions/1.0#test-results");
    const run = (await api("GET", "/prompts/p/versions/1.0/tests")).body.runs[0];
    expect(run).toMatchObject({ revision: 2, status: "passed" });
    expect(run.results[0].output).toBe("Hello Ada UNSAVED 2");
  });

  test("with htmx: the ad-hoc inputs go along; the panel shows the run and marks the results for focus", async () => {
    const { htmx, api, create } = await freshApp();
    await create("p", "Hello {{who}}");
    const res = await htmx("/prompts/p/versions/1.0/save", {
      body: "Hi {{who}} in {{place}}",
      revision: "1",
      after: "test",
      "var.who": "Ada",
      "var.place": "Paris",
    });
    const html = await expectFragment(res, "version-panel");
    expect(html).toContain("Saved v1.0, revision 2, and tested it: passed");
    expect(html).toContain("Hi Ada in Paris");
    expect(html).toMatch(/<h2 id="test-results-title" class="sub" data-focus-here="">/);
    expect((await api("GET", "/prompts/p/versions/1.0")).body.revision).toBe(2);
  });

  test("a plain save ignores the ad-hoc inputs and runs nothing; JSON saves stay strict", async () => {
    const { htmx, api, create } = await freshApp();
    await create("p", "Hello {{who}}");
    await expectFragment(
      await htmx("/prompts/p/versions/1.0/save", { body: "Hi {{who}}", revision: "1", "var.who": "Ada" }),
      "version-panel",
    );
    expect((await api("GET", "/prompts/p/versions/1.0/tests")).body.runs).toEqual([]);
    const refused = await api("POST", "/prompts/p/versions/1.0/save", { body: "x", after: "test" });
    expect(refused.status).toBe(422);
  });

  test("the editor says Test runs the saved revision and offers Save and test", async () => {
    const { page, create } = await freshApp();
    await create("p", "Hello");
    const html = await expectPage(await page("/prompts/p/versions/1.0?edit=1"));
    expect(html).toContain("Test runs the saved text (revision 1), not what is in the editor");
    const saveAndTest = control(html, "Save and test");
    expect(attr(saveAndTest.attrs, "name")).toBe("after");
    expect(attr(saveAndTest.attrs, "value")).toBe("test");
    expect(saveAndTest.form).toMatchObject({ method: "post", action: "/prompts/p/versions/1.0/save" });
    expect(attr(saveAndTest.form?.attrs ?? "", "hx-include")).toBe("#test-form");
  });
});

describe("htmx answers that close the editor drop ?edit=1 from the address", () => {
  test("a save and a cancel replace the URL with the version's; the editor fragment and a refused save do not", async () => {
    const { htmx, create } = await freshApp();
    await create("p", "Hello");
    expect(
      (await htmx("/prompts/p/versions/1.0/save", { body: "Hi", revision: "1" })).headers.get("hx-replace-url"),
    ).toBe("/prompts/p/versions/1.0");
    expect((await htmx("/prompts/p/versions/1.0")).headers.get("hx-replace-url")).toBe("/prompts/p/versions/1.0");
    expect((await htmx("/prompts/p/versions/1.0?edit=1")).headers.get("hx-replace-url")).toBeNull();
    expect(
      (await htmx("/prompts/p/versions/1.0/save", { body: "stale", revision: "1" })).headers.get("hx-replace-url"),
    ).toBeNull();
  });
});

describe("the button row acts once per click and says why in words", () => {
  test("every action button is disabled while its request runs, and the row takes one action at a time", async () => {
    const { page, ladder } = await freshApp();
    await ladder("p");
    const html = await expectPage(await page("/prompts/p/versions/1.3"));
    for (const name of ["Promote to TST", "Create New Version", "Delete", "Make Current"]) {
      const button = control(html, name);
      expect(attr(button.attrs, "hx-disabled-elt"), name).toBe("this");
      expect(attr(button.attrs, "hx-sync"), name).toBe("#button-row:drop");
      expect(attr(button.attrs, "id"), name).toMatch(/^action-/);
    }
  });

  test("disabled buttons are described by a visible reason; the major box comes before its button", async () => {
    const { page, ladder } = await freshApp();
    await ladder("p");
    const html = await expectPage(await page("/prompts/p/versions/1.0"));
    const edit = control(html, "Edit");
    expect(hasAttr(edit.attrs, "disabled")).toBe(true);
    const why = attr(edit.attrs, "aria-describedby");
    expect(html).toContain(`<span id="${why}">Cannot edit production versions</span>`);
    expect(html).toMatch(/<ul class="reasons" aria-label="Why some buttons are disabled">/);
    const create =
      /<form method="post" action="\/prompts\/p\/versions\/1.0\/new"[^>]*>([\s\S]*?)<\/form>/.exec(html)?.[1] ?? "";
    expect(create.indexOf('name="major"')).toBeLessThan(create.indexOf("Create New Version"));
  });
});

describe("messages are announced: htmx swaps the content of the live region, not the region", () => {
  test("a panel's flash swaps innerHTML; a refusal in #flash brings only the message", async () => {
    const { htmx, create, ladder } = await freshApp();
    await create("q", "Hello");
    const saved = await expectFragment(
      await htmx("/prompts/q/versions/1.0/save", { body: "Hi", revision: "1" }),
      "version-panel",
    );
    expect(saved).toMatch(
      /<div id="flash" class="flash-area" role="status" aria-live="polite" hx-swap-oob="innerHTML">/,
    );
    await ladder("p");
    const refused = await htmx("/prompts/p/versions/9.9/promote", {});
    expect(refused.headers.get("hx-reswap")).toBe("innerHTML");
    expect(refused.headers.get("hx-reselect")).toBe("#flash > .flash");
  });

  test("a Test says how it went in the live region", async () => {
    const { htmx, create } = await freshApp();
    await create("p", "Hello");
    const html = await (await htmx("/prompts/p/versions/1.0/test", {})).text();
    expect(html).toMatch(/hx-swap-oob="innerHTML"><p class="flash flash-ok">Tested v1.0: passed \(1 case\)<\/p>/);
  });
});

import { expect, test } from "vitest";
import { securedApp } from "../../support/accounts.js";
import { expectPage, freshApp } from "./support/http.js";

/** Small things a new user met on the pages: where Settings starts, the prompt's tabs, the editor's hints. */

test("/settings opens the first Settings tab this person may use", async () => {
  const open = await freshApp();
  const res = await open.page("/settings");
  expect([res.status, res.headers.get("location")]).toEqual([302, "/settings/environments"]);

  const secured = await securedApp();
  const as = (role: "admin" | "editor" | "viewer") =>
    secured.request("/settings", { headers: { cookie: `promptrail_session=${secured.who[role].session}` } });
  expect((await as("admin")).headers.get("location")).toBe("/settings/environments");
  expect((await as("editor")).headers.get("location")).toBe("/settings/tokens");
  expect((await as("viewer")).headers.get("location")).toBe("/settings/tokens");
  expect((await secured.request("/settings")).status).toBe(303); // not signed in: to the sign-in page
});

test("the prompt's tabs are on its versions, test cases, compare, comparisons and history pages, the current one marked", async () => {
  const client = await freshApp();
  await client.create("p", "Hello {{who}}");
  await client.act("p", "1.0", "new");
  for (const [path, current] of [
    ["/prompts/p", "Versions"],
    ["/prompts/p/test-cases", "Test cases"],
    ["/prompts/p/compare?from=1.0&to=1.1", "Compare"],
    ["/prompts/p/comparisons", "Comparisons"],
    ["/prompts/p/history", "History"],
  ]) {
    const html = await expectPage(await client.page(path as string));
    const tabs = /<nav class="tabs" aria-label="Prompt">([\s\S]*?)<\/nav>/.exec(html)?.[1] ?? "";
    expect(tabs.match(/<a /g), path).toHaveLength(5);
    expect(tabs, path).toContain(`aria-current="page">${current}</a>`);
  }
});

test("the editor: Cancel disables nothing (no console error), the keyboard hints wait for the script", async () => {
  const client = await freshApp();
  await client.create("p", "Hello");
  const html = await expectPage(await client.page("/prompts/p/versions/1.0?edit=1"));
  expect(html).toMatch(/<a role="button" class="button"[^>]*hx-disabled-elt="unset"[^>]*data-cancel/);
  expect(html).toMatch(/<span data-needs-js[^>]*hidden[^>]*><kbd>Ctrl<\/kbd>/);
});

test("the archived banner's time and colon stay together; the short hash is one unbreakable word", async () => {
  const client = await freshApp();
  await client.create("p", "Hello");
  expect((await client.api("POST", "/prompts/p/archive")).status).toBe(200);
  const html = await expectPage(await client.page("/prompts/p"));
  expect(html).toMatch(/<span><strong>Archived<\/strong> <time [^>]*>just now<\/time>: hidden from the list/);
  const version = await expectPage(await client.page("/prompts/p/versions/1.0"));
  expect(version).toMatch(/<code class="hash" title="[0-9a-f]{64}">[0-9a-f]{12}<\/code>/);
});

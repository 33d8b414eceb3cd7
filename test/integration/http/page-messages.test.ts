import { expect, test } from "vitest";
import { type Client, expectFragment, expectPage, expectSeeOther, freshApp } from "./support/http.js";

/**
 * What the pages say after an action, where the words matter: a TEST that failed is not the green
 * "done", the gate's note goes when a Test opens the gate, an empty prompt saved is a warning.
 */

/** The flash message of an answer: its kind and its text. */
function flashOf(html: string): { kind: string; text: string } | null {
  const match = /<p class="flash flash-(\w+)">([^<]*)<\/p>/.exec(html);
  return match ? { kind: match[1] ?? "", text: match[2] ?? "" } : null;
}

/** The flash a 303 leaves for the next page, from its cookie (encoded once by us, once by setCookie). */
function flashCookie(res: Response): { kind: string; text: string } {
  const raw = /promptrail_flash=([^;]*)/.exec(res.headers.get("set-cookie") ?? "")?.[1] ?? "";
  return JSON.parse(decodeURIComponent(decodeURIComponent(raw)));
}

async function withCases(client: Client, cases: Array<{ name: string; value: string }>) {
  await client.create("p", "Hello {{who}}");
  for (const c of cases) {
    const res = await client.api("POST", "/prompts/p/test-cases", {
      name: c.name,
      variables: { who: "Ada" },
      assertions: [{ type: "contains", value: c.value }],
    });
    expect(res.status).toBe(201);
  }
}

test("a failed TEST is announced as a warning that counts the cases, in htmx and without JavaScript", async () => {
  const client = await freshApp();
  await withCases(client, [
    { name: "greets", value: "Hello Ada" },
    { name: "never", value: "Goodbye" },
  ]);
  const htmx = await client.htmx("/prompts/p/versions/1.0/test", {});
  const html = await expectFragment(htmx, "test-results");
  expect(flashOf(html)).toEqual({ kind: "warn", text: "Tested v1.0: failed — 1 of 2 cases failed" });

  const form = await client.form("/prompts/p/versions/1.0/test");
  expectSeeOther(form, "/prompts/p/versions/1.0#test-results");
  expect(flashCookie(form)).toEqual({ kind: "warn", text: "Tested v1.0: failed — 1 of 2 cases failed" });
});

test("an erring TEST says so as a warning; a passing one is the green message", async () => {
  const client = await freshApp();
  await client.create("p", "Hello {{who}}");
  // No test cases, no variables: the ad-hoc case cannot fill {{who}}.
  const erred = await expectFragment(await client.htmx("/prompts/p/versions/1.0/test", {}), "test-results");
  expect(flashOf(erred)).toEqual({ kind: "warn", text: "Tested v1.0: error — the case could not run" });
  const passed = await client.htmx("/prompts/p/versions/1.0/test", { "var.who": "Ada" });
  expect(flashOf(await passed.text())).toEqual({ kind: "ok", text: "Tested v1.0: passed (1 case)" });
});

test("Save and test says both: the save, and how the test went", async () => {
  const client = await freshApp();
  await withCases(client, [{ name: "never", value: "Goodbye" }]);
  const res = await client.htmx("/prompts/p/versions/1.0/save", { body: "Hi {{who}}", revision: "1", after: "test" });
  const html = await expectFragment(res, "version-panel");
  expect(flashOf(html)).toEqual({
    kind: "warn",
    text: "Saved v1.0, revision 2, and tested it: failed — the case failed",
  });
});

test("a Test that opens the TST gate clears the gate's note in place (out of band)", async () => {
  const client = await freshApp();
  await client.create("p", "Hello");
  expect((await client.api("POST", "/settings/environments/tst", { gate: true })).status).toBe(200);
  const before = await expectPage(await client.page("/prompts/p/versions/1.0"));
  expect(before).toMatch(/<p id="gate-note" class="gate-note">TST requires a passing test before promotion/);

  const html = await expectFragment(await client.htmx("/prompts/p/versions/1.0/test", {}), "test-results");
  expect(html).toContain('<p id="gate-note" class="gate-note" hx-swap-oob="true"></p>');
  expect(html).toMatch(/<button type="submit" id="action-promote"[^>]*>Promote to TST<\/button>/);
  const after = await expectPage(await client.page("/prompts/p/versions/1.0"));
  expect(after).toContain('<p id="gate-note" class="gate-note"></p>');
});

test("saving an empty prompt text is allowed, and the page warns about it", async () => {
  const client = await freshApp();
  await client.create("p", "Hello");
  const html = await expectFragment(
    await client.htmx("/prompts/p/versions/1.0/save", { body: "  \r\n ", revision: "1" }),
    "version-panel",
  );
  expect(flashOf(html)).toEqual({
    kind: "warn",
    text: "Saved v1.0, revision 2 — but the prompt text is empty: a model would be sent nothing",
  });
  expect(html).toContain("The prompt text is empty: a model would be sent nothing.");
  // The JSON answer is as it always was: the saved version.
  const json = await client.api("POST", "/prompts/p/versions/1.0/save", { body: "", revision: 2 });
  expect(json.status).toBe(200);
  expect(json.body.body).toBe("");

  const created = await client.form("/prompts", { name: "blank", body: "" });
  expectSeeOther(created, "/prompts/blank/versions/1.0");
  expect(flashCookie(created)).toEqual({
    kind: "warn",
    text: "Created blank — v1.0 is its current DEV draft. Its text is empty: write it with Edit",
  });
});

test("a chat prompt whose messages are all blank warns; a placeholder alone is content", async () => {
  const client = await freshApp();
  await client.create("c", "", { type: "chat", body: undefined, messages: [{ role: "system", content: "Hi" }] });
  const blank = await client.htmx("/prompts/c/versions/1.0/save", { role: "system", content: " ", revision: "1" });
  expect(flashOf(await blank.text())?.text).toBe(
    "Saved v1.0, revision 2 — but every message is empty: a model would be sent nothing",
  );
  const slot = await client.htmx("/prompts/c/versions/1.0/save", {
    role: "placeholder",
    content: "history",
    revision: "2",
  });
  expect(flashOf(await slot.text())).toEqual({ kind: "ok", text: "Saved v1.0, revision 3" });
});

test("a refused chat save counts rows from 1 in the page; the JSON issues keep their 0-based paths", async () => {
  const client = await freshApp();
  await client.create("c", "", { type: "chat", body: undefined, messages: [{ role: "system", content: "Hi" }] });
  const fields = new URLSearchParams([
    ["revision", "1"],
    ["role", "system"],
    ["content", "Hi"],
    ["role", "placeholder"],
    ["content", " "],
  ]);
  const res = await client.request("/prompts/c/versions/1.0/save", {
    method: "POST",
    headers: { "hx-request": "true", "content-type": "application/x-www-form-urlencoded" },
    body: fields.toString(),
  });
  const html = await expectFragment(res, "version-panel", 422);
  expect(flashOf(html)?.text).toMatch(/^Message 2: Name the placeholder like a variable/);
  const json = await client.api("POST", "/prompts/c/versions/1.0/save", {
    messages: [
      { role: "system", content: "Hi" },
      { type: "placeholder", name: "" },
    ],
  });
  expect(json.status).toBe(422);
  expect(json.body.error.issues[0].path).toBe("messages.1.name");
  expect(json.body.error.message).toMatch(/^messages\.1\.name: /);
});

test("config errors say what is wrong in words, with the line and column of a JSON mistake", async () => {
  const client = await freshApp();
  await client.create("p", "Hello");
  const bad = await client.htmx("/prompts/p/versions/1.0/save", {
    body: "Hello",
    config: '{\r\n  "model": "gpt-4o-mini"\r\n  "temperature": 0.2\r\n}',
    revision: "1",
  });
  const html = await expectFragment(bad, "version-panel", 422);
  const where = "Not valid JSON at line 3, column 3: expected “,” or “}” after a value";
  expect(flashOf(html)?.text).toBe(`Config: ${where}`);
  expect(html).toContain(`<p id="config-error" class="field-error">${where}</p>`);

  const list = await client.htmx("/prompts/p/versions/1.0/save", { body: "Hello", config: "[1, 2]", revision: "1" });
  expect(await list.text()).toContain(
    "The config must be a JSON object of settings, like {&quot;model&quot;: &quot;gpt-4o-mini&quot;, &quot;temperature&quot;: 0.2}; this is a list ([…])",
  );
  const json = await client.api("POST", "/prompts/p/versions/1.0/save", { config: "text" });
  expect(json.status).toBe(422);
  expect(json.body.error.issues).toEqual([
    { path: "config", message: expect.stringMatching(/^The config must be a JSON object .*; this is text in quotes$/) },
  ]);

  const body = await client.request("/prompts/p/versions/1.0/save", {
    method: "POST",
    headers: { accept: "application/json", "content-type": "application/json" },
    body: '{"body": "x",\n "config": {"a": 1,}}',
  });
  expect(body.status).toBe(400);
  expect((await body.json()).error.message).toBe(
    "The request body is not valid JSON (line 2, column 20: unexpected “}” after a comma: JSON allows no trailing comma)",
  );
});

test("a chat placeholder's value that is not JSON: the case's error says where", async () => {
  const client = await freshApp();
  await client.create("c", "", { type: "chat", body: undefined, messages: [{ type: "placeholder", name: "history" }] });
  const run = await client.api("POST", "/prompts/c/versions/1.0/test", { variables: { history: '[{"role": "user"' } });
  expect(run.body.results[0].error).toMatch(
    /takes a JSON array of messages.*; the value given is not valid JSON at line 1, column 17: the text ends too early/,
  );
});

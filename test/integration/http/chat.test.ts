import { describe, expect, test } from "vitest";
import { completion, fakeOpenAi, sendJson } from "../../support/fake-openai.js";
import { testingServices } from "../../support/testing.js";
import { expectError, expectPage, expectSeeOther, expectVersion, FORM, freshApp } from "./support/http.js";

/** docs/rules.md, chat prompts: chat prompts through every route, in JSON and in the pages (with and without htmx). */
const MESSAGES = [
  { role: "system", content: "You answer questions about {{topic}}." },
  { type: "placeholder", name: "history" },
  { role: "user", content: "{{question}}" },
];

async function chatApp() {
  const client = await freshApp();
  const res = await client.api("POST", "/prompts", { name: "c", type: "chat", messages: MESSAGES });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  /** A plain HTML form post of the editor, with repeated fields (rows pair by position). */
  const save = (fields: URLSearchParams) =>
    client.request("/prompts/c/versions/1.0/save", {
      method: "POST",
      headers: { "content-type": FORM, accept: "text/html" },
      body: fields.toString(),
    });
  return { ...client, created: res.body, save };
}

/** The editor's fields for `rows` ([role, text] pairs) at `revision`. */
function rowFields(revision: number, rows: Array<[string, string]>): URLSearchParams {
  const fields = new URLSearchParams({ revision: String(revision) });
  for (const [role, content] of rows) {
    fields.append("role", role);
    fields.append("content", content);
  }
  return fields;
}

describe("chat prompts over JSON", () => {
  test("create: 201, a version object with type chat and messages (no body), seq 1", async () => {
    const { created, api } = await chatApp();
    expectVersion(created, { prompt: "c", version: "1.0", seq: 1, type: "chat", messages: MESSAGES });
    expect(created).not.toHaveProperty("body");
    const text = await api("POST", "/prompts", { name: "t", body: "Hi" });
    expectVersion(text.body, { type: "text", body: "Hi", seq: 1 });
    expect(text.body).not.toHaveProperty("messages");
    // Without a type, the field given decides.
    expect((await api("POST", "/prompts", { name: "m", messages: [{ role: "user", content: "x" }] })).body.type).toBe(
      "chat",
    );
  });

  test("bad chat input is 422 naming the field, and writes nothing", async () => {
    const { api, dump } = await chatApp();
    const before = await dump();
    const cases: Array<[unknown, string]> = [
      [{ name: "x", type: "chat", body: "text" }, "body"],
      [{ name: "x", type: "chat" }, "messages"],
      [{ name: "x", body: "b", messages: [{ role: "user", content: "m" }] }, "messages"],
      [{ name: "x", type: "chat", messages: [] }, "messages"],
      [{ name: "x", type: "chat", messages: [{ role: "bot", content: "m" }] }, "messages.0.role"],
      [{ name: "x", type: "chat", messages: [{ role: "user" }] }, "messages.0.content"],
      [{ name: "x", type: "chat", messages: [{ type: "placeholder", name: "two words" }] }, "messages.0.name"],
      [{ name: "x", type: "chat", messages: [{ type: "slot", name: "h" }] }, "messages.0.type"],
      [
        { name: "x", type: "chat", messages: Array.from({ length: 101 }, () => ({ role: "user", content: "" })) },
        "messages",
      ],
      [{ name: "x", type: "voice", body: "b" }, "type"],
    ];
    for (const [input, path] of cases) {
      const res = await api("POST", "/prompts", input);
      expectError(res, 422, "validation_failed");
      expect(res.body.error.issues.map((i: { path: string }) => i.path)).toContain(path);
    }
    expectError(await api("POST", "/prompts/c/versions/1.0/save", { body: "text" }), 422, "validation_failed");
    await api("POST", "/prompts", { name: "t", body: "Hi" });
    const before2 = await dump();
    const wrong = await api("POST", "/prompts/t/versions/1.0/save", { messages: [{ role: "user", content: "x" }] });
    expectError(wrong, 422, "validation_failed");
    expect(wrong.body.error.message).toBe("messages: A text prompt takes body, not messages");
    expect(await dump()).toEqual(before2);
    expect(Object.keys(before)).toEqual(Object.keys(await dump()));
  });

  test("save, revisions, new version, promote: the same rules as text; CRLF becomes LF in every message", async () => {
    const { api, act } = await chatApp();
    const edited = [{ role: "system", content: "Line one\r\nline two" }, ...MESSAGES.slice(1)];
    const saved = await act("c", "1.0", "save", { messages: edited, revision: 1 });
    expectVersion(saved, { revision: 2, seq: 1, type: "chat" });
    expect(saved.messages[0].content).toBe("Line one\nline two");
    const revisions = (await api("GET", "/prompts/c/versions/1.0/revisions")).body.revisions;
    expect(revisions.map((r: { revision: number; messages: unknown[] }) => [r.revision, r.messages.length])).toEqual([
      [2, 3],
      [1, 3],
    ]);
    expect(revisions[0]).not.toHaveProperty("body");
    const copy = await act("c", "1.0", "new");
    expectVersion(copy, { version: "1.1", seq: 2, messages: saved.messages, contentHash: saved.contentHash });
    await act("c", "1.0", "promote");
    const prod = await act("c", "1.0", "promote", { to: "PROD" });
    expect(prod.stage).toBe("PROD");
    expectError(await api("POST", "/prompts/c/versions/1.0/save", { messages: MESSAGES }), 409, "version_immutable");
    const restored = await act("c", "1.1", "revisions/1/restore", {});
    expect(restored.messages).toEqual(saved.messages);
  });

  test("the runtime read: JSON with messages; text/plain is 406 not_acceptable; the page shows the messages", async () => {
    const { request, api, act } = await chatApp();
    await act("c", "1.0", "promote");
    await act("c", "1.0", "promote", { to: "PROD" });
    const json = await api("GET", "/prompts/c/stages/PROD");
    expectVersion(json.body, { type: "chat", messages: MESSAGES, stage: "PROD" });
    const plain = await request("/prompts/c/stages/PROD", { headers: { accept: "text/plain" } });
    expect(plain.status).toBe(406);
    expect(plain.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await plain.text()).toMatch(/chat prompt/);
    const again = await request("/prompts/c/stages/PROD", { headers: { accept: "text/plain" } });
    expect(again.status).toBe(406);
    const html = await expectPage(await request("/prompts/c/stages/PROD", { headers: { accept: "text/html" } }));
    expect(html).toContain("You answer questions about");
    expect(html).toContain('class="role role-system"');
  });

  test("compare and revisions: message by message; unchanged messages are left out", async () => {
    const { api, act, page } = await chatApp();
    await act("c", "1.0", "new");
    const changed = [
      MESSAGES[0],
      MESSAGES[1],
      { role: "user", content: "{{question}} Be brief." },
      { role: "assistant", content: "Sure." },
    ];
    await act("c", "1.1", "save", { messages: changed });
    const { body } = await api("GET", "/prompts/c/compare?from=1.0&to=1.1");
    expect(body.diff).toContain("--- v1.0/messages/3 (user)\n+++ v1.1/messages/3 (user)");
    expect(body.diff).toContain("+{{question}} Be brief.");
    expect(body.diff).toContain("--- /dev/null\n+++ v1.1/messages/4 (assistant)");
    expect(body.diff).not.toContain("messages/1 (system)");
    expect(body.diff).not.toContain("messages/2 (placeholder)");
    const html = await expectPage(await page("/prompts/c/compare?from=1.0&to=1.1"));
    expect(html).toContain("<figcaption>Message 3 · user</figcaption>");
    expect(html).toContain("<figcaption>Message 4 · assistant — added</figcaption>");
    const revisions = await expectPage(await page("/prompts/c/versions/1.1/revisions"));
    expect(revisions).toContain("<figcaption>Message 4 · assistant — added</figcaption>");
    expect(revisions).toContain('aria-label="Revision 1 text"');
  });
});

describe("TEST of a chat prompt (docs/rules.md, chat prompts)", () => {
  test("echo answers the rendered messages as role: content lines, the placeholder filled", async () => {
    const { act } = await chatApp();
    const history = JSON.stringify([{ role: "assistant", content: "Earlier answer" }]);
    const run = await act("c", "1.0", "test", { variables: { topic: "tax", question: "Why?", history } });
    expect(run.status).toBe("passed");
    expect(run.results[0].output).toBe(
      "system: You answer questions about tax.\nassistant: Earlier answer\nuser: Why?",
    );
  });

  test("a missing placeholder, or one that is not a JSON array of messages, is that case's error", async () => {
    const { act } = await chatApp();
    const missing = await act("c", "1.0", "test", { variables: { topic: "t", question: "q" } });
    expect(missing.results[0]).toMatchObject({ status: "error", error: "Missing template variable: history" });
    const bad = await act("c", "1.0", "test", { variables: { topic: "t", question: "q", history: "hello" } });
    expect(bad.results[0].status).toBe("error");
    expect(bad.results[0].error).toMatch(/placeholder history takes a JSON array of messages/);
  });

  test("an OpenAI-compatible provider gets the rendered messages as they are", async () => {
    const server = await fakeOpenAi((_, res) => sendJson(res, 200, completion("Answer")));
    const s = await testingServices();
    await s.environments.update("DEV", { provider: "openai", baseUrl: server.baseUrl, model: "m", apiKeyEnv: null });
    await s.prompts.create({ name: "c", type: "chat", messages: MESSAGES, config: { temperature: 0 } });
    const history = JSON.stringify([
      { role: "user", content: "Hi" },
      { role: "assistant", content: "Hello" },
    ]);
    const run = await s.testRuns.run("c", "1.0", { variables: { topic: "tax", question: "Why?", history } });
    expect(run.status).toBe("passed");
    expect(server.requests[0]?.body).toEqual({
      model: "m",
      temperature: 0,
      messages: [
        { role: "system", content: "You answer questions about tax." },
        { role: "user", content: "Hi" },
        { role: "assistant", content: "Hello" },
        { role: "user", content: "Why?" },
      ],
    });
  });
});

describe("the chat editor and pages", () => {
  test("the version page lists the messages and seq; the promotion preview names placeholders as variables", async () => {
    const { page } = await chatApp();
    const html = await expectPage(await page("/prompts/c/versions/1.0"));
    expect(html).toContain('aria-label="Messages"');
    expect(html).toMatch(/class="role role-placeholder">placeholder<\/span>/);
    expect(html).toMatch(/Seq[\s\S]*?<code>1<\/code>/);
    expect(html).toContain("callers of TST will need the variables");
    expect(html).toContain('<code class="var-name">history</code>');
  });

  test("?edit=1 gives one row per message; without JavaScript, moving a row is a round trip that saves nothing", async () => {
    const { page, save, dump } = await chatApp();
    const editor = await expectPage(await page("/prompts/c/versions/1.0?edit=1"));
    expect(editor.match(/data-msg-row="true"/g)?.length).toBe(3 + 1); // three rows and the template's blank one
    expect(editor).toContain('aria-label="Move message 2 up"');
    const before = await dump();
    const fields = rowFields(1, [
      ["system", "You answer questions about {{topic}}."],
      ["placeholder", "history"],
      ["user", "{{question}}"],
    ]);
    fields.append("op", "up:2");
    const moved = await expectPage(await save(fields));
    expect(await dump()).toEqual(before);
    const order = [...moved.matchAll(/<option value="(\w+)" selected="">/g)].map((m) => m[1]);
    expect(order.slice(0, 3)).toEqual(["system", "user", "placeholder"]);
    expect(moved).toContain('data-unsaved="true"');
  });

  test("a form save of the rows: 303 and saved; a bad placeholder name keeps every row and says why (422)", async () => {
    const { save, api, dump } = await chatApp();
    const rows: Array<[string, string]> = [
      ["system", "Be kind."],
      ["placeholder", "history"],
      ["user", "{{question}}\r\nThanks"],
    ];
    expectSeeOther(await save(rowFields(1, rows)), "/prompts/c/versions/1.0");
    const saved = (await api("GET", "/prompts/c/versions/1.0")).body;
    expect(saved.messages).toEqual([
      { role: "system", content: "Be kind." },
      { type: "placeholder", name: "history" },
      { role: "user", content: "{{question}}\nThanks" },
    ]);
    const before = await dump();
    const refused = await expectPage(
      await save(rowFields(2, [rows[0], ["placeholder", "two words"], rows[2]] as never)),
      422,
    );
    expect(await dump()).toEqual(before);
    expect(refused).toContain("two words");
    expect(refused).toMatch(/Name the placeholder like a variable/);
    expect(refused).toContain('id="msg-1-error"');
  });

  test("a new test case's blank variables name the messages' variables and the placeholders", async () => {
    const { page } = await chatApp();
    const html = await expectPage(await page("/prompts/c/test-cases"));
    expect(html).toContain(
      "&quot;topic&quot;: &quot;&quot;,\n  &quot;history&quot;: &quot;&quot;,\n  &quot;question&quot;",
    );
  });

  test("the New prompt form makes a chat prompt whose first text is its system message", async () => {
    const { form, api } = await freshApp();
    const res = await form("/prompts", { name: "from-form", type: "chat", body: "You are kind." });
    expectSeeOther(res, "/prompts/from-form/versions/1.0");
    expect((await api("GET", "/prompts/from-form/versions/1.0")).body.messages).toEqual([
      { role: "system", content: "You are kind." },
    ]);
  });
});

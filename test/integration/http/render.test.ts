import { describe, expect, test } from "vitest";
import { securedApp } from "../../support/accounts.js";
import { freshApp } from "./support/http.js";

/**
 * The render endpoints (docs/contract.md, "Rendering"): by version and by stage, strict by
 * default, one issue per bad variable with path ["variables", name], `?strict=false`, the
 * contract's config, tools and response format in the answer. A render is a read.
 */
const TOOLS = [{ type: "function", function: { name: "lookup", parameters: { type: "object" } } }];

async function withContract() {
  const app = await freshApp();
  await app.create("support", "Dear {{customer}}, {{count}} item(s). Tone: {{tone}}. Data {{data}}", {
    config: { model: "m", temperature: 0 },
    variables: [
      { name: "customer" },
      { name: "count", type: "number", default: 1 },
      { name: "tone", type: "enum", values: ["formal", "casual"] },
      { name: "data", type: "json", required: false },
    ],
    tools: TOOLS,
    responseFormat: { type: "json_object" },
  });
  return app;
}

describe("POST …/render", () => {
  test("by version: the filled prompt with config, tools and response format", async () => {
    const app = await withContract();
    const res = await app.api("POST", "/prompts/support/versions/1.0/render", {
      variables: { customer: "Ada", tone: "formal", data: { a: [1, 2] } },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      prompt: "support",
      version: "1.0",
      stage: "DEV",
      type: "text",
      body: 'Dear Ada, 1 item(s). Tone: formal. Data {"a":[1,2]}',
      config: { model: "m", temperature: 0 },
      tools: TOOLS,
      responseFormat: { type: "json_object" },
    });
  });

  test("by stage: the stage's current version; 404 when the stage has none", async () => {
    const app = await withContract();
    const res = await app.api("POST", "/prompts/support/stages/dev/render", {
      variables: { customer: "Ada", tone: "casual", count: 3 },
    });
    expect(res.status).toBe(200);
    expect(res.body.body).toBe("Dear Ada, 3 item(s). Tone: casual. Data ");
    expect((await app.api("POST", "/prompts/support/stages/PROD/render", { variables: {} })).status).toBe(404);
    expect((await app.api("POST", "/prompts/nope/versions/1.0/render", { variables: {} })).status).toBe(404);
  });

  test("strict: one issue per bad variable, path [variables, name]; nothing else", async () => {
    const app = await withContract();
    const res = await app.api("POST", "/prompts/support/versions/1.0/render", {
      variables: { tone: "rude", count: "3", extra: 1, "a.b": 2 },
    });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("validation_failed");
    expect(res.body.error.issues.map((i: { path: string[] }) => i.path)).toEqual([
      ["variables", "customer"],
      ["variables", "count"],
      ["variables", "tone"],
      ["variables", "extra"],
      ["variables", "a.b"],
    ]);
  });

  test("?strict=false ignores unknown variables, and still needs required ones", async () => {
    const app = await withContract();
    const lax = "/prompts/support/versions/1.0/render?strict=false";
    const ok = await app.api("POST", lax, { variables: { customer: "Ada", tone: "formal", extra: 1 } });
    expect(ok.status).toBe(200);
    const missing = await app.api("POST", lax, { variables: { extra: 1 } });
    expect(missing.body.error.issues.map((i: { path: string[] }) => i.path)).toEqual([
      ["variables", "customer"],
      ["variables", "tone"],
    ]);
  });

  test("a chat prompt: messages spliced in where the placeholder stands", async () => {
    const app = await freshApp();
    await app.create("chat", undefined, {
      body: undefined,
      messages: [
        { role: "system", content: "Help {{company}}." },
        { type: "placeholder", name: "history" },
        { role: "user", content: "{{q}}" },
      ],
    });
    const res = await app.api("POST", "/prompts/chat/versions/1.0/render", {
      variables: { company: "Acme", q: "Why?", history: [{ role: "user", content: "Hi" }] },
    });
    expect(res.status).toBe(200);
    expect(res.body.type).toBe("chat");
    expect(res.body.messages).toEqual([
      { role: "system", content: "Help Acme." },
      { role: "user", content: "Hi" },
      { role: "user", content: "Why?" },
    ]);
    const bad = await app.api("POST", "/prompts/chat/versions/1.0/render", { variables: { company: "A", q: "x" } });
    expect(bad.body.error.issues).toEqual([{ path: ["variables", "history"], message: expect.any(String) }]);
  });

  test("bad bodies are 4xx: variables not an object, not JSON", async () => {
    const app = await withContract();
    const res = await app.api("POST", "/prompts/support/versions/1.0/render", { variables: [1] });
    expect(res.status).toBe(422);
    const raw = await app.request("/prompts/support/versions/1.0/render", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: "{",
    });
    expect(raw.status).toBe(400);
  });

  test("a json variable near 1 MB renders, one past the limit is refused; 10,000 messages render", async () => {
    const app = await freshApp();
    await app.create("big", "{{data}}", { variables: [{ name: "data", type: "json" }] });
    const data = { rows: Array.from({ length: 16_000 }, (_, i) => ({ i, text: "x".repeat(40) })) };
    const ok = await app.api("POST", "/prompts/big/versions/1.0/render", { variables: { data } });
    expect(ok.status).toBe(200);
    expect(ok.body.body).toBe(JSON.stringify(data));
    const tooBig = { rows: Array.from({ length: 30_000 }, () => "y".repeat(40)) };
    const refused = await app.api("POST", "/prompts/big/versions/1.0/render", { variables: { data: tooBig } });
    expect(refused.status).toBe(422);
    expect(refused.body.error.issues[0].path).toEqual(["variables"]);
    await app.create("long", undefined, { body: undefined, messages: [{ type: "placeholder", name: "h" }] });
    const h = Array.from({ length: 10_000 }, (_, i) => ({ role: i % 2 ? "assistant" : "user", content: `m${i}` }));
    const chat = await app.api("POST", "/prompts/long/versions/1.0/render", { variables: { h } });
    expect(chat.status).toBe(200);
    expect(chat.body.messages).toHaveLength(10_000);
  });
});

describe("a render is a read", () => {
  test("a viewer's read-only token may render; without credentials it is 401", async () => {
    const app = await securedApp();
    await app.as({ token: app.who.editor.token }, "POST", "/prompts", { name: "p", body: "Hi {{x}}" });
    const res = await app.as({ token: app.who.viewer.readOnly }, "POST", "/prompts/p/versions/1.0/render", {
      variables: { x: "there" },
    });
    expect(res.status).toBe(200);
    expect(res.body.body).toBe("Hi there");
    expect((await app.as(null, "POST", "/prompts/p/stages/DEV/render", { variables: { x: "y" } })).status).toBe(401);
  });
});

import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { describe, expect, onTestFinished, test } from "vitest";
import { createApp } from "../../../src/app.js";
import { createServices, type Services } from "../../../src/services/index.js";
import { freshDb } from "../../support/db.js";
import { serveUntilTestEnds } from "../../support/servers.js";
import { dumpAll } from "../../support/state.js";

/**
 * MCP (docs/mcp.md) as an assistant or agent meets it: the SDK's own Client over its
 * StreamableHTTPClientTransport, against Promptrail served on a free port, in open mode.
 */

async function running() {
  const db = await freshDb();
  const url = await serveUntilTestEnds(createApp({ db }));
  return { db, url, services: createServices({ db }) };
}

/** A connected client of `${url}/mcp${query}`, closed when the test ends. */
async function connected(url: string, query = "", headers: Record<string, string> = {}) {
  const client = new Client({ name: "promptrail-test", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp${query}`), { requestInit: { headers } }));
  onTestFinished(() => client.close());
  return client;
}

/** A text prompt with a typed contract, current in PROD at v1.0, and a v1.1 in TST. */
async function seedTyped(s: Services) {
  await s.prompts.create({
    name: "summarize",
    description: "Summarize a text for a reader",
    body: "Summarize in {{words}} words for {{audience}} ({{formal}}): {{text}}",
    variables: [
      { name: "text", description: "What to summarize" },
      { name: "words", type: "number", default: 50 },
      { name: "audience", type: "enum", values: ["experts", "children"] },
      { name: "formal", type: "boolean", required: false },
    ],
  });
  await s.versions.promote("summarize", "1.0");
  await s.versions.promote("summarize", "1.0", { to: "PROD" });
  await s.versions.createNew("summarize", "1.0");
  await s.versions.save("summarize", "1.1", {
    body: "Summarize {{text}} for {{audience}} in {{tone}}",
    variables: [
      { name: "text" },
      { name: "audience", type: "enum", values: ["experts"] },
      { name: "tone", type: "string" },
    ],
  });
  await s.versions.promote("summarize", "1.1");
}

/** A chat prompt current in PROD: a system message, a placeholder, user and assistant turns. */
async function seedChat(s: Services) {
  await s.prompts.create({
    name: "support",
    type: "chat",
    messages: [
      { role: "system", content: "You help {{company}} customers." },
      { type: "placeholder", name: "history" },
      { role: "user", content: "{{question}}" },
      { role: "assistant", content: "Let me check." },
    ],
  });
  await s.versions.promote("support", "1.0");
  await s.versions.promote("support", "1.0", { to: "PROD" });
}

describe("MCP prompts through the SDK's client", () => {
  test("prompts/list: every prompt with a current version in the stage, arguments from its contract", async () => {
    const { url, services: s } = await running();
    await seedTyped(s);
    await s.prompts.create({ name: "draft-only", body: "Hi {{name}}" });
    const client = await connected(url);
    expect(client.getServerCapabilities()?.prompts).toBeDefined();
    const { prompts } = await client.listPrompts();
    expect(prompts.map((p) => p.name)).toEqual(["summarize"]);
    const [summarize] = prompts;
    expect(summarize?.description).toBe("Summarize a text for a reader");
    expect(summarize?.arguments).toEqual([
      { name: "text", description: "What to summarize", required: true },
      { name: "words", description: "A number. Default: 50.", required: false },
      { name: "audience", description: "One of: experts, children.", required: true },
      { name: "formal", description: "true or false.", required: false },
    ]);
    expect(summarize?._meta).toEqual({ "promptrail/version": "1.0", stage: "PROD" });

    const dev = await connected(url, "?stage=dev");
    expect((await dev.listPrompts()).prompts.map((p) => p.name)).toEqual(["draft-only"]);
    const [draft] = (await dev.listPrompts()).prompts;
    // An undeclared placeholder is a required string, as the renderer takes it.
    expect(draft?.arguments).toEqual([{ name: "name", required: true }]);
  });

  test("prompts/get renders strictly with the arguments as their types; bad arguments are refused per variable", async () => {
    const { url, services: s } = await running();
    await seedTyped(s);
    const client = await connected(url);
    const got = await client.getPrompt({
      name: "summarize",
      arguments: { text: "the report", words: "30", audience: "experts", formal: "true" },
    });
    expect(got.messages).toEqual([
      { role: "user", content: { type: "text", text: "Summarize in 30 words for experts (true): the report" } },
    ]);
    expect(got.description).toBe("Summarize a text for a reader");
    // A default fills a missing optional argument; an optional one without a default renders as nothing.
    const defaults = await client.getPrompt({ name: "summarize", arguments: { text: "x", audience: "children" } });
    expect(defaults.messages[0]?.content).toEqual({ type: "text", text: "Summarize in 50 words for children (): x" });

    const refused = client.getPrompt({
      name: "summarize",
      arguments: { text: "x", words: "many", audience: "adults", extra: "?" },
    });
    await expect(refused).rejects.toMatchObject({ code: -32602 });
    const error = await refused.catch((e: { message: string; data: unknown }) => e);
    expect(error.data).toMatchObject({
      code: "validation_failed",
      issues: [
        { path: ["variables", "words"], message: "Expected a number" },
        { path: ["variables", "audience"], message: "Expected one of experts, children" },
        { path: ["variables", "extra"] },
      ],
    });
    await expect(client.getPrompt({ name: "summarize", arguments: {} })).rejects.toThrow(/Required: this prompt needs/);
    await expect(client.getPrompt({ name: "nothing-here" })).rejects.toMatchObject({ code: -32602 });

    // ?stage=TST serves the TST version, with its own contract.
    const tst = await connected(url, "?stage=TST");
    const v11 = await tst.getPrompt({
      name: "summarize",
      arguments: { text: "it", audience: "experts", tone: "plain words" },
    });
    expect(v11.messages[0]?.content).toEqual({ type: "text", text: "Summarize it for experts in plain words" });
    expect(v11._meta).toEqual({ "promptrail/version": "1.1", stage: "TST" });
  });

  test("a chat prompt keeps user and assistant turns; its system text leads the first user turn", async () => {
    const { url, services: s } = await running();
    await seedChat(s);
    const client = await connected(url);
    const [support] = (await client.listPrompts()).prompts;
    expect(support?.arguments).toEqual([
      { name: "company", required: true },
      { name: "history", description: 'A JSON list of {"role", "content"} messages.', required: true },
      { name: "question", required: true },
    ]);
    const history = [
      { role: "user", content: "Where is my order?" },
      { role: "assistant", content: "On its way." },
    ];
    const got = await client.getPrompt({
      name: "support",
      arguments: { company: "Acme", history: JSON.stringify(history), question: "When?" },
    });
    expect(got.messages).toEqual([
      { role: "user", content: { type: "text", text: "You help Acme customers.\n\nWhere is my order?" } },
      { role: "assistant", content: { type: "text", text: "On its way." } },
      { role: "user", content: { type: "text", text: "When?" } },
      { role: "assistant", content: { type: "text", text: "Let me check." } },
    ]);
    await expect(
      client.getPrompt({ name: "support", arguments: { company: "A", history: "not json", question: "?" } }),
    ).rejects.toThrow(/Expected a list of \{role, content\} messages/);
  });
});

describe("MCP tools through the SDK's client", () => {
  test("the four tools are listed, read-only", async () => {
    const { url } = await running();
    const client = await connected(url);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([
      "compare_versions",
      "get_prompt",
      "list_prompts",
      "render_prompt",
    ]);
    for (const tool of tools) {
      expect(tool.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false });
      expect(tool.outputSchema).toBeDefined();
    }
  });

  test("list, get, render and compare answer what the JSON API answers", async () => {
    const { url, services: s } = await running();
    await seedTyped(s);
    await seedChat(s);
    const client = await connected(url);

    const listed = await client.callTool({ name: "list_prompts", arguments: { query: "summ" } });
    expect(listed.isError).toBeFalsy();
    expect(listed.structuredContent).toMatchObject({
      prompts: [{ name: "summarize", type: "text", current: { DEV: null, TST: "1.1", PROD: "1.0" } }],
      nextCursor: null,
    });
    expect(JSON.parse((listed.content as Array<{ text: string }>)[0]?.text ?? "")).toEqual(listed.structuredContent);

    const prod = await client.callTool({ name: "get_prompt", arguments: { name: "summarize" } });
    expect(prod.structuredContent).toMatchObject({ prompt: "summarize", version: "1.0", stage: "PROD", current: true });
    expect((prod.structuredContent as { variables: unknown[] }).variables).toHaveLength(4);
    const byVersion = await client.callTool({ name: "get_prompt", arguments: { name: "summarize", version: "v1.1" } });
    expect(byVersion.structuredContent).toMatchObject({ version: "1.1", stage: "TST" });
    const tst = await client.callTool({ name: "get_prompt", arguments: { name: "summarize", stage: "tst" } });
    expect(tst.structuredContent).toMatchObject({ version: "1.1" });

    const rendered = await client.callTool({
      name: "render_prompt",
      arguments: { name: "summarize", variables: { text: "t", words: 10, audience: "experts", formal: false } },
    });
    expect(rendered.structuredContent).toEqual({
      prompt: "summarize",
      version: "1.0",
      stage: "PROD",
      type: "text",
      body: "Summarize in 10 words for experts (false): t",
      config: {},
      tools: [],
      responseFormat: null,
    });
    const chat = await client.callTool({
      name: "render_prompt",
      arguments: { name: "support", variables: { company: "Acme", history: [], question: "Hi" } },
    });
    expect((chat.structuredContent as { messages: unknown }).messages).toEqual([
      { role: "system", content: "You help Acme customers." },
      { role: "user", content: "Hi" },
      { role: "assistant", content: "Let me check." },
    ]);

    const compared = await client.callTool({
      name: "compare_versions",
      arguments: { name: "summarize", from: "1.0", to: "1.1" },
    });
    const comparison = compared.structuredContent as { from: string; to: string; diff: string; contract: unknown[] };
    expect([comparison.from, comparison.to]).toEqual(["1.0", "1.1"]);
    expect(comparison.diff).toContain("+Summarize {{text}} for {{audience}} in {{tone}}");
    expect(comparison.contract).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: "variable", name: "tone", breaking: true }),
        expect.objectContaining({ kind: "variable", name: "words", breaking: true }),
        expect.objectContaining({ kind: "variable", name: "audience", breaking: true }),
      ]),
    );
  });

  test("a refusal is a tool error that carries the code, the message and the issues", async () => {
    const { url, services: s } = await running();
    await seedTyped(s);
    const client = await connected(url);
    const errorOf = async (name: string, args: Record<string, unknown>) => {
      const result = await client.callTool({ name, arguments: args });
      expect(result.isError).toBe(true);
      return JSON.parse((result.content as Array<{ text: string }>)[0]?.text ?? "").error;
    };
    expect(await errorOf("render_prompt", { name: "summarize", variables: { text: 1 } })).toMatchObject({
      code: "validation_failed",
      issues: [{ path: ["variables", "text"], message: "Expected a string" }, { path: ["variables", "audience"] }],
    });
    expect(await errorOf("get_prompt", { name: "nope" })).toMatchObject({ code: "not_found" });
    expect(await errorOf("get_prompt", { name: "summarize", stage: "QA" })).toMatchObject({ code: "not_found" });
    expect(await errorOf("get_prompt", { name: "summarize", stage: "DEV" })).toMatchObject({
      code: "not_found",
      message: "summarize has no current DEV version",
    });
    expect(await errorOf("get_prompt", { name: "summarize", stage: "PROD", version: "1.0" })).toMatchObject({
      code: "bad_request",
    });
    expect(await errorOf("compare_versions", { name: "summarize", from: "1.0", to: "9.9" })).toMatchObject({
      code: "not_found",
    });
  });

  test("nothing reachable through MCP changes the registry: every prompt and tool call, the database unchanged", async () => {
    const { db, url, services: s } = await running();
    await seedTyped(s);
    await seedChat(s);
    const before = await dumpAll(db);
    const client = await connected(url);
    await client.listPrompts();
    await client.getPrompt({ name: "summarize", arguments: { text: "x", audience: "experts" } });
    await client.getPrompt({ name: "support", arguments: { company: "a", history: "[]", question: "q" } });
    await client.getPrompt({ name: "summarize", arguments: {} }).catch(() => undefined);
    const { tools } = await client.listTools();
    const calls: Record<string, Record<string, unknown>> = {
      list_prompts: {},
      get_prompt: { name: "summarize" },
      render_prompt: { name: "summarize", stage: "TST", variables: { text: "x", audience: "experts", tone: "t" } },
      compare_versions: { name: "summarize", from: "1.0", to: "1.1" },
    };
    expect(Object.keys(calls).sort()).toEqual(tools.map((t) => t.name).sort());
    for (const tool of tools) {
      const result = await client.callTool({ name: tool.name, arguments: calls[tool.name] });
      expect(result.isError, tool.name).toBeFalsy();
      // And a refused call of each tool.
      await client.callTool({ name: tool.name, arguments: { name: "nope", from: "1", to: "2", variables: {} } });
    }
    expect(await dumpAll(db)).toEqual(before);
  });

  test("prompts/list pages by name with nextCursor", async () => {
    const { url, services: s } = await running();
    // A new prompt's v1.0 is current in DEV: 101 of them make two pages.
    for (let i = 0; i < 101; i++) await s.prompts.create({ name: `p${String(i).padStart(3, "0")}`, body: "x" });
    const client = await connected(url, "?stage=DEV");
    const first = await client.listPrompts();
    expect(first.prompts).toHaveLength(100);
    expect(first.nextCursor).toBe("p099");
    const second = await client.listPrompts({ cursor: first.nextCursor });
    expect(second.prompts.map((p) => p.name)).toEqual(["p100"]);
    expect(second.nextCursor).toBeUndefined();
  }, 60_000);

  test("a page of prompts/list reads at most 2 MiB of prompts: large ones come fewer to a page", async () => {
    const { url, services: s } = await running();
    const big = `{{who}} ${"x".repeat(990_000)}`;
    for (const name of ["a", "b", "c"]) await s.prompts.create({ name, body: big });
    const client = await connected(url, "?stage=DEV");
    const first = await client.listPrompts();
    expect(first.prompts.map((p) => p.name)).toEqual(["a", "b"]);
    expect(first.prompts[0]?.arguments).toEqual([{ name: "who", required: true }]);
    const second = await client.listPrompts({ cursor: first.nextCursor });
    expect(second.prompts.map((p) => p.name)).toEqual(["c"]);
    expect(second.nextCursor).toBeUndefined();
  }, 60_000);
});

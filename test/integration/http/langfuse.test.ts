import { Hono } from "hono";
import { describe, expect, test } from "vitest";
import { DomainError } from "../../../src/domain/errors.js";
import { langfuseErrorSchema, langfuseListSchema, langfusePromptSchema } from "../../../src/http/langfuse-json.js";
import { errorHandler } from "../../../src/http/on-error.js";
import { STDERR_NOTES } from "../../../src/http/request-notes.js";
import { expectKeys, freshApp, type Json } from "./support/http.js";

/** docs/rules.md, chat prompts: the Langfuse-compatible read, its exact shapes and its `{message, error}` refusals. */
const PROMPT_KEYS = [
  "id",
  "name",
  "version",
  "type",
  "prompt",
  "config",
  "labels",
  "tags",
  "commitMessage",
  "resolutionGraph",
  "createdAt",
  "updatedAt",
];

async function get(client: Awaited<ReturnType<typeof freshApp>>, path: string, init: RequestInit = {}) {
  const res = await client.request(path, init);
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  return { status: res.status, headers: res.headers, body: (await res.json()) as Json };
}

function expectLangfuseError(res: { status: number; body: Json }, status: number, error: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(langfuseErrorSchema.safeParse(res.body).error).toBeUndefined();
  expect(res.body.error).toBe(error);
}

/** p: seq 1 = 1.0 PROD, seq 2 = 1.1 TST, seq 3 = 1.2 DEV (current, latest). */
async function ladder() {
  const client = await freshApp();
  await client.create("support.reply", "Hello {{name}}", { config: { temperature: 0 } });
  await client.act("support.reply", "1.0", "promote");
  await client.act("support.reply", "1.0", "promote", { to: "PROD" });
  await client.act("support.reply", "1.0", "new");
  await client.act("support.reply", "1.1", "promote");
  await client.act("support.reply", "1.1", "new");
  await client.act("support.reply", "1.2", "make-current");
  return client;
}

describe("GET /api/public/v2/prompts/:name", () => {
  test("production by default; the object Langfuse serves, every label of the version", async () => {
    const client = await ladder();
    const { status, body } = await get(client, "/api/public/v2/prompts/support.reply");
    expect(status).toBe(200);
    expect(langfusePromptSchema.safeParse(body).error).toBeUndefined();
    expectKeys(body, PROMPT_KEYS);
    expect(body).toMatchObject({
      id: "support.reply@1.0",
      name: "support.reply",
      version: 1,
      type: "text",
      prompt: "Hello {{name}}",
      config: { temperature: 0 },
      labels: ["production"],
      tags: [],
      commitMessage: null,
      resolutionGraph: null,
    });
    const labelled = async (query: string) =>
      (await get(client, `/api/public/v2/prompts/${encodeURIComponent("support.reply")}?${query}`)).body;
    expect(await labelled("label=staging")).toMatchObject({ version: 2, labels: ["staging"] });
    expect(await labelled("label=development")).toMatchObject({ version: 3, labels: ["development", "latest"] });
    expect(await labelled("label=latest")).toMatchObject({ version: 3 });
    expect(await labelled("version=2")).toMatchObject({ version: 2, labels: ["staging"] });
    expect(await labelled("label=production&resolve=false")).toMatchObject({ version: 1 });
  });

  test("latest is the highest seq that exists; a chat prompt's prompt is its messages", async () => {
    const client = await freshApp();
    const messages = [
      { role: "system", content: "Hi" },
      { type: "placeholder", name: "history" },
    ];
    await client.api("POST", "/prompts", { name: "c", type: "chat", messages });
    await client.act("c", "1.0", "new");
    await client.act("c", "1.1", "delete");
    const { body } = await get(client, "/api/public/v2/prompts/c?label=latest");
    expect(body).toMatchObject({ version: 1, type: "chat", prompt: messages, labels: ["development", "latest"] });
  });

  test("404 LangfuseNotFoundError: no such prompt, version or label, a stage without a current version", async () => {
    const client = await ladder();
    for (const path of [
      "/api/public/v2/prompts/nope",
      "/api/public/v2/prompts/support.reply?version=9",
      "/api/public/v2/prompts/support.reply?label=canary",
    ]) {
      const res = await get(client, path);
      expectLangfuseError(res, 404, "LangfuseNotFoundError");
      expect(res.body.message).toMatch(/^Prompt not found: /);
    }
    await client.create("draft-only", "x");
    expectLangfuseError(await get(client, "/api/public/v2/prompts/draft-only"), 404, "LangfuseNotFoundError");
  });

  test("400 InvalidRequestError: version and label both, a version that is not a seq", async () => {
    const client = await ladder();
    const both = await get(client, "/api/public/v2/prompts/support.reply?version=1&label=production");
    expectLangfuseError(both, 400, "InvalidRequestError");
    expect(both.body.message).toBe("Give either version or label, not both");
    for (const v of ["0", "-1", "1.0", "x", "99999999999999999"])
      expectLangfuseError(
        await get(client, `/api/public/v2/prompts/support.reply?version=${v}`),
        400,
        "InvalidRequestError",
      );
  });

  test("every refusal under /api/public/ speaks Langfuse, also from guards and the 404/405 handler", async () => {
    const client = await ladder();
    expectLangfuseError(await get(client, "/api/public/v2/unknown"), 404, "LangfuseNotFoundError");
    const post = await get(client, "/api/public/v2/prompts", { method: "POST" });
    expectLangfuseError(post, 405, "MethodNotAllowedError");
    expect(post.headers.get("allow")).toContain("GET");
    const elsewhere = await get(client, "http://evil.example/api/public/v2/prompts/support.reply", {
      headers: { host: "evil.example" },
    });
    expectLangfuseError(elsewhere, 403, "ForbiddenError");
    // Everywhere else the docs/api.md shape stays.
    expect((await client.api("GET", "/prompts/nope")).body).toHaveProperty("error.code", "not_found");
  });

  test("a refusal raised by any middleware before the route (e.g. auth) is rendered in Langfuse's shape", async () => {
    const app = new Hono()
      .use(() => {
        throw new DomainError("forbidden", "Your role may not read this");
      })
      .get("/api/public/v2/prompts", (c) => c.text("never"))
      .get("/prompts", (c) => c.text("never"));
    app.onError(errorHandler(STDERR_NOTES));
    const res = await app.request("/api/public/v2/prompts");
    expect([res.status, await res.json()]).toEqual([
      403,
      { message: "Your role may not read this", error: "ForbiddenError" },
    ]);
    const other = await app.request("/prompts", { headers: { accept: "application/json" } });
    expect(await other.json()).toEqual({ error: { code: "forbidden", message: "Your role may not read this" } });
  });
});

describe("GET /api/public/v2/prompts", () => {
  test("{data, meta}: prompts in use by name, their seqs, labels and newest config; page and limit", async () => {
    const client = await ladder();
    await client.api("POST", "/prompts", { name: "a-chat", type: "chat", messages: [{ role: "user", content: "x" }] });
    await client.create("archived", "x");
    await client.api("POST", "/prompts/archived/archive", {});
    const { status, body } = await get(client, "/api/public/v2/prompts");
    expect(status).toBe(200);
    expect(langfuseListSchema.safeParse(body).error).toBeUndefined();
    expect(body.meta).toEqual({ page: 1, limit: 50, totalItems: 2, totalPages: 1 });
    expect(body.data).toEqual([
      {
        name: "a-chat",
        type: "chat",
        versions: [1],
        labels: ["development", "latest"],
        tags: [],
        lastUpdatedAt: expect.any(String),
        lastConfig: {},
      },
      {
        name: "support.reply",
        type: "text",
        versions: [1, 2, 3],
        labels: ["production", "staging", "development", "latest"],
        tags: [],
        lastUpdatedAt: expect.any(String),
        lastConfig: { temperature: 0 },
      },
    ]);
    const second = (await get(client, "/api/public/v2/prompts?page=2&limit=1")).body;
    expect([second.meta, second.data.map((p: { name: string }) => p.name)]).toEqual([
      { page: 2, limit: 1, totalItems: 2, totalPages: 2 },
      ["support.reply"],
    ]);
    expect((await get(client, "/api/public/v2/prompts?label=production")).body.data).toHaveLength(1);
    expect((await get(client, "/api/public/v2/prompts?name=a-chat")).body.meta.totalItems).toBe(1);
    expect((await get(client, "/api/public/v2/prompts?tag=x")).body.data).toEqual([]);
    expect((await get(client, "/api/public/v2/prompts?label=canary")).body.meta.totalItems).toBe(0);
    for (const query of ["page=0", "limit=201", "limit=x"])
      expectLangfuseError(await get(client, `/api/public/v2/prompts?${query}`), 400, "InvalidRequestError");
  });
});

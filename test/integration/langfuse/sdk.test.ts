import { getRequestListener } from "@hono/node-server";
import { LangfuseClient } from "@langfuse/client";
import { afterEach, describe, expect, test, vi } from "vitest";
import { createApp } from "../../../src/app.js";
import { type HttpServer, listen } from "../../../src/server/http-server.js";
import { createServices } from "../../../src/services/index.js";
import { freshDb } from "../../support/db.js";

/**
 * docs/rules.md, chat prompts: an application using Langfuse's own SDK, `@langfuse/client`, reads its prompts from
 * a running Promptrail by changing only the base URL and keys. Real HTTP on a free port.
 */
// The SDK logs every refused fetch to stderr; the tests read the refusals themselves. Hoisted:
// its logger reads the level once, when the SDK is loaded.
vi.hoisted(() => {
  process.env.LANGFUSE_LOG_LEVEL = "NONE";
});

const servers: HttpServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.stop();
});

async function running() {
  const db = await freshDb();
  const server = await listen(getRequestListener(createApp({ db }).fetch), { host: "127.0.0.1", port: 0 });
  servers.push(server);
  // Any keys will do in open mode; the SDK sends them as HTTP Basic, which open mode ignores.
  const langfuse = new LangfuseClient({
    baseUrl: server.url,
    publicKey: "pk-lf-anything",
    secretKey: "sk-lf-anything",
  });
  return { services: createServices({ db }), langfuse };
}

describe("@langfuse/client against a running Promptrail", () => {
  test("a text prompt: production by default, staging, a version (seq), compile with variables", async () => {
    const { services: s, langfuse } = await running();
    await s.prompts.create({ name: "greeting", body: "Hello {{name}}, v1", config: { temperature: 0.1 } });
    await s.versions.promote("greeting", "1.0");
    await s.versions.promote("greeting", "1.0", { to: "PROD" });
    await s.versions.createNew("greeting", "1.0");
    await s.versions.save("greeting", "1.1", { body: "Hi {{name}}, v2" });
    await s.versions.promote("greeting", "1.1");

    const prod = await langfuse.prompt.get("greeting");
    expect(prod.type).toBe("text");
    expect(prod.version).toBe(1);
    expect(prod.labels).toEqual(["production"]);
    expect(prod.config).toEqual({ temperature: 0.1 });
    expect(prod.compile({ name: "Ada" })).toBe("Hello Ada, v1");

    const staging = await langfuse.prompt.get("greeting", { label: "staging" });
    expect([staging.version, staging.labels]).toEqual([2, ["staging", "latest"]]);
    expect(staging.compile({ name: "Ada" })).toBe("Hi Ada, v2");

    const byVersion = await langfuse.prompt.get("greeting", { version: 2 });
    expect(byVersion.prompt).toBe("Hi {{name}}, v2");
    expect((await langfuse.prompt.get("greeting", { label: "latest" })).version).toBe(2);
  });

  test("a chat prompt: type chat, compile with variables and placeholders", async () => {
    const { services: s, langfuse } = await running();
    await s.prompts.create({
      name: "support",
      type: "chat",
      messages: [
        { role: "system", content: "You help {{company}} customers." },
        { type: "placeholder", name: "history" },
        { role: "user", content: "{{question}}" },
      ],
    });
    await s.versions.promote("support", "1.0");
    await s.versions.promote("support", "1.0", { to: "PROD" });

    const chat = await langfuse.prompt.get("support", { type: "chat" });
    expect(chat.type).toBe("chat");
    expect(chat.version).toBe(1);
    expect(chat.labels).toEqual(["production", "latest"]);
    const history = [
      { role: "user", content: "Where is my order?" },
      { role: "assistant", content: "On its way." },
    ];
    expect(chat.compile({ company: "Acme", question: "When?" }, { history })).toEqual([
      { role: "system", content: "You help Acme customers." },
      ...history,
      { role: "user", content: "When?" },
    ]);
    // Without a value the placeholder stays a placeholder, as Langfuse's own prompts do.
    expect(chat.compile({ company: "Acme", question: "When?" })[1]).toEqual({ type: "placeholder", name: "history" });
  });

  test("an unknown name, version or label is Langfuse's NotFoundError; both version and label is a 400", async () => {
    const { services: s, langfuse } = await running();
    await s.prompts.create({ name: "only-dev", body: "x" });
    for (const get of [
      () => langfuse.prompt.get("nope"),
      () => langfuse.prompt.get("only-dev"),
      () => langfuse.prompt.get("only-dev", { version: 9 }),
      () => langfuse.prompt.get("only-dev", { label: "canary" }),
    ]) {
      const error = await get().then(
        () => null,
        (e: unknown) => e as { statusCode?: number; body?: unknown },
      );
      expect(error?.statusCode).toBe(404);
      expect(error?.body).toMatchObject({
        error: "LangfuseNotFoundError",
        message: expect.stringMatching(/^Prompt not found: /),
      });
    }
    const both = await langfuse.api.prompts.get("only-dev", { version: 1, label: "latest" }).then(
      () => null,
      (e: unknown) => e as { statusCode?: number; body?: unknown },
    );
    expect(both?.statusCode).toBe(400);
    expect(both?.body).toEqual({ message: "Give either version or label, not both", error: "InvalidRequestError" });
  });

  test("the list: every prompt with its versions and labels, paged", async () => {
    const { services: s, langfuse } = await running();
    await s.prompts.create({ name: "a", body: "x", config: { model: "m1" } });
    await s.versions.createNew("a", "1.0");
    await s.versions.save("a", "1.1", { body: "y", config: { model: "m2" } });
    await s.prompts.create({ name: "b", type: "chat", messages: [{ role: "user", content: "hi" }] });
    const list = await langfuse.api.prompts.list({ limit: 1 });
    expect(list.meta).toEqual({ page: 1, limit: 1, totalItems: 2, totalPages: 2 });
    expect(list.data).toEqual([
      {
        name: "a",
        type: "text",
        versions: [1, 2],
        labels: ["development", "latest"],
        tags: [],
        lastUpdatedAt: expect.any(String),
        lastConfig: { model: "m2" },
      },
    ]);
    expect((await langfuse.api.prompts.list({ page: 2, limit: 1 })).data.map((p) => p.name)).toEqual(["b"]);
  });
});

describe("@langfuse/client against a secured Promptrail (docs/accounts.md and docs/rules.md, chat prompts)", () => {
  test("a Promptrail token as the secret key reads; a wrong one is 401 in Langfuse's shape; read-only is enough", async () => {
    const db = await freshDb();
    const services = createServices({ db });
    await services.users.add({ name: "admin", role: "admin", password: "correct horse battery" });
    await services.users.add({ name: "app", role: "viewer", password: "correct horse battery" });
    const token = (await services.tokens.create({ user: "app", label: "billing service", readOnly: true })).secret;
    await services.prompts.create({ name: "greeting", body: "Hello {{name}}" });
    await services.versions.promote("greeting", "1.0");
    await services.versions.promote("greeting", "1.0", { to: "PROD" });
    const server = await listen(getRequestListener(createApp({ db }).fetch), { host: "127.0.0.1", port: 0 });
    servers.push(server);

    const langfuse = new LangfuseClient({ baseUrl: server.url, publicKey: "pk-lf-billing", secretKey: token });
    const prompt = await langfuse.prompt.get("greeting");
    expect(prompt.compile({ name: "Ada" })).toBe("Hello Ada");

    const stranger = new LangfuseClient({ baseUrl: server.url, publicKey: "pk-lf-x", secretKey: "sk-lf-not-a-token" });
    const refused = await stranger.api.prompts.get("greeting").then(
      () => null,
      (e: unknown) => e as { statusCode?: number; body?: unknown },
    );
    expect(refused?.statusCode).toBe(401);
    expect(refused?.body).toEqual({ message: expect.any(String), error: "UnauthorizedError" });

    const anonymous = await fetch(`${server.url}/api/public/v2/prompts/greeting`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({ message: expect.any(String), error: "UnauthorizedError" });
  });
});

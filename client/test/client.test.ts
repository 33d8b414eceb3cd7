import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Change, Promptrail, PromptrailError } from "@promptrail/client";
import { describe, expect, test } from "vitest";
import { connect } from "../../src/db/connect.js";
import { createServices } from "../../src/services/index.js";
import { realServer } from "./support/server.js";

/**
 * @promptrail/client against the built server as its own process (client/test/support/server.ts),
 * stopped and started again mid-test: fresh answers, cheap revalidation, the last good copy and
 * the bundle when the server is gone, and a watch that resumes where it stopped.
 */
const root = fileURLToPath(new URL("../..", import.meta.url));

/** `promptrail VERB…` of the same build, on the server's database (works while it runs or not). */
function promptrail(args: string[], db: string): string {
  return execFileSync(process.execPath, [join(root, "dist", "promptrail.mjs"), ...args, "--db", db], {
    encoding: "utf8",
    env: { PATH: process.env.PATH },
  });
}

/** greeting: v1.0 in PROD. */
async function withGreeting() {
  const server = await realServer();
  await server.call("/prompts", { name: "greeting", body: "Hello {{name}}", config: { temperature: 0.2 } });
  await server.call("/prompts/greeting/versions/1.0/promote", { to: "TST" });
  await server.call("/prompts/greeting/versions/1.0/promote", { to: "PROD" });
  return server;
}

/** Changes the registry as another process on the same file would (the server may be stopped). */
async function onTheFile(file: string, work: (s: ReturnType<typeof createServices>) => Promise<unknown>) {
  const db = connect(file);
  try {
    await work(createServices({ db }));
  } finally {
    await db.close();
  }
}

const readsOf = (log: Array<{ path: string; status: number }>, path: string) =>
  log.filter((l) => l.path === path).map((l) => l.status);

describe("get", () => {
  test("asks the server every time, with If-None-Match: a 304 for an unchanged prompt, the new version at once", async () => {
    const server = await withGreeting();
    const client = new Promptrail({ baseUrl: server.url });
    const first = await client.get("greeting");
    expect(first).toMatchObject({
      prompt: "greeting",
      version: "1.0",
      stage: "PROD",
      body: "Hello {{name}}",
      source: "server",
    });
    const second = await client.get("greeting");
    expect(second.source).toBe("server");
    expect({ ...second }).toEqual({ ...first });
    await expect.poll(() => readsOf(server.log, "/prompts/greeting/stages/PROD")).toEqual([200, 304]);

    await server.call("/prompts/greeting/versions/1.0/new", {});
    await server.call("/prompts/greeting/versions/1.1/save", { body: "Hi {{name}}" });
    await server.call("/prompts/greeting/versions/1.1/promote", { to: "TST" });
    expect((await client.get("greeting", { stage: "tst" })).version).toBe("1.1");
    await server.call("/prompts/greeting/versions/1.1/promote", { to: "PROD" });
    // Never stale: the very next read after the promotion answers it.
    expect(await client.get("greeting")).toMatchObject({ version: "1.1", body: "Hi {{name}}", source: "server" });
    expect((await client.get("greeting", { version: "v1.0" })).body).toBe("Hello {{name}}");
  });

  test("when the server is stopped: the last good copy, then the bundle, then an error; fresh again once it is back", async () => {
    const server = await withGreeting();
    await server.call("/prompts", { name: "farewell", body: "Bye {{name}}" });
    await server.call("/prompts/farewell/versions/1.0/promote", { to: "TST" });
    await server.call("/prompts/farewell/versions/1.0/promote", { to: "PROD" });
    const fallback = promptrail(["bundle", "--stage", "PROD"], server.db);
    const failures: unknown[] = [];
    const client = new Promptrail({ baseUrl: server.url, fallback, onError: (e) => failures.push(e) });
    await client.verifyFallback();
    expect((await client.get("greeting")).source).toBe("server");

    await server.stop();
    expect(await client.get("greeting")).toMatchObject({ version: "1.0", source: "cache" });
    expect(await client.get("farewell")).toMatchObject({ version: "1.0", body: "Bye {{name}}", source: "bundle" });
    await expect(client.get("nowhere")).rejects.toMatchObject({ name: "PromptrailError", code: "unavailable" });
    await expect(client.get("farewell", { stage: "TST" })).rejects.toMatchObject({ code: "unavailable" });
    expect(failures.length).toBeGreaterThanOrEqual(4);
    expect(failures.every((f) => f instanceof PromptrailError && f.code === "unavailable")).toBe(true);

    // Released while the server was down (another process on the file), seen once it is back.
    await onTheFile(server.db, async (s) => {
      await s.versions.createNew("greeting", "1.0");
      await s.versions.promote("greeting", "1.1", { to: "TST" });
      await s.versions.promote("greeting", "1.1", { to: "PROD" });
    });
    await server.start();
    expect(await client.get("greeting")).toMatchObject({ version: "1.1", source: "server" });
    expect(await client.get("farewell")).toMatchObject({ source: "server" });
  });

  test("the server's refusals are answers: 404 throws and forgets the copy, 401 throws", async () => {
    const server = await withGreeting();
    const client = new Promptrail({ baseUrl: server.url });
    const missing = await client.get("missing").catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(PromptrailError);
    expect(missing).toMatchObject({ code: "not_found", status: 404 });
    await expect(client.get("greeting", { stage: "DEV" })).rejects.toMatchObject({ code: "not_found" });
    await expect(client.get("greeting", { stage: "LIVE" })).rejects.toMatchObject({ code: "bad_request" });
  });

  test("secured mode: a read-only token reads; without it the refusal is 401 unauthorized", async () => {
    const server = await withGreeting();
    execFileSync(
      process.execPath,
      [join(root, "dist", "promptrail.mjs"), "user", "add", "ada", "--role", "admin", "--db", server.db],
      {
        input: "correct horse battery staple\n",
        env: { PATH: process.env.PATH, PROMPTRAIL_PASSWORD_COST: process.env.PROMPTRAIL_PASSWORD_COST },
      },
    );
    const token = promptrail(["token", "create", "ada", "--label", "app", "--read-only"], server.db).trim();
    expect(await new Promptrail({ baseUrl: server.url, token }).get("greeting")).toMatchObject({ source: "server" });
    await expect(new Promptrail({ baseUrl: server.url }).get("greeting")).rejects.toMatchObject({
      code: "unauthorized",
      status: 401,
    });
  });

  test("otelAttributes names the prompt, version, stage and content hash", async () => {
    const server = await withGreeting();
    const prompt = await new Promptrail({ baseUrl: server.url }).get("greeting");
    expect(prompt.otelAttributes()).toEqual({
      "gen_ai.prompt.name": "greeting",
      "gen_ai.prompt.version": "1.0",
      "promptrail.stage": "PROD",
      "promptrail.content_hash": prompt.contentHash,
    });
    expect(Object.keys(JSON.parse(JSON.stringify(prompt)))).not.toContain("otelAttributes");
  });
});

describe("render", () => {
  test("fills what the server answered; a placeholder the contract does not declare is a required string", async () => {
    const server = await withGreeting();
    const prompt = await new Promptrail({ baseUrl: server.url }).get("greeting");
    expect(prompt.render({ name: "Ada" })).toEqual({
      prompt: "greeting",
      version: "1.0",
      stage: "PROD",
      type: "text",
      body: "Hello Ada",
      config: { temperature: 0.2 },
      tools: [],
      responseFormat: null,
    });
    const refusal = (variables: Record<string, unknown>, strict?: boolean) => {
      try {
        prompt.render(variables, strict === undefined ? {} : { strict });
      } catch (error) {
        return error as PromptrailError;
      }
      return null;
    };
    expect(refusal({})).toMatchObject({ code: "validation_failed", issues: [{ path: ["variables", "name"] }] });
    expect(refusal({ name: 3 })?.issues?.[0]?.message).toBe("Expected a string");
    expect(refusal({ name: "Ada", extra: "x" })?.issues?.map((i) => i.path)).toEqual([["variables", "extra"]]);
    expect(refusal({ name: "Ada", extra: "x" }, false)).toBeNull();
  });
});

describe("watch", () => {
  test("follows the change stream; across a server restart it resumes after the last change, missing none", async () => {
    const server = await withGreeting();
    const client = new Promptrail({ baseUrl: server.url });
    const seen: Change[] = [];
    const errors: unknown[] = [];
    const watch = client.watch((change) => seen.push(change), { onError: (e) => errors.push(e), maxDelayMs: 300 });
    try {
      await server.call("/prompts/greeting/versions/1.0/new", {});
      await expect.poll(() => seen.map((c) => `${c.type} ${c.version}`)).toEqual(["version.created 1.1"]);

      await server.stop();
      // Made while no server runs: only the log can bring it back.
      await onTheFile(server.db, (s) => s.versions.save("greeting", "1.1", { body: "Hey {{name}}" }));
      await server.start();
      await server.call("/prompts/greeting/versions/1.1/promote", { to: "TST" });
      await expect
        .poll(() => seen.map((c) => `${c.type} ${c.version} ${c.stage}`), { timeout: 10_000 })
        .toEqual(["version.created 1.1 DEV", "version.edited 1.1 DEV", "version.promoted 1.1 TST"]);
      expect(watch.lastEventId).toBe(String(seen.at(-1)?.seq));
      // A reconnection refused while the server was down is reported, never thrown.
      for (const error of errors) expect(error).toBeInstanceOf(Error);
    } finally {
      watch.close();
    }
  });
});

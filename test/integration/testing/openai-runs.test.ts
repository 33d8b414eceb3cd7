import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { TestDb } from "../../support/db.js";
import {
  closedPortUrl,
  completion,
  echoBack,
  fakeOpenAi,
  type Responder,
  sendJson,
} from "../../support/fake-openai.js";
import { dumpAll, rawValue } from "../../support/state.js";
import { rejection, testingServices } from "../../support/testing.js";

const KEY = "sk-promptrail-test-key-5f1c9a7e";

async function setup(respond: Responder = echoBack, options: { timeoutMs?: number; concurrency?: number } = {}) {
  const server = await fakeOpenAi(respond);
  const s = await testingServices({ env: { PROMPTRAIL_TEST_KEY: KEY }, ...options });
  await s.environments.update("DEV", {
    provider: "openai",
    baseUrl: server.baseUrl,
    model: "env-model",
    apiKeyEnv: "PROMPTRAIL_TEST_KEY",
    timeoutMs: options.timeoutMs ?? 5000,
  });
  return { server, ...s };
}

/** Behaves by the rendered prompt: "slow" never answers, "500" fails, "garbage" is not JSON, "key" echoes the key. */
const byPrompt: Responder = (request, res) => {
  const prompt = (request.body as { messages: Array<{ content: string }> }).messages[0]?.content;
  if (prompt === "slow") return;
  if (prompt === "500") return sendJson(res, 500, { error: { message: "upstream exploded" } });
  if (prompt === "garbage") {
    res.writeHead(200, { "content-type": "application/json" });
    return void res.end("}{ not json");
  }
  if (prompt === "key") return sendJson(res, 401, { error: { message: `bad key ${request.headers.authorization}` } });
  sendJson(res, 200, completion(`answer to ${prompt}`));
};

/** Every byte SQLite keeps for the database: the file and its write-ahead log. */
/**
 * What the database holds: on SQLite the bytes of its files, checkpointed (free pages and all);
 * on PostgreSQL every row of every table.
 */
async function databaseBytes(db: TestDb): Promise<string> {
  if (db.engine === "postgres") return JSON.stringify(await dumpAll(db));
  db.sqlite.pragma("wal_checkpoint(TRUNCATE)");
  return [db.file, `${db.file}-wal`, `${db.file}-shm`]
    .filter((f) => existsSync(f))
    .map((f) => readFileSync(f).toString("latin1"))
    .join("");
}

describe("TEST against an OpenAI-compatible server", () => {
  it("sends the rendered prompt with the version's config over the environment defaults", async () => {
    const s = await setup();
    await s.prompts.create({
      name: "greet",
      body: "Hello {{name}}",
      config: { model: "cfg-model", temperature: 0.3, maxTokens: 50, other: "ignored" },
    });
    const run = await s.testRuns.run("greet", "1.0", { variables: { name: "Ada" } });
    expect(s.server.requests).toHaveLength(1);
    const [request] = s.server.requests;
    expect(request?.path).toBe("/chat/completions");
    expect(request?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(request?.body).toEqual({
      model: "cfg-model",
      messages: [{ role: "user", content: "Hello Ada" }],
      temperature: 0.3,
      max_tokens: 50,
    });
    expect(run).toMatchObject({ provider: "openai", model: "cfg-model", status: "passed" });
    expect(run.results[0]).toMatchObject({
      case: "ad-hoc",
      output: "Hello Ada",
      tokens: { prompt: 7, completion: 3, total: 10 },
    });
  });

  it("uses the environment's default model when the config names none", async () => {
    const s = await setup();
    await s.prompts.create({ name: "greet", body: "Hi" });
    const run = await s.testRuns.run("greet", "1.0");
    expect(s.server.requests[0]?.body).toEqual({ model: "env-model", messages: [{ role: "user", content: "Hi" }] });
    expect(run.model).toBe("env-model");
  });

  it("runs in the version's own stage's environment", async () => {
    const s = await setup();
    await s.prompts.create({ name: "greet", body: "Hi" });
    await s.versions.promote("greet", "1.0");
    const run = await s.testRuns.run("greet", "1.0");
    expect(run).toMatchObject({ stage: "TST", provider: "echo" });
    expect(s.server.requests).toHaveLength(0);
  });

  it("timeouts, 500s, garbage and refused connections are case errors, never a throw", async () => {
    const s = await setup(byPrompt, { timeoutMs: 300 });
    await s.prompts.create({ name: "p", body: "{{mode}}" });
    for (const mode of ["slow", "500", "garbage", "fine"])
      await s.testCases.create("p", {
        name: mode,
        variables: { mode },
        assertions: [{ type: "contains", value: "answer" }],
      });
    const started = performance.now();
    const run = await s.testRuns.run("p", "1.0");
    const elapsed = performance.now() - started;
    const url = `${s.server.baseUrl}/chat/completions`;
    expect(run.status).toBe("error");
    expect(run.results.map((r) => [r.case, r.status, r.error])).toEqual([
      ["slow", "error", `No answer from ${url} within 300 ms (timed out)`],
      ["500", "error", `${url} answered HTTP 500: upstream exploded`],
      ["garbage", "error", `The answer from ${url} is not valid JSON`],
      ["fine", "passed", null],
    ]);
    expect(run.results[0]?.latencyMs).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(2000);

    const closed = await closedPortUrl();
    await s.environments.update("DEV", { baseUrl: closed });
    const refused = await s.testRuns.run("p", "1.0");
    expect(refused.results.map((r) => r.error)).toEqual(
      Array(4).fill(`Could not connect to ${closed}/chat/completions: connection refused (ECONNREFUSED)`),
    );
  });

  it("a key variable that is not set is a case error naming the variable", async () => {
    const s = await setup();
    await s.environments.update("DEV", { apiKeyEnv: "PROMPTRAIL_UNSET_KEY" });
    await s.prompts.create({ name: "p", body: "Hi" });
    const run = await s.testRuns.run("p", "1.0");
    expect(run.results[0]?.error).toBe(
      "The environment variable PROMPTRAIL_UNSET_KEY (the API key) is not set on the server",
    );
    expect(s.server.requests).toHaveLength(0);
  });

  it("calls at most 4 cases at a time", async () => {
    const slowEcho: Responder = (request, res) => void setTimeout(() => echoBack(request, res), 60);
    const s = await setup(slowEcho);
    await s.prompts.create({ name: "p", body: "Hi {{n}}" });
    for (let i = 0; i < 9; i++) await s.testCases.create("p", { name: `c${i}`, variables: { n: String(i) } });
    const run = await s.testRuns.run("p", "1.0");
    expect(run.results.map((r) => r.output)).toEqual([...Array(9).keys()].map((i) => `Hi ${i}`));
    expect(s.server.maxInFlight).toBe(4);
  });

  it("the API key never appears in the stored run, the environments, the events or the database file", async () => {
    const s = await setup(byPrompt);
    await s.prompts.create({ name: "p", body: "{{mode}}" });
    await s.testCases.create("p", { name: "echoed in an error", variables: { mode: "key" } });
    await s.testCases.create("p", { name: "fine", variables: { mode: "fine" } });
    const run = await s.testRuns.run("p", "1.0");
    expect(run.results[0]?.error).toContain("bad key Bearer [redacted]");
    const answers = [
      run,
      await s.testRuns.list("p", "1.0"),
      await s.environments.get(),
      await s.history.list("p"),
      await s.testRuns.status("p", "1.0"),
    ];
    for (const answer of answers) expect(JSON.stringify(answer)).not.toContain(KEY);
    const bytes = await databaseBytes(s.db);
    expect(bytes).toContain("PROMPTRAIL_TEST_KEY");
    expect(bytes).toContain("answer to fine"); // the search does see stored runs
    expect(bytes).not.toContain(KEY);
  });
});

describe("a version that changes while its test runs", () => {
  /** A server that holds every answer until `release()`; `arrived` resolves at the first request. */
  function held() {
    let release = () => {};
    let arrived = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const first = new Promise<void>((resolve) => (arrived = resolve));
    const respond: Responder = async (request, res) => {
      arrived();
      await gate;
      echoBack(request, res);
    };
    return { respond, release: () => release(), arrived: first };
  }

  it("deleted meanwhile: the run is not stored and the caller is told (not_found); writes were not blocked", async () => {
    const h = held();
    const s = await setup(h.respond);
    await s.prompts.create({ name: "p", body: "Hi" });
    const draft = await s.versions.createNew("p", "1.0");
    const running = rejection(s.testRuns.run("p", draft.version));
    await h.arrived;
    // The provider call holds no transaction: a delete goes through while it waits.
    await s.versions.delete("p", draft.version);
    h.release();
    const error = await running;
    expect(error.code).toBe("not_found");
    expect(error.message).toBe("v1.1 was deleted while its test ran; the run was not stored");
    expect(await rawValue(s.db, "SELECT count(*) FROM test_runs")).toBe(0);
  });

  it("edited meanwhile: the run is stored against the revision and content that were tested", async () => {
    const h = held();
    const s = await setup(h.respond);
    const before = await s.prompts.create({ name: "p", body: "Hi" });
    const running = s.testRuns.run("p", "1.0");
    await h.arrived;
    const edited = await s.versions.save("p", "1.0", { body: "Hello" });
    h.release();
    const run = await running;
    expect(run).toMatchObject({ revision: 1, contentHash: before.contentHash, status: "passed" });
    expect(run.results[0]?.output).toBe("Hi");
    expect(edited.revision).toBe(2);
    expect(await s.testRuns.status("p", "1.0")).toMatchObject({
      fresh: false,
      summary: "passed on revision 1 — edited since",
    });
  });
});

import { existsSync } from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, test } from "vitest";
import { COMMANDS } from "../../../src/cli/commands.js";
import { runCli } from "../../../src/cli/run-cli.js";
import { memoryIo, tempFolder } from "../../support/cli.js";
import { echoBack, fakeOpenAi } from "../../support/fake-openai.js";
import { sseReader } from "../../support/sse.js";

/** `promptrail serve` in this process on a free port; SIGTERM and SIGINT come from `signals`. */
async function serve(env: NodeJS.ProcessEnv = {}, extra: string[] = []) {
  const file = join(tempFolder(), "promptrail.db");
  const { io, printed, signals } = memoryIo(env);
  const exited = runCli(["serve", "--port", "0", "--db", file, ...extra], io, COMMANDS);
  for (let waited = 0; !/listening on http/.test(printed.stdout); waited += 10) {
    if (waited > 10_000) throw new Error(`serve did not start:\n${printed.stdout}${printed.stderr}`);
    await sleep(10);
  }
  const base = /listening on (http:\/\/[^\s"]+)/.exec(printed.stdout)?.[1] as string;
  const lines = () => printed.stdout.trimEnd().split("\n");
  return { base, file, printed, lines, signals, exited };
}

const json = { "Content-Type": "application/json", Accept: "application/json" };

describe("the request log", () => {
  test("writes one JSON line per request: time, method, path, status, ms, actor, and nothing of the request", async () => {
    const s = await serve({ PROMPTRAIL_LOG: "json" });
    await fetch(`${s.base}/prompts?q=secret-query`, { headers: { Cookie: "promptrail_session=cookie-value" } });
    await fetch(`${s.base}/prompts`, {
      method: "POST",
      headers: { ...json, Authorization: "Bearer prt_token-value" },
      body: JSON.stringify({ name: "logged", body: "body-text PROMPTRAIL_OPENAI_API_KEY=sk-key-value" }),
    });
    await fetch(`${s.base}/nowhere`);
    s.signals.emit("SIGTERM");
    expect(await s.exited).toBe(0);

    const [start, ...rest] = s.lines();
    expect(JSON.parse(start as string)).toMatchObject({
      msg: expect.stringMatching(/^Promptrail 0\.\d+\.\d+ listening on http:\/\/127\.0\.0\.1:\d+ \(database .*\)$/),
    });
    const requests = rest.map((line) => JSON.parse(line)).filter((entry) => "method" in entry);
    expect(requests.map((r) => [r.method, r.path, r.status, r.actor])).toEqual([
      ["GET", "/prompts", 200, "local"],
      ["POST", "/prompts", 201, "local"],
      ["GET", "/nowhere", 404, "local"],
    ]);
    for (const r of requests) {
      expect(Object.keys(r)).toEqual(["time", "method", "path", "status", "ms", "actor"]);
      expect(r.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(r.ms).toBeGreaterThanOrEqual(0);
    }
    for (const secret of ["secret-query", "cookie-value", "token-value", "body-text", "sk-key-value"]) {
      expect(s.printed.stdout).not.toContain(secret);
    }
    expect(s.printed.stderr).toBe("");
  });

  test("PROMPTRAIL_LOG=text writes one readable line per request; off writes none", async () => {
    const text = await serve({ PROMPTRAIL_LOG: "text" });
    await fetch(`${text.base}/healthz`);
    text.signals.emit("SIGINT");
    expect(await text.exited).toBe(0);
    expect(text.lines()).toEqual([
      expect.stringMatching(/^Promptrail .* listening on /),
      expect.stringMatching(/^\d{4}-\d\d-\d\dT[\d:.]+Z GET \/healthz 200 [\d.]+ms local$/),
      "SIGINT: stopping; requests and webhook deliveries in flight get up to 10 s",
      "Stopped",
    ]);

    const off = await serve({ PROMPTRAIL_LOG: "off" });
    await fetch(`${off.base}/healthz`);
    off.signals.emit("SIGTERM");
    expect(await off.exited).toBe(0);
    expect(off.lines()).toHaveLength(3);
    expect(off.printed.stdout).not.toContain("/healthz");
  });

  test("is JSON by default when stdout is not a terminal", async () => {
    const s = await serve();
    await fetch(`${s.base}/healthz`);
    s.signals.emit("SIGTERM");
    await s.exited;
    for (const line of s.lines()) expect(() => JSON.parse(line)).not.toThrow();
  });
});

describe("a graceful stop", () => {
  test("answers the request in flight, takes no new connection, closes the database, exits 0", async () => {
    // The model answers only when the test lets it: the request is in flight for as long as needed.
    let answer: () => void = () => {};
    const answered = new Promise<void>((resolve) => {
      answer = resolve;
    });
    const model = await fakeOpenAi(async (request, res) => {
      await answered;
      echoBack(request, res);
    });
    const s = await serve({ PROMPTRAIL_LOG: "json" });
    const post = (path: string, body: unknown) =>
      fetch(`${s.base}${path}`, { method: "POST", headers: json, body: JSON.stringify(body) });
    await post("/settings/environments/DEV", { provider: "openai", baseUrl: model.baseUrl, apiKeyEnv: null });
    await post("/prompts", { name: "slow", body: "Hello {{who}}" });

    const inFlight = post("/prompts/slow/versions/1.0/test", { variables: { who: "world" } });
    while (model.requests.length === 0) await sleep(10);
    s.signals.emit("SIGTERM");
    const listening = () =>
      fetch(`${s.base}/healthz`).then(
        () => true,
        () => false,
      );
    await expect.poll(listening).toBe(false); // the listener is closed, the request still in flight
    answer();

    const done = await inFlight;
    expect(done.status).toBe(200);
    expect(done.headers.get("connection")).toBe("close");
    expect(await done.json()).toMatchObject({ status: "passed", results: [{ output: "Hello world" }] });
    expect(await s.exited).toBe(0);
    expect(s.lines().at(-1)).toContain('"msg":"Stopped"');
    expect(s.printed.stdout).toContain('"path":"/prompts/slow/versions/1.0/test","status":200');
    expect(existsSync(`${s.file}-wal`)).toBe(false); // the last connection closed checkpoints the WAL away
  });

  test("closes idle keep-alive connections at once instead of waiting for them", async () => {
    const s = await serve({ PROMPTRAIL_LOG: "off" });
    expect((await fetch(`${s.base}/healthz`)).status).toBe(200); // leaves a keep-alive connection open
    const started = performance.now();
    s.signals.emit("SIGTERM");
    expect(await s.exited).toBe(0);
    expect(performance.now() - started).toBeLessThan(4000); // Node keeps idle connections 5 s otherwise
    expect(s.lines().at(-1)).toBe("Stopped");
  });
});

describe("a graceful stop with change streams open", () => {
  test("ends every stream at once: they do not hold the stop for its grace, and it exits 0", async () => {
    const s = await serve({ PROMPTRAIL_LOG: "json", PROMPTRAIL_HEARTBEAT_MS: "50" });
    const streams = await Promise.all(
      [1, 2, 3].map(async () => {
        const res = await fetch(`${s.base}/changes`, { headers: { accept: "text/event-stream" } });
        const reader = sseReader(res.body as ReadableStream<Uint8Array>);
        await reader.next((m) => m.comment === "keep-alive"); // the setting reached the server
        return reader;
      }),
    );
    const started = performance.now();
    s.signals.emit("SIGTERM");
    for (const reader of streams) expect(await reader.next((m) => m.comment !== "keep-alive")).toBeNull();
    expect(await s.exited).toBe(0);
    expect(performance.now() - started).toBeLessThan(4000); // the grace is 10 s
    expect(s.lines().at(-1)).toContain('"msg":"Stopped"');
    expect(s.printed.stdout).toContain('"path":"/changes","status":200');
  });
});

describe("a failed start", () => {
  test("a port in use is one line that says what to do, exit 1", async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const { port } = taken.address() as AddressInfo;
    const { io, printed } = memoryIo();
    const code = await runCli(["serve", "--port", String(port), "--db", join(tempFolder(), "p.db")], io, COMMANDS);
    taken.close();
    expect(code).toBe(1);
    expect(printed.stderr).toBe(
      `promptrail serve: something else listens on that address and port: stop it or pick another --port (127.0.0.1:${port})\n`,
    );
  });
});

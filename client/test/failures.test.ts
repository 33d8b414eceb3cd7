import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type Change, Promptrail, PromptrailError } from "@promptrail/client";
import { afterEach, describe, expect, test } from "vitest";

/**
 * What a registry can do wrong, played by a local HTTP server: 5xx, garbage, an HTML page, a
 * 30 s hang, a change stream cut mid-event. The client serves the last good copy, reports the
 * failure, and never throws into the host (no unhandled rejection fails this file).
 */
type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const closers: Array<() => void> = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

async function hostile(handler: { current: Handler }) {
  const requests: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    requests.push(req);
    handler.current(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(() => server.closeAllConnections());
  closers.push(() => server.close());
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

const VERSION = {
  prompt: "greeting",
  version: "1.0",
  seq: 1,
  type: "text",
  stage: "PROD",
  current: true,
  body: "Hello {{name}}",
  config: {},
  revision: 1,
  contentHash: "0".repeat(64),
  createdFrom: null,
  createdAt: "2026-12-01T00:00:00.000Z",
  updatedAt: "2026-12-01T00:00:00.000Z",
};

const good: Handler = (_req, res) => {
  res.writeHead(200, { "content-type": "application/json", etag: '"v1"' });
  res.end(JSON.stringify(VERSION));
};

const FAILURES: Array<[string, Handler]> = [
  ["a 500", (_req, res) => res.writeHead(500, { "content-type": "application/json" }).end('{"error":{}}')],
  [
    "a 503 from a proxy, in HTML",
    (_req, res) => res.writeHead(503, { "content-type": "text/html" }).end("<h1>down</h1>"),
  ],
  ["an HTML page with 200", (_req, res) => res.writeHead(200, { "content-type": "text/html" }).end("<!doctype html>")],
  ["garbage with 200", (_req, res) => res.writeHead(200, { "content-type": "application/json" }).end('{"ok":tr')],
  [
    "JSON that is no version",
    (_req, res) => res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}'),
  ],
  [
    "a 404 page that is not Promptrail's",
    (_req, res) => res.writeHead(404, { "content-type": "text/html" }).end("nope"),
  ],
  ["a body cut short", (_req, res) => res.writeHead(200, { "content-length": "500" }).end('{"prompt":"greeting"')],
  ["a 30 s hang", () => undefined],
];

describe("get when the server misbehaves", () => {
  for (const [what, failure] of FAILURES)
    test(`${what}: the last good copy serves, within the timeout, and onError is told`, async () => {
      const handler = { current: good };
      const server = await hostile(handler);
      const errors: unknown[] = [];
      const client = new Promptrail({ baseUrl: server.url, timeoutMs: 300, onError: (e) => errors.push(e) });
      expect((await client.get("greeting")).source).toBe("server");
      handler.current = failure;
      const started = performance.now();
      const served = await client.get("greeting");
      expect(performance.now() - started).toBeLessThan(2000);
      expect(served).toMatchObject({ source: "cache", version: "1.0", body: "Hello {{name}}" });
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ name: "PromptrailError", code: "unavailable" });
      // Without a copy or a bundle there is nothing to serve: a clear error, not a hang.
      await expect(new Promptrail({ baseUrl: server.url, timeoutMs: 300 }).get("greeting")).rejects.toMatchObject({
        code: "unavailable",
      });
    });

  test("a server that answers 304 to a copy never sent is no answer", async () => {
    const server = await hostile({ current: (_req, res) => res.writeHead(304).end() });
    await expect(new Promptrail({ baseUrl: server.url }).get("greeting")).rejects.toMatchObject({
      code: "unavailable",
    });
  });

  test("sends If-None-Match with the ETag of its copy, and the token", async () => {
    const server = await hostile({ current: good });
    const client = new Promptrail({ baseUrl: `${server.url}/`, token: "prt_x" });
    await client.get("greeting");
    await client.get("greeting");
    expect(server.requests.map((r) => [r.url, r.headers["if-none-match"], r.headers.authorization])).toEqual([
      ["/prompts/greeting/stages/PROD", undefined, "Bearer prt_x"],
      ["/prompts/greeting/stages/PROD", '"v1"', "Bearer prt_x"],
    ]);
  });
});

/** An SSE answer: the opening comment, then `blocks` (each a string written as it is). */
function stream(res: ServerResponse, blocks: string[], end = true) {
  res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8" });
  res.write(": changes after 0\n\n");
  for (const block of blocks) res.write(block);
  if (end) res.end();
}
const event = (seq: number) =>
  `event: version.edited\nid: ${seq}\ndata: ${JSON.stringify({ seq, type: "version.edited", prompt: "p", version: "1.0", stage: "DEV", at: "t" })}\n\n`;

describe("watch when the stream misbehaves", () => {
  test("a stream cut mid-event: the half event is dropped, and the reconnection resumes after the last whole one", async () => {
    const handler = {
      current: ((req, res) => {
        if (req.headers["last-event-id"] === "2") return stream(res, [event(3), event(4)], false);
        // Two whole events, then half of the third, then the connection drops.
        stream(res, [event(1), event(2), event(3).slice(0, 30)], false);
        setTimeout(() => res.destroy(), 20);
      }) as Handler,
    };
    const server = await hostile(handler);
    const seen: Change[] = [];
    const errors: unknown[] = [];
    const watch = new Promptrail({ baseUrl: server.url }).watch((c) => seen.push(c), {
      onError: (e) => errors.push(e),
      maxDelayMs: 50,
    });
    await expect.poll(() => seen.map((c) => c.seq)).toEqual([1, 2, 3, 4]);
    watch.close();
    expect(server.requests.map((r) => r.headers["last-event-id"])).toEqual([undefined, "2"]);
    expect(errors).toHaveLength(1); // the dropped connection, reported
  });

  test("refusals and garbage are retried with backoff and reported; a throwing callback does not stop the watch", async () => {
    let calls = 0;
    const server = await hostile({
      current: (_req, res) => {
        calls += 1;
        if (calls === 1) return res.writeHead(500).end("boom");
        if (calls === 2) return res.writeHead(200, { "content-type": "text/html" }).end("<html>");
        stream(res, [event(1), "event: version.edited\nid: 2\ndata: {not json\n\n", event(3)], false);
      },
    });
    const seen: number[] = [];
    const errors: unknown[] = [];
    const watch = new Promptrail({ baseUrl: server.url }).watch(
      (c) => {
        seen.push(c.seq);
        if (c.seq === 1) throw new Error("the host's bug");
        return Promise.reject(new Error("and its async bug"));
      },
      { onError: (e) => errors.push(e), maxDelayMs: 40 },
    );
    await expect.poll(() => seen).toEqual([1, 3]);
    watch.close();
    const messages = errors.map((e) => (e as Error).message);
    expect(messages[0]).toMatch(/GET \/changes answered 500/);
    expect(messages[1]).toMatch(/GET \/changes answered 200 text\/html/);
    expect(messages).toContain("the host's bug");
    expect(messages.some((m) => m.startsWith("A change that is not JSON was skipped"))).toBe(true);
    await expect.poll(() => errors.map((e) => (e as Error).message)).toContain("and its async bug");
  });

  test("a stream gone silent (no heartbeat) is dropped and opened again", async () => {
    let calls = 0;
    const server = await hostile({
      current: (_req, res) => {
        calls += 1;
        stream(res, calls === 1 ? [] : [event(1)], false);
      },
    });
    const seen: number[] = [];
    const errors: unknown[] = [];
    const watch = new Promptrail({ baseUrl: server.url }).watch((c) => seen.push(c.seq), {
      idleTimeoutMs: 200,
      maxDelayMs: 40,
      onError: (e) => errors.push(e),
    });
    await expect.poll(() => seen).toEqual([1]);
    watch.close();
    expect(errors[0]).toBeInstanceOf(PromptrailError);
    expect((errors[0] as PromptrailError).code).toBe("idle");
  });

  test("close() stops it for good, and an AbortSignal does the same", async () => {
    const server = await hostile({ current: (_req, res) => stream(res, [], false) });
    const controller = new AbortController();
    const client = new Promptrail({ baseUrl: server.url });
    const watch = client.watch(() => undefined, { signal: controller.signal });
    await expect.poll(() => server.requests.length).toBe(1);
    controller.abort();
    await expect.poll(() => server.requests[0]?.socket.destroyed).toBe(true);
    watch.close();
    expect(server.requests).toHaveLength(1);
  });
});

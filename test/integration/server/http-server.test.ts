import { type RequestListener, request } from "node:http";
import { describe, expect, test, vi } from "vitest";
import { listen } from "../../../src/server/http-server.js";
import { createServerLog, type LogFormat, oneLine } from "../../../src/server/request-log.js";

/** A GET that resolves with the status, or with the error when the connection was cut. */
function get(url: string, path: string) {
  return new Promise<number | string>((resolve) => {
    const req = request(`${url}${path}`, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    req.end();
  });
}

/** A handler that never answers, and a promise of the first request's arrival. */
function neverAnswers() {
  let arrived: () => void = () => {};
  const reached = new Promise<void>((resolve) => {
    arrived = resolve;
  });
  return { handler: () => arrived(), reached };
}

describe("the HTTP server's stop", () => {
  test("cuts what is still running when the grace period is over", async () => {
    const { handler, reached } = neverAnswers();
    const server = await listen(handler, { host: "127.0.0.1", port: 0, graceMs: 200 });
    const hanging = get(server.url, "/forever");
    await reached;
    expect(await server.stop()).toEqual({ cut: 1 });
    expect(await hanging).toBe("ECONNRESET");
  });

  test("a second signal cuts at once", async () => {
    const { handler, reached } = neverAnswers();
    const server = await listen(handler, { host: "127.0.0.1", port: 0, graceMs: 60_000 });
    const hanging = get(server.url, "/forever");
    await reached;
    const stopped = server.stop();
    server.cutAll();
    await stopped;
    expect(await hanging).toBe("ECONNRESET");
  });
});

describe("the request log", () => {
  async function logged(
    handle: (log: ReturnType<typeof createServerLog>) => RequestListener,
    format: LogFormat,
    path: string,
  ) {
    const writes: string[] = [];
    const log = createServerLog(format, (text) => writes.push(text));
    const server = await listen(log.requests(handle(log)), { host: "127.0.0.1", port: 0 });
    const result = await get(server.url, path);
    await server.stop();
    log.flush();
    return { result, writes, lines: writes.join("").split("\n").filter(Boolean) };
  }

  test("takes the actor from whoever authenticated the request", async () => {
    const { lines } = await logged(
      (log) => (req, res) => {
        log.identified(req, "ada");
        res.end("hi");
      },
      "json",
      "/me",
    );
    expect(JSON.parse(lines[0] as string)).toMatchObject({ method: "GET", path: "/me", status: 200, actor: "ada" });
  });

  test("marks a request whose client left before the answer", async () => {
    let close: () => void = () => {};
    const { lines } = await logged(
      () => (req, res) => {
        close = () => res.end();
        req.socket.destroy();
      },
      "json",
      "/gone",
    );
    close();
    expect(JSON.parse(lines[0] as string)).toMatchObject({ path: "/gone", aborted: true });
  });

  test("writes the lines of 10 ms together, in one write, spread over several turns of the event loop", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout"] });
    const writes: string[] = [];
    try {
      const log = createServerLog("json", (text) => writes.push(text));
      for (let i = 0; i < 100; i++) {
        log.failed({ method: "GET", path: `/${i}` }, `line ${i}`);
        if (i % 25 === 24) await new Promise((resolve) => setImmediate(resolve));
      }
      vi.advanceTimersByTime(9);
      expect(writes).toEqual([]);
      vi.advanceTimersByTime(1);
    } finally {
      vi.useRealTimers();
    }
    expect(writes).toHaveLength(1);
    expect(
      writes[0]
        ?.split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line).msg),
    ).toEqual(Array.from({ length: 100 }, (_, i) => `line ${i}`));
  });

  test("a line of the server's own (listening, stopping) is written at once, after the lines buffered before it", () => {
    vi.useFakeTimers({ toFake: ["setTimeout"] });
    const writes: string[] = [];
    try {
      const log = createServerLog("json", (text) => writes.push(text));
      log.failed({ method: "GET", path: "/" }, "request failed");
      expect(writes).toEqual([]);
      log.event({ msg: "listening" });
      expect(writes).toHaveLength(1);
      const lines = writes[0]?.split("\n").filter(Boolean) ?? [];
      expect(lines.map((line) => JSON.parse(line).msg)).toEqual(["request failed", "listening"]);
    } finally {
      vi.useRealTimers();
    }
  });

  test("text lines escape control characters, separators and backslashes", () => {
    expect(oneLine('GET /a\n{"forged":true}\r\u0000\u001b[31m\u2028\\ end')).toBe(
      'GET /a\\n{"forged":true}\\r\\x00\\x1b[31m\\u2028\\\\ end',
    );
  });
});

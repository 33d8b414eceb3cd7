import { request } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, test } from "vitest";
import { listen } from "../../../src/server/http-server.js";
import { setRequestActor, withRequestLog } from "../../../src/server/request-log.js";

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

describe("the HTTP server's stop", () => {
  test("cuts what is still running when the grace period is over", async () => {
    const server = await listen(() => {}, { host: "127.0.0.1", port: 0, graceMs: 200 }); // never answers
    const hanging = get(server.url, "/forever");
    await sleep(50);
    expect(await server.stop()).toEqual({ cut: 1 });
    expect(await hanging).toBe("ECONNRESET");
  });

  test("a second signal cuts at once", async () => {
    const server = await listen(() => {}, { host: "127.0.0.1", port: 0, graceMs: 60_000 });
    const hanging = get(server.url, "/forever");
    await sleep(50);
    const stopped = server.stop();
    server.cutAll();
    await stopped;
    expect(await hanging).toBe("ECONNRESET");
  });
});

describe("the request log", () => {
  async function logged(handle: Parameters<typeof withRequestLog>[0], format: "json" | "text", path: string) {
    const lines: string[] = [];
    const server = await listen(
      withRequestLog(handle, format, (line) => lines.push(line)),
      { host: "127.0.0.1", port: 0 },
    );
    const result = await get(server.url, path);
    await server.stop();
    return { result, lines };
  }

  test("takes the actor from whoever authenticated the request", async () => {
    const { lines } = await logged(
      (req, res) => {
        setRequestActor(req, "ada");
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
      (req, res) => {
        close = () => res.end();
        req.socket.destroy();
      },
      "json",
      "/gone",
    );
    close();
    expect(JSON.parse(lines[0] as string)).toMatchObject({ path: "/gone", aborted: true });
  });
});

import { connect } from "node:net";
import { getRequestListener } from "@hono/node-server";
import { describe, expect, test } from "vitest";
import { isOwnHost } from "../../../src/http/guards.js";
import { listen } from "../../../src/server/http-server.js";
import { expectError, FORM, freshApp } from "./support/http.js";

/**
 * Sends `head` (and `body`) as they are on a new connection and answers the status line's code.
 * The request says `Connection: close`: the server closes once it has answered (ending our side
 * first would let it drop an answer that is not ready yet).
 */
function rawRequest(url: string, head: string, body = ""): Promise<number> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(`${head}\r\n\r\n${body}`));
    let answer = "";
    socket.on("data", (chunk) => {
      answer += chunk.toString("latin1");
    });
    socket.on("error", reject);
    socket.on("close", () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0)));
  });
}

/** A JSON POST that would create prompt `planted`, sent raw: `target` as its request target, `headers` as given. */
function rawPlant(url: string, target: string, headers: string[]): Promise<number> {
  const body = JSON.stringify({ name: "planted", body: "x" });
  const head = [
    `POST ${target} HTTP/1.1`,
    ...headers,
    "Content-Type: application/json",
    "Accept: application/json",
    `Content-Length: ${body.length}`,
    "Connection: close",
  ];
  return rawRequest(url, head.join("\r\n"), body);
}

/**
 * docs/limits.md, DNS rebinding: a page on evil.example whose name is switched to
 * 127.0.0.1 reaches the server with `Host: evil.example:4401` and a same-origin Origin of its
 * own. Every request whose Host is not this server's is refused 403 and changes nothing.
 */
const rebinding = { host: "evil.example:4401", origin: "http://evil.example:4401", "sec-fetch-site": "same-origin" };

describe("Host check", () => {
  test("a rebound POST is refused and deletes nothing; a rebound GET reads nothing", async () => {
    const client = await freshApp();
    await client.ladder("p");
    const before = await client.dump();
    const del = await client.request("http://evil.example:4401/prompts/p/versions/1.3/delete", {
      method: "POST",
      headers: { ...rebinding, "content-type": FORM, accept: "application/json" },
      body: "",
    });
    expectError({ status: del.status, body: await del.json() }, 403, "forbidden");
    // The Host header alone (a request line in origin form reaching 127.0.0.1) is enough.
    const settings = await client.request("/settings/environments", {
      headers: { ...rebinding, accept: "application/json" },
    });
    const body = await settings.json();
    expectError({ status: settings.status, body }, 403, "forbidden");
    expect(JSON.stringify(body)).not.toContain("baseUrl");
    for (const path of ["/healthz", "/static/app.css", "/prompts/p/stages/prod", "/"]) {
      expect((await client.request(path, { headers: { host: "evil.example" } })).status, path).toBe(403);
    }
    expect(await client.dump()).toEqual(before);
  });

  test("open mode answers the loopback names and addresses, with any port", async () => {
    const client = await freshApp();
    // Every loopback address (a server told to listen on 127.0.0.2 answers there) and localhost's subdomains.
    for (const host of [
      "localhost",
      "localhost:3000",
      "127.0.0.1",
      "127.0.0.1:8080",
      "[::1]",
      "[::1]:4401",
      "127.0.0.2",
      "app.localhost",
    ]) {
      const res = await client.request(`http://${host}/healthz`, { headers: { host } });
      expect(res.status, host).toBe(200);
    }
    for (const host of [
      "evil.example",
      "localhost.evil.example",
      "0.0.0.0",
      "10.0.0.1:3000",
      "",
      "a b",
      "localhost@evil",
    ]) {
      expect((await client.request("/healthz", { headers: { host } })).status, host).toBe(403);
    }
  });

  test("with PROMPTRAIL_PUBLIC_URL only its host passes (its port, if any)", async () => {
    const client = await freshApp({ publicUrl: "https://prompts.example.com" });
    const ask = (host: string) => client.request(`http://${host}/healthz`, { headers: { host } });
    expect((await ask("prompts.example.com")).status).toBe(200);
    expect((await ask("prompts.example.com:443")).status).toBe(200);
    for (const host of ["prompts.example.com:8443", "localhost", "127.0.0.1:3000", "evil.example"])
      expect((await ask(host)).status, host).toBe(403);
    expect(isOwnHost("PROMPTS.example.com", new URL("https://prompts.example.com"))).toBe(true);
  });
});

describe("an absolute-form request target is judged by its authority too", () => {
  test("POST http://evil.example/prompts with Host: 127.0.0.1 and a matching Origin is 403 and writes nothing", async () => {
    const client = await freshApp();
    const server = await listen(getRequestListener(client.app.fetch), { host: "127.0.0.1", port: 0 });
    try {
      const before = await client.dump();
      const { host } = new URL(server.url);
      const post = (target: string, origin: string) =>
        rawPlant(server.url, target, [`Host: ${host}`, `Origin: ${origin}`]);
      expect(await post("http://evil.example/prompts", "http://evil.example")).toBe(403);
      expect(await post("http://evil.example:4401/prompts", "http://evil.example:4401")).toBe(403);
      expect(await client.dump()).toEqual(before);
      // An absolute-form target naming this server is still answered.
      const own = `GET ${server.url}/healthz HTTP/1.1\r\nHost: ${host}\r\nConnection: close`;
      expect(await rawRequest(server.url, own)).toBe(200);
      expect(await post(`${server.url}/prompts`, server.url)).toBe(201);
    } finally {
      await server.stop();
    }
  });
});

describe("a request with two Host headers", () => {
  test("is refused 403 on a real server whichever comes first, and writes nothing; one Host still passes", async () => {
    const client = await freshApp();
    const server = await listen(getRequestListener(client.app.fetch), { host: "127.0.0.1", port: 0 });
    try {
      const before = await client.dump();
      const { host } = new URL(server.url);
      const post = (...hosts: string[]) =>
        rawPlant(
          server.url,
          "/prompts",
          hosts.map((h) => `Host: ${h}`),
        );
      // Node keeps only the first Host in its parsed headers; a proxy in front may route by the second.
      expect(await post(host, "evil.example")).toBe(403);
      expect(await post("evil.example", host)).toBe(403);
      expect(await post(host, host)).toBe(403);
      const read = (...hosts: string[]) =>
        rawRequest(
          server.url,
          ["GET /prompts/p/stages/PROD HTTP/1.1", ...hosts.map((h) => `Host: ${h}`), "Connection: close"].join("\r\n"),
        );
      expect(await read(host, "evil.example")).toBe(403);
      expect(await client.dump()).toEqual(before);
      expect(await post(host)).toBe(201);
    } finally {
      await server.stop();
    }
  });
});

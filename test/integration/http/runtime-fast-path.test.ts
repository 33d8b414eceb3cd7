import http, { type OutgoingHttpHeaders, type RequestListener } from "node:http";
import { getRequestListener } from "@hono/node-server";
import { afterEach, describe, expect, test } from "vitest";
import type { RequestNotes } from "../../../src/http/request-notes.js";
import { runtimeFastPath } from "../../../src/http/runtime-fast-path.js";
import { type HttpServer, listen } from "../../../src/server/http-server.js";
import { securedApp } from "../../support/accounts.js";
import { type Client, freshApp } from "./support/http.js";

/**
 * docs/performance.md, the runtime read: `serve` answers the read at volume before the web
 * framework. Whatever it answers must be byte for byte what the app's route answers, and
 * everything else must reach the app. Two servers over one app: one with the fast path in front
 * (as `serve` runs), one without; every request goes to both.
 */
interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

const servers: HttpServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

async function pair(client: Pick<Client, "app" | "services">) {
  const identified: string[] = [];
  const notes: RequestNotes = {
    identified: (_incoming, actor) => identified.push(actor),
    failed: () => {},
  };
  const app = getRequestListener(client.app.fetch);
  let reachedApp = 0;
  const counted: RequestListener = (req, res) => {
    reachedApp++;
    app(req, res);
  };
  const fast = await listen(runtimeFastPath(client.services, notes, null, counted), { host: "127.0.0.1", port: 0 });
  const plain = await listen(app, { host: "127.0.0.1", port: 0 });
  servers.push(fast, plain);
  return { fast, plain, identified, reachedApp: () => reachedApp };
}

/** One request as node sends it: raw header pairs, so that Host can be anything, or twice. */
function send(base: string, method: string, path: string, headers: string[]): Promise<Answer> {
  const { port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port, method, path, setHost: false, headers: headers as unknown as OutgoingHttpHeaders },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk) => {
          body += chunk;
        });
        res.on("end", () => {
          const { date: _date, connection: _c, "keep-alive": _k, ...rest } = res.headers;
          resolve({ status: res.statusCode ?? 0, headers: rest, body });
        });
      },
    );
    req.on("error", reject);
    req.end();
  });
}

/** The same request to both servers: the same answer, with the Host each is reached at. */
async function same(
  servers: { fast: HttpServer; plain: HttpServer },
  method: string,
  path: string,
  headers: string[] = [],
) {
  const hosted = (url: string) => (headers.includes("Host") ? headers : ["Host", new URL(url).host, ...headers]);
  const viaFast = await send(servers.fast.url, method, path, hosted(servers.fast.url));
  const viaApp = await send(servers.plain.url, method, path, hosted(servers.plain.url));
  expect(viaFast, `${method} ${path}`).toEqual(viaApp);
  return viaFast;
}

describe("the runtime read's fast path answers as the route does", () => {
  test("open mode: JSON, text, HEAD, 304 and a lower-case stage skip the app; everything else reaches it", async () => {
    const client = await freshApp();
    await client.ladder("p");
    await client.api("POST", "/prompts", { name: "c", type: "chat", messages: [{ role: "user", content: "Hi" }] });
    await client.act("c", "1.0", "promote");
    const s = await pair(client);
    const read = "/prompts/p/stages/PROD";

    const json = await same(s, "GET", read, ["Accept", "application/json"]);
    expect(json.status).toBe(200);
    expect(JSON.parse(json.body)).toMatchObject({ prompt: "p", version: "1.0", stage: "PROD" });
    const etag = json.headers.etag as string;
    expect((await same(s, "GET", read, ["Accept", "text/plain"])).body).toBe("Hello {{name}}");
    expect((await same(s, "HEAD", read, ["Accept", "application/json"])).body).toBe("");
    expect((await same(s, "GET", read, ["Accept", "application/json", "If-None-Match", etag])).status).toBe(304);
    expect((await same(s, "GET", read, ["Accept", "application/json", "If-None-Match", `W/${etag}, "x"`])).status).toBe(
      304,
    );
    await same(s, "GET", "/prompts/p/stages/prod", []);
    expect(s.reachedApp()).toBe(0);

    const refused: Array<[string, string, string[], number]> = [
      ["GET", "/prompts/nope/stages/PROD", [], 404],
      ["GET", "/prompts/p/stages/QA", [], 404],
      ["GET", "/prompts/c/stages/TST", ["Accept", "text/plain"], 406],
      ["GET", read, ["Host", "evil.example"], 403],
      ["GET", read, ["Host", "127.0.0.1", "Host", "evil.example"], 403],
      ["POST", read, [], 405],
      ["GET", "/prompts/p/stages/PROD/", [], 404],
    ];
    for (const [method, path, headers, status] of refused)
      expect((await same(s, method, path, headers)).status, `${method} ${path} ${headers}`).toBe(status);
    // Answered by the app alone: a page, a query, a name to decode.
    expect((await same(s, "GET", `${read}?x=1`, ["Accept", "application/json"])).status).toBe(200);
    expect((await same(s, "GET", "/prompts/%70/stages/PROD", ["Accept", "application/json"])).status).toBe(200);
    const reached = s.reachedApp();
    expect(reached).toBe(refused.length + 2);
    expect(
      (await send(s.fast.url, "GET", read, ["Host", new URL(s.fast.url).host, "Accept", "text/html"])).status,
    ).toBe(200);
    expect(s.reachedApp()).toBe(reached + 1);
    expect(s.identified).toEqual([]);
  });

  test("secured mode: a token's read skips the app and is logged as its user; no credential, a wrong token or a cookie reach it", async () => {
    const client = await securedApp();
    const admin = { token: client.who.admin.token };
    expect((await client.as(admin, "POST", "/prompts", { name: "p", body: "Hello {{name}}" })).status).toBe(201);
    expect((await client.as(admin, "POST", "/prompts/p/versions/1.0/promote", {})).status).toBe(200);
    expect((await client.as(admin, "POST", "/prompts/p/versions/1.0/promote", { to: "PROD" })).status).toBe(200);
    const s = await pair(client);
    const read = "/prompts/p/stages/PROD";
    const viewer = client.who.viewer;
    const basic = Buffer.from(`any:${viewer.readOnly}`).toString("base64");

    for (const authorization of [`Bearer ${viewer.token}`, `Bearer ${client.who.admin.token}`, `Basic ${basic}`])
      expect((await same(s, "GET", read, ["Accept", "application/json", "Authorization", authorization])).status).toBe(
        200,
      );
    expect(s.reachedApp()).toBe(0);
    expect(s.identified).toEqual(["viewer", "admin", "viewer"]);

    const none = await same(s, "GET", read, ["Accept", "application/json"]);
    expect(none.status).toBe(401);
    expect((await same(s, "GET", read, ["Authorization", "Bearer prt_not_a_token"])).status).toBe(401);
    expect((await same(s, "GET", read, ["Authorization", "Token x"])).status).toBe(401);
    const cookie = await same(s, "GET", read, [
      "Accept",
      "application/json",
      "Cookie",
      `promptrail_session=${viewer.session}`,
    ]);
    expect(cookie.status).toBe(200);
    expect(s.reachedApp()).toBe(4);
  });
});

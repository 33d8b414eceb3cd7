import { describe, expect, test } from "vitest";
import { securedApp } from "../../support/accounts.js";
import { dumpAll } from "../../support/state.js";
import { freshApp } from "../http/support/http.js";

/**
 * /mcp at the HTTP level (docs/mcp.md): what a wrong request gets before the protocol starts.
 * Refusals are the API's JSON errors whatever the Accept header says (programs call /mcp), and
 * none of them writes anything.
 */
const MCP_HEADERS = { "content-type": "application/json", accept: "application/json, text/event-stream" };
const PING = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" });

const post = (body: string, headers: Record<string, string> = {}): RequestInit => ({
  method: "POST",
  headers: { ...MCP_HEADERS, ...headers },
  body,
});

describe("POST /mcp at the HTTP level", () => {
  test("a JSON-RPC call answers JSON, with no session (stateless)", async () => {
    const app = await freshApp();
    const res = await app.request("/mcp", post(PING));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.headers.get("mcp-session-id")).toBeNull();
    expect(await res.json()).toEqual({ jsonrpc: "2.0", id: 1, result: {} });
  });

  test("GET and DELETE: 405 with Allow, as the protocol allows a server without streams or sessions", async () => {
    const app = await freshApp();
    for (const method of ["GET", "DELETE"]) {
      const res = await app.request("/mcp", { method, headers: { accept: "application/json, text/event-stream" } });
      expect(res.status, method).toBe(405);
      expect(res.headers.get("allow")).toBe("POST, OPTIONS");
    }
  });

  test("an unknown ?stage= is 400 bad_request; the stage is case-insensitive", async () => {
    const app = await freshApp();
    const bad = await app.request("/mcp?stage=QA", post(PING));
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatchObject({ code: "bad_request", message: expect.stringContaining("QA") });
    expect((await app.request("/mcp?stage=tst", post(PING))).status).toBe(200);
  });

  test("a body that is not JSON is 400; one over the values budget 413; one over 4 MiB 413", async () => {
    const app = await freshApp();
    const before = await dumpAll(app.db);
    const notJson = await app.request("/mcp", post("{nope"));
    expect([notJson.status, (await notJson.json()).error.code]).toEqual([400, "bad_request"]);
    const many = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping", params: { a: new Array(100_001).fill(0) } });
    const budget = await app.request("/mcp", post(many));
    expect([budget.status, (await budget.json()).error.code]).toEqual([413, "payload_too_large"]);
    const huge = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping", params: { a: "x".repeat(4 * 1024 * 1024) } });
    expect((await app.request("/mcp", post(huge))).status).toBe(413);
    expect(await dumpAll(app.db)).toEqual(before);
  });

  test("a call from another site is refused 403 (a web page cannot reach the registry through a browser)", async () => {
    const app = await freshApp();
    const res = await app.request("/mcp", post(PING, { origin: "https://evil.example" }));
    expect(res.status).toBe(403);
  });

  test("secured mode: 401 with WWW-Authenticate and JSON, even for a browser's Accept; a read-only token reads", async () => {
    const app = await securedApp();
    for (const accept of ["application/json, text/event-stream", "text/html"]) {
      const res = await app.request("/mcp", post(PING, { accept }));
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toBe('Bearer realm="promptrail"');
      expect((await res.json()).error.code).toBe("unauthorized");
    }
    const wrong = await app.request("/mcp", post(PING, { authorization: "Bearer prt_wrong" }));
    expect(wrong.status).toBe(401);
    const ok = await app.request("/mcp", post(PING, { authorization: `Bearer ${app.who.viewer.readOnly}` }));
    expect(ok.status).toBe(200);
    const session = await app.request("/mcp", post(PING, { cookie: `promptrail_session=${app.who.viewer.session}` }));
    expect(session.status).toBe(200);
  });
});

describe("hostile MCP calls", () => {
  test("deeply nested variables are refused as a tool error or a 4xx, never a 5xx, quickly", async () => {
    const app = await freshApp();
    await app.api("POST", "/prompts", { name: "p", body: "Hi {{x}}" });
    const deep = `${"[".repeat(40_000)}${"]".repeat(40_000)}`;
    for (const variable of [deep, `{"a":${deep}}`]) {
      const body = `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"render_prompt","arguments":{"name":"p","stage":"DEV","variables":{"x":${variable}}}}}`;
      const started = performance.now();
      const res = await app.request("/mcp", post(body));
      expect(performance.now() - started).toBeLessThan(2_000);
      expect(res.status).toBeLessThan(500);
      if (res.status === 200) expect((await res.json()).result.isError).toBe(true);
    }
    // As any JSON body: nested past the limit, or a lone surrogate, is 422 before the protocol starts.
    const lone = '{"jsonrpc":"2.0","id":1,"method":"prompts/get","params":{"name":"p","arguments":{"x":"\\ud800"}}}';
    const refused = await app.request("/mcp?stage=dev", post(lone));
    expect([refused.status, (await refused.json()).error.code]).toEqual([422, "validation_failed"]);
    const args = `{"x":${deep}}`;
    const get = `{"jsonrpc":"2.0","id":1,"method":"prompts/get","params":{"name":"p","arguments":${args}}}`;
    const res = await app.request("/mcp?stage=dev", post(get));
    expect(res.status).toBeLessThan(500);
  });
});

import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { beforeAll, describe, expect, test } from "vitest";
import { postgresInstances } from "../../support/pg-instances.js";

/**
 * MCP behind a load balancer (docs/mcp.md, "The transport"): two `promptrail serve` processes on
 * one PostgreSQL database, and one MCP client whose every call goes to the other instance in
 * turn. Stateless, so no call needs the instance that answered the one before, and a promotion
 * made on either is what the very next call renders.
 */
const setup = postgresInstances(2);
let a = "";
let b = "";
beforeAll(() => {
  [a = "", b = ""] = setup().instances;
});

async function post(base: string, path: string, body: unknown) {
  const res = await fetch(`${base}${path}`, {
    method: "POST",
    headers: { accept: "application/json", "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(res.status, await res.clone().text()).toBeLessThan(300);
}

describe("MCP on two instances of one PostgreSQL database", () => {
  test("calls alternate between instances; each sees the promotion the other made", async () => {
    await post(a, "/prompts", { name: "balanced", body: "v1 for {{who}}" });
    await post(b, "/prompts/balanced/versions/1.0/promote", {});
    await post(a, "/prompts/balanced/versions/1.0/promote", { to: "PROD" });

    const seen: string[] = [];
    let turn = 0;
    // A round-robin load balancer in front of the two instances.
    const balanced: typeof fetch = (input, init) => {
      const base = turn++ % 2 === 0 ? a : b;
      seen.push(base);
      const url = new URL(String(input instanceof Request ? input.url : input));
      return fetch(`${base}${url.pathname}${url.search}`, init);
    };
    const client = new Client({ name: "balanced-test", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${a}/mcp`), { fetch: balanced }));
    try {
      const render = async () =>
        (await client.getPrompt({ name: "balanced", arguments: { who: "Ada" } })).messages[0]?.content;
      expect(await render()).toEqual({ type: "text", text: "v1 for Ada" });

      await post(b, "/prompts/balanced/versions/1.0/new", {});
      await post(a, "/prompts/balanced/versions/1.1/save", { body: "v2 for {{who}}" });
      await post(b, "/prompts/balanced/versions/1.1/promote", {});
      await post(a, "/prompts/balanced/versions/1.1/promote", { to: "PROD" });
      for (let i = 0; i < 4; i++) expect(await render()).toEqual({ type: "text", text: "v2 for Ada" });
      expect(new Set(seen)).toEqual(new Set([a, b]));
    } finally {
      await client.close();
    }
  });
});

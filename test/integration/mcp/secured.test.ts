import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { describe, expect, onTestFinished, test } from "vitest";
import { createApp } from "../../../src/app.js";
import { createServices } from "../../../src/services/index.js";
import { PASSWORD } from "../../support/accounts.js";
import { freshDb } from "../../support/db.js";
import { serveUntilTestEnds } from "../../support/servers.js";

/**
 * MCP in secured mode (docs/mcp.md, "Access"): the runtime read's rules. A token is needed; a
 * read-only token or a viewer's is enough, since every MCP call only reads; without one, 401
 * with `WWW-Authenticate`. The SDK's own client against a running server.
 */
async function securedServer() {
  const db = await freshDb();
  const s = createServices({ db });
  await s.users.add({ name: "admin", role: "admin", password: PASSWORD });
  await s.users.add({ name: "vera", role: "viewer", password: PASSWORD });
  await s.prompts.create({ name: "greeting", body: "Hello {{name}}" });
  await s.versions.promote("greeting", "1.0");
  await s.versions.promote("greeting", "1.0", { to: "PROD" });
  const readOnly = (await s.tokens.create({ user: "admin", label: "assistant", readOnly: true })).secret;
  const viewer = (await s.tokens.create({ user: "vera", label: "ide" })).secret;
  const url = await serveUntilTestEnds(createApp({ db }));
  return { url, s, readOnly, viewer };
}

function clientOf(url: string, headers: Record<string, string>) {
  const client = new Client({ name: "promptrail-test", version: "1.0.0" });
  const transport = new StreamableHTTPClientTransport(new URL(`${url}/mcp`), { requestInit: { headers } });
  onTestFinished(() => client.close());
  return { client, connect: () => client.connect(transport) };
}

describe("MCP in secured mode, through the SDK's client", () => {
  test("a read-only token is enough: prompts and every tool answer", async () => {
    const { url, readOnly } = await securedServer();
    const { client, connect } = clientOf(url, { authorization: `Bearer ${readOnly}` });
    await connect();
    expect((await client.listPrompts()).prompts.map((p) => p.name)).toEqual(["greeting"]);
    const got = await client.getPrompt({ name: "greeting", arguments: { name: "Ada" } });
    expect(got.messages).toEqual([{ role: "user", content: { type: "text", text: "Hello Ada" } }]);
    const rendered = await client.callTool({
      name: "render_prompt",
      arguments: { name: "greeting", variables: { name: "Ada" } },
    });
    expect(rendered.isError).toBeFalsy();
    const got2 = await client.callTool({ name: "get_prompt", arguments: { name: "greeting" } });
    // The version object's actions are those of the token's role: a read-only token may do none.
    expect((got2.structuredContent as { actions: Record<string, unknown> }).actions).toEqual({
      edit: false,
      test: false,
      promote: null,
      createNew: false,
      delete: false,
      makeCurrent: false,
    });
  });

  test("a viewer's token, sent as HTTP Basic's password, is enough too", async () => {
    const { url, viewer } = await securedServer();
    const basic = Buffer.from(`anyone:${viewer}`).toString("base64");
    const { client, connect } = clientOf(url, { authorization: `Basic ${basic}` });
    await connect();
    expect((await client.listTools()).tools).toHaveLength(4);
  });

  test("without a token, or with a wrong one, the client cannot connect: 401", async () => {
    const { url } = await securedServer();
    await expect(clientOf(url, {}).connect()).rejects.toThrow(/401|nauthorized/);
    await expect(clientOf(url, { authorization: "Bearer prt_not-a-token" }).connect()).rejects.toThrow(
      /401|nauthorized/,
    );
  });
});

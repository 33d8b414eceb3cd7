import { type Context, Hono } from "hono";
import { DomainError } from "../../domain/errors.js";
import { parseStage, type Stage } from "../../domain/stage.js";
import type { Services } from "../../services/index.js";
import { admitReader } from "../auth.js";
import { withinJsonBudget } from "../body-budget.js";
import { refuseUnreadableJson } from "../input.js";
import { refuseAsJson } from "../on-error.js";
import type { RequestNotes } from "../request-notes.js";

/** As many JSON values as a render takes: an MCP call carries a render's variables (docs/limits.md). */
const MCP_JSON_VALUES = 100_000;

/**
 * The SDK is loaded on the first MCP call, not when the program starts: loading it builds
 * hundreds of schemas, which no command and no other route needs.
 */
let sdk:
  | Promise<
      [
        typeof import("../mcp-server.js"),
        typeof import("@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js"),
      ]
    >
  | undefined;
const loadSdk = () =>
  (sdk ??= Promise.all([
    import("../mcp-server.js"),
    import("@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js"),
  ]));

/** `?stage=` (any case), PROD without it. */
function stageOf(c: Context): Stage {
  const given = c.req.query("stage");
  if (given === undefined) return "PROD";
  const stage = parseStage(given);
  if (!stage) throw new DomainError("bad_request", `?stage=${given} is not a stage: use DEV, TST or PROD`);
  return stage;
}

/**
 * The body as JSON, within the render's budget of values; 413 past it, 400 when it is not JSON,
 * 422 when it nests too deep or holds a lone surrogate, as any JSON body.
 */
async function bodyOf(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (!withinJsonBudget(text, MCP_JSON_VALUES))
    throw new DomainError(
      "payload_too_large",
      `The JSON body holds more than ${MCP_JSON_VALUES.toLocaleString("en")} values (objects, arrays, strings, numbers)`,
    );
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new DomainError("bad_request", "The request body is not valid JSON (JSON-RPC messages are)");
  }
  if (parsed !== null && typeof parsed === "object") refuseUnreadableJson(parsed);
  return parsed;
}

/**
 * POST /mcp (docs/mcp.md): the Model Context Protocol over Streamable HTTP, stateless, JSON
 * answers. The runtime read's access rules, checked here before the access middleware: a
 * program without a valid credential in secured mode gets 401 with `WWW-Authenticate`, and a
 * viewer or a read-only token may call it, though it is a POST (every call only reads). GET
 * (a stream of server-sent messages) and DELETE (ending a session) have nothing to do without
 * sessions: 405, as the protocol allows.
 */
export function createMcpRoutes(services: Services, notes: RequestNotes) {
  return new Hono().post("/mcp", async (c) => {
    let asker: { stage: Stage; role: Awaited<ReturnType<typeof admitReader>>["role"] };
    let body: unknown;
    try {
      const actor = await admitReader(c, services, notes);
      asker = { stage: stageOf(c), role: actor.role };
      body = await bodyOf(c);
    } catch (error) {
      return refuseAsJson(c, error);
    }
    const [{ createMcpServer }, { WebStandardStreamableHTTPServerTransport }] = await loadSdk();
    const server = createMcpServer(services, asker);
    const transport = new WebStandardStreamableHTTPServerTransport({ enableJsonResponse: true });
    await server.connect(transport);
    try {
      return await transport.handleRequest(c.req.raw, { parsedBody: body });
    } finally {
      await server.close();
    }
  });
}

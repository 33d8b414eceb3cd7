import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import {
  type CallToolResult,
  ErrorCode,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { CfWorkerJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/cfworker";
import { z } from "zod";
import { VERSION } from "../cli/version.js";
import { DomainError } from "../domain/errors.js";
import type { Role } from "../domain/roles.js";
import { parseStage, type Stage } from "../domain/stage.js";
import type { Services } from "../services/index.js";
import { compareSchema, renderingSchema, versionJson, versionSchema } from "./json.js";

/** Every tool reads: it changes nothing, gives the same answer for the same registry, and calls nothing outside. */
const READ_ONLY = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };

const name = z.string().min(1).max(100).describe("The prompt's name");
const stageArg = z
  .string()
  .max(10)
  .optional()
  .describe("DEV, TST or PROD (any case); without it, the stage this server was added with");
const versionArg = z.string().max(30).describe('A version number, "2.3" or "v2.3"');

const listOutput = z.object({
  prompts: z.array(
    z.object({
      name: z.string(),
      type: z.enum(["text", "chat"]),
      description: z.string(),
      current: z.object({ DEV: z.string().nullable(), TST: z.string().nullable(), PROD: z.string().nullable() }),
      updatedAt: z.string(),
    }),
  ),
  nextCursor: z.string().nullable().describe("Give it as `cursor` for the next page; null on the last"),
});

/**
 * One validator for every request's server: the SDK's default builds a new Ajv per server, about
 * ten milliseconds each. The SDK only validates a client's answers to elicitation with it, which
 * this server never asks for; the @cfworker/json-schema one is the validator the contract uses.
 */
const VALIDATOR = new CfWorkerJsonSchemaValidator();

/** Who asks through /mcp, and which stage its prompts come from (`?stage=`, PROD by default). */
export interface McpAsker {
  stage: Stage;
  role: Role | null;
}

/**
 * An MCP server over the registry for one request (docs/mcp.md): stateless, so that any
 * instance can answer any request. Prompts are the current versions of the asker's stage,
 * their arguments from the prompt contract; tools list, get, render and compare. Every handler
 * calls a read of the services and nothing else: nothing reachable here changes the registry.
 */
export function createMcpServer(services: Services, asker: McpAsker): McpServer {
  const server = new McpServer(
    { name: "promptrail", title: "Promptrail", version: VERSION },
    {
      capabilities: { prompts: { listChanged: false } },
      jsonSchemaValidator: VALIDATOR,
      instructions:
        `The prompts of a Promptrail registry, as their current ${asker.stage} versions. ` +
        "Prompts render with typed arguments; tools list, read, render and compare prompts and never change them.",
    },
  );
  servePrompts(server, services, asker.stage);
  serveTools(server, services, asker);
  return server;
}

function servePrompts(server: McpServer, { mcp }: Services, stage: Stage): void {
  server.server.setRequestHandler(ListPromptsRequestSchema, async (request) => {
    const { prompts, nextCursor } = await asMcpError(() => mcp.list(stage, request.params?.cursor));
    return {
      prompts: prompts.map(({ version, ...p }) => ({ ...p, _meta: { "promptrail/version": version, stage } })),
      ...(nextCursor ? { nextCursor } : {}),
    };
  });
  server.server.setRequestHandler(GetPromptRequestSchema, async (request) => {
    const { name, arguments: args = {} } = request.params;
    const { description, version, messages } = await asMcpError(() => mcp.get(name, stage, args));
    return { description, messages, _meta: { "promptrail/version": version, stage } };
  });
}

/**
 * A JSON-RPC error as the SDK sends what a handler throws: `code`, `message`, `data`. Not an
 * McpError, whose message repeats "MCP error -32602:" in front of ours.
 */
class InvalidParams extends Error {
  readonly code = ErrorCode.InvalidParams;
  constructor(
    message: string,
    readonly data: unknown,
  ) {
    super(message);
  }
}

/**
 * A refusal of the registry (no such prompt, arguments that do not fit) as the JSON-RPC error
 * for bad params, carrying the API's `{code, message, issues}` as its data.
 */
async function asMcpError<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    throw new InvalidParams(error.message, error.toJSON().error);
  }
}

/** A tool's answer: the JSON as text for any client, and as structured content for those that read it. */
async function answer(work: () => Promise<Record<string, unknown>>): Promise<CallToolResult> {
  try {
    const value = await work();
    return { content: [{ type: "text", text: JSON.stringify(value, null, 2) }], structuredContent: value };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return { content: [{ type: "text", text: JSON.stringify(error.toJSON(), null, 2) }], isError: true };
  }
}

/** `stage` as given, else the asker's; an unknown stage is refused as the runtime read refuses it. */
function stageOr(given: string | undefined, fallback: Stage): Stage {
  if (given === undefined) return fallback;
  const stage = parseStage(given);
  if (!stage) throw new DomainError("not_found", `"${given}" is not a stage: use DEV, TST or PROD`);
  return stage;
}

/**
 * The tools as the SDK registers them, made once: building zod schemas is a good part of what a
 * request would otherwise cost, and every request registers the four tools afresh.
 */
const TOOLS = {
  list_prompts: {
    title: "List prompts",
    description:
      "The prompts in use, by name, with the current version of each stage. `query` filters by name or description.",
    inputSchema: z.object({
      query: z.string().max(200).optional().describe("Part of a name or description"),
      cursor: z.string().max(100).optional().describe("The `nextCursor` of the page before"),
    }),
    outputSchema: listOutput,
    annotations: READ_ONLY,
  },
  get_prompt: {
    title: "Get a prompt",
    description:
      "One version of a prompt, with its text or messages, config and contract (variables, tools, response format): the current version of a stage, or a version by number.",
    inputSchema: z.object({ name, stage: stageArg, version: versionArg.optional() }),
    outputSchema: versionSchema,
    annotations: READ_ONLY,
  },
  render_prompt: {
    title: "Render a prompt",
    description:
      "Fills a prompt's template with `variables` (JSON values of the types its contract declares), strictly: a missing, mistyped or unknown variable is refused with one issue per variable.",
    inputSchema: z.object({
      name,
      stage: stageArg,
      version: versionArg.optional().describe('A version number, "2.3" or "v2.3", instead of a stage'),
      variables: z.record(z.string(), z.unknown()).default({}).describe("Variable name → value"),
    }),
    outputSchema: renderingSchema,
    annotations: READ_ONLY,
  },
  compare_versions: {
    title: "Compare two versions",
    description:
      "A unified diff of two versions of a prompt (text or messages, and config) and the changes to its contract, each marked breaking or not.",
    inputSchema: z.object({ name, from: versionArg, to: versionArg }),
    outputSchema: compareSchema,
    annotations: READ_ONLY,
  },
};

/** A stage or a version of a prompt, not both. */
function oneOf(stage: string | undefined, version: string | undefined): void {
  if (stage !== undefined && version !== undefined)
    throw new DomainError("bad_request", "Give a stage or a version, not both");
}

function serveTools(server: McpServer, services: Services, asker: McpAsker): void {
  server.registerTool("list_prompts", TOOLS.list_prompts, ({ query, cursor }) =>
    answer(async () => {
      const { prompts, nextCursor } = await services.prompts.list({ q: query, cursor, limit: 100 });
      return listOutput.parse({ prompts, nextCursor });
    }),
  );
  server.registerTool("get_prompt", TOOLS.get_prompt, ({ name, stage, version }) =>
    answer(async () => {
      oneOf(stage, version);
      const v =
        version !== undefined
          ? await services.versions.get(name, version)
          : await services.runtime.current(name, stageOr(stage, asker.stage));
      return versionJson(v, asker.role);
    }),
  );
  server.registerTool("render_prompt", TOOLS.render_prompt, ({ name, stage, version, variables }) =>
    answer(async () => {
      oneOf(stage, version);
      const rendered =
        version !== undefined
          ? await services.render.version(name, version, { variables })
          : await services.render.stage(name, stageOr(stage, asker.stage), { variables });
      return renderingSchema.parse(rendered);
    }),
  );
  server.registerTool("compare_versions", TOOLS.compare_versions, ({ name, from, to }) =>
    answer(async () => {
      const { comparison } = await services.compare.compare(name, { from, to });
      const { diff, contract } = comparison;
      return compareSchema.parse({ from: comparison.from.version, to: comparison.to.version, diff, contract });
    }),
  );
}

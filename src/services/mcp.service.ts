import { argumentValues, type McpArgument, type McpMessage, mcpArgument, mcpMessages } from "../domain/mcp.js";
import { effectiveVariables } from "../domain/render.js";
import type { Stage } from "../domain/stage.js";
import { currentSizesIn, currentVersionsNamed } from "../store/bundle.store.js";
import { requirePrompt, type ServiceDeps } from "./context.js";
import { renderVersion } from "./render.service.js";
import { rowToVersion } from "./rows.js";
import type { RuntimeService } from "./runtime.service.js";

/** Prompts an MCP client gets per page of `prompts/list`, at most. */
export const MCP_PAGE = 100;
/**
 * Characters of body and variables a page reads, at most (one prompt more than fits when it is
 * the first): finding a template's placeholders in 100 prompts of 1 MB each would hold the event
 * loop for well over the 100 ms any request may (docs/limits.md).
 */
export const MCP_PAGE_CHARS = 2 * 1024 * 1024;

/** The names of a page: up to MCP_PAGE, within MCP_PAGE_CHARS but for the first. */
export function pageOf(sizes: Array<{ name: string; chars: number }>): string[] {
  const names: string[] = [];
  let chars = 0;
  for (const { name, chars: size } of sizes.slice(0, MCP_PAGE)) {
    chars += Number(size);
    if (names.length > 0 && chars > MCP_PAGE_CHARS) break;
    names.push(name);
  }
  return names;
}

/** A prompt as `prompts/list` shows it. */
export interface McpPrompt {
  name: string;
  description?: string;
  arguments: McpArgument[];
  /** The current version in the stage, e.g. "2.3". */
  version: string;
}

/**
 * The registry's prompts as MCP prompts (docs/mcp.md): reads only. Listing and rendering go
 * through the same current versions and the same strict renderer as the runtime read and the
 * render endpoints.
 */
export function createMcpService(deps: ServiceDeps, runtime: Pick<RuntimeService, "current">) {
  const { db } = deps;
  return {
    /**
     * One page of the prompts in use with a current version in `stage`, by name after `cursor`,
     * each with its contract's variables (and the template's undeclared ones) as arguments.
     */
    async list(stage: Stage, cursor?: string): Promise<{ prompts: McpPrompt[]; nextCursor: string | null }> {
      const sizes = await currentSizesIn(db, stage, { after: cursor, limit: MCP_PAGE + 1 });
      const names = pageOf(sizes);
      const rows = await currentVersionsNamed(db, stage, names);
      const prompts = rows.map((row) => {
        const v = rowToVersion({ name: row.name, type: row.prompt_type }, row);
        const description = row.description.trim();
        return {
          name: row.name,
          ...(description ? { description } : {}),
          arguments: effectiveVariables(v, v.contract).map(mcpArgument),
          version: v.version,
        };
      });
      const last = names.at(-1);
      return { prompts, nextCursor: sizes.length > names.length && last ? last : null };
    },

    /**
     * The current version of `stage` rendered strictly with `args` (MCP arguments are text: each
     * becomes its variable's type first), as MCP messages. not_found without such a version;
     * validation_failed with one issue per bad argument, as the render endpoints answer.
     */
    async get(
      name: string,
      stage: Stage,
      args: Record<string, string>,
    ): Promise<{ description: string; version: string; messages: McpMessage[] }> {
      const v = await runtime.current(name, stage);
      const variables = argumentValues(effectiveVariables(v, v.contract), args);
      const rendered = renderVersion(v, { variables }, true);
      const prompt = await requirePrompt(db, name);
      const description = prompt.description.trim() || `${name} v${v.version} (${v.stage})`;
      return { description, version: v.version, messages: mcpMessages(rendered) };
    },
  };
}

export type McpService = ReturnType<typeof createMcpService>;

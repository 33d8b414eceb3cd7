import type { ChatMessage } from "./chat.js";
import { canonicalJson, type Json, parseJson } from "./content.js";
import type { Variable } from "./contract.js";
import type { Rendered } from "./render.js";

/**
 * How a prompt looks to an AI assistant or agent over the Model Context Protocol (docs/mcp.md).
 * MCP prompt arguments are named strings with a description and a required flag, and MCP
 * prompt messages have two roles, `user` and `assistant`: this maps the prompt contract and
 * the renderer's output onto those, and nothing more.
 */

/** One MCP prompt argument. */
export interface McpArgument {
  name: string;
  description?: string;
  required: boolean;
}

/** One MCP prompt message (text content only: a prompt's content is text). */
export interface McpMessage {
  role: "user" | "assistant";
  content: { type: "text"; text: string };
}

/** What an argument's text must hold, for the types a string does not say. */
function typeHint(v: Variable): string | null {
  switch (v.type) {
    case "string":
      return null;
    case "number":
      return "A number.";
    case "boolean":
      return "true or false.";
    case "enum":
      return `One of: ${(v.values ?? []).join(", ")}.`;
    case "json":
      return "JSON text.";
    case "messages":
      return 'A JSON list of {"role", "content"} messages.';
  }
}

/**
 * A variable of the contract as an MCP argument: its name, whether it is required, and a
 * description made of the contract's own, what the text must hold (MCP arguments are strings,
 * so a number, a boolean, an enum's values or JSON are said in words), and the default.
 */
export function mcpArgument(v: Variable): McpArgument {
  const parts = [v.description?.trim(), typeHint(v)];
  if (v.default !== undefined)
    parts.push(`Default: ${typeof v.default === "string" ? v.default : canonicalJson(v.default)}.`);
  const description = parts.filter((p): p is string => Boolean(p)).join(" ");
  return { name: v.name, ...(description ? { description } : {}), required: v.required };
}

const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/**
 * An argument's text as the value its variable's type takes: a number, true or false, parsed
 * JSON for `json` and `messages`; strings and enum values as they are. Text that is not of the
 * type stays text, so that the strict renderer refuses it with its own message ("Expected a
 * number"); a variable the contract does not know stays text too, and is refused as unknown.
 */
export function argumentValue(v: Variable | undefined, text: string): unknown {
  if (!v) return text;
  const trimmed = text.trim();
  switch (v.type) {
    case "number":
      return NUMBER.test(trimmed) ? Number(trimmed) : text;
    case "boolean":
      return trimmed === "true" ? true : trimmed === "false" ? false : text;
    case "json":
    case "messages":
      return parsedOr(text);
    default:
      return text;
  }
}

/** JSON text parsed, or `undefined` (which no JSON type takes) when it is not JSON. */
function parsedOr(text: string): Json | undefined {
  try {
    return parseJson(text);
  } catch {
    return undefined;
  }
}

/** Every argument's text as its variable's value (argumentValue), by name. */
export function argumentValues(variables: Variable[], args: Record<string, string>): Record<string, unknown> {
  const byName = new Map(variables.map((v) => [v.name, v]));
  const out: Record<string, unknown> = {};
  for (const [name, text] of Object.entries(args)) out[name] = argumentValue(byName.get(name), text);
  return out;
}

/**
 * A rendered prompt as MCP messages. A text prompt is one `user` message. A chat prompt keeps
 * its user and assistant turns in order; MCP has no system role, so system text leads the next
 * user turn (the first, for the usual system message at the top), separated by a blank line,
 * and system text with no user turn after it becomes a user turn of its own.
 */
export function mcpMessages(rendered: Rendered): McpMessage[] {
  if (rendered.type === "text") return [userMessage(rendered.body)];
  const out: McpMessage[] = [];
  let system: string[] = [];
  for (const m of rendered.messages as ChatMessage[]) {
    if (m.role === "system") system.push(m.content);
    else if (m.role === "user") {
      out.push(userMessage([...system, m.content].join("\n\n")));
      system = [];
    } else out.push({ role: "assistant", content: { type: "text", text: m.content } });
  }
  if (system.length > 0) out.push(userMessage(system.join("\n\n")));
  return out;
}

const userMessage = (text: string): McpMessage => ({ role: "user", content: { type: "text", text } });

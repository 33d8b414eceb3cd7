import { type ChatMessage, isPlaceholder } from "./chat.js";
import type { Json } from "./content.js";
import { type Contract, isMessageList, type Variable, valueProblem } from "./contract.js";
import type { Content } from "./prompt-content.js";
import { MAX_RENDERED_BYTES, renderTemplate, templateVariables } from "./template.js";

/**
 * Strict rendering (docs/contract.md, "Rendering"): the one renderer behind the render
 * endpoints, TEST and every later consumer. Its cases live in test/vectors/render.json, which
 * the client package shares.
 */

/** One problem of a render: `path` is `["variables", name]` (or `["variables"]` for the size). */
export interface RenderIssue {
  path: string[];
  message: string;
}

export type Rendered = { type: "text"; body: string } | { type: "chat"; messages: ChatMessage[] };
export type RenderOutcome = { ok: true; rendered: Rendered } | { ok: false; issues: RenderIssue[] };

/**
 * Every variable a caller may send, in order: the declared ones, then each placeholder the
 * contract does not declare — a required `string` for a `{{name}}`, required `messages` for a
 * chat placeholder — so a version without a contract renders as it always has.
 */
export function effectiveVariables(content: Content, contract: Pick<Contract, "variables">): Variable[] {
  const declared = new Map(contract.variables.map((v) => [v.name, v]));
  const out = [...contract.variables];
  const add = (name: string, type: "string" | "messages") => {
    if (declared.has(name)) return;
    declared.set(name, { name, type, required: true });
    out.push({ name, type, required: true });
  };
  if (content.type === "text") for (const name of templateVariables(content.body)) add(name, "string");
  else
    for (const item of content.messages) {
      if (isPlaceholder(item)) add(item.name, "messages");
      else for (const name of templateVariables(item.content)) add(name, "string");
    }
  return out;
}

/** The names used in the text (placeholders and chat placeholders), for "not in the text" hints. */
export function usedNames(content: Content): Set<string> {
  return new Set(effectiveVariables(content, { variables: [] }).map((v) => v.name));
}

/**
 * Fills the template with `variables` (JSON values, as the render endpoints take them): strings
 * and enum values as they are, numbers and booleans as JSON text, `json` as compact JSON,
 * `messages` spliced in where a chat placeholder stands (as compact JSON inside a text).
 * Defaults fill missing optional variables; a missing optional one without a default renders
 * as nothing. One issue per bad variable: missing and required, wrong type, outside `values`,
 * or unknown to the contract (ignored when `strict` is false). A result over 1,000,000 bytes
 * is refused too; its size is added up before the text is built.
 */
export function render(
  content: Content,
  contract: Pick<Contract, "variables">,
  variables: Record<string, unknown>,
  options: { strict?: boolean; declared?: Variable[] } = {},
): RenderOutcome {
  const strict = options.strict ?? true;
  // TEST renders one version for many cases: it finds the variables once and passes them.
  const declared = options.declared ?? effectiveVariables(content, contract);
  const byName = new Map(declared.map((v) => [v.name, v]));
  const issues: RenderIssue[] = [];
  const values = new Map<string, Json | undefined>();
  for (const v of declared) {
    if (Object.hasOwn(variables, v.name)) {
      const problem = valueProblem(v, variables[v.name]);
      if (problem) issues.push({ path: ["variables", v.name], message: problem });
      else values.set(v.name, variables[v.name] as Json);
    } else if (v.default !== undefined) values.set(v.name, v.default);
    else if (v.required) issues.push({ path: ["variables", v.name], message: `Required: this prompt needs ${v.name}` });
    else values.set(v.name, undefined);
  }
  if (strict)
    for (const name of Object.keys(variables))
      if (!byName.has(name))
        issues.push({ path: ["variables", name], message: "Not a variable of this prompt (?strict=false ignores it)" });
  if (issues.length > 0) return { ok: false, issues };
  return fill(content, values, byName);
}

/** A value as the text it puts in place of its placeholder: strings as they are, the rest as compact JSON. */
function asText(value: Json | undefined, variable: Variable | undefined): string {
  if (value === undefined) return "";
  const raw = variable?.type === "string" || variable?.type === "enum";
  return raw && typeof value === "string" ? value : JSON.stringify(value);
}

function fill(content: Content, values: Map<string, Json | undefined>, byName: Map<string, Variable>): RenderOutcome {
  const texts: Record<string, string> = {};
  for (const [name, value] of values) texts[name] = asText(value, byName.get(name));
  if (content.type === "text") {
    const r = renderTemplate(content.body, texts);
    return r.ok ? { ok: true, rendered: { type: "text", body: r.text } } : tooLarge("tooLarge" in r ? r.tooLarge : 0);
  }
  const messages: ChatMessage[] = [];
  let bytes = 0;
  for (const item of content.messages) {
    if (isPlaceholder(item)) {
      const value = values.get(item.name);
      const list = value === undefined ? [] : value;
      if (!isMessageList(list))
        return {
          ok: false,
          issues: [{ path: ["variables", item.name], message: "Expected a list of {role, content} messages" }],
        };
      for (const m of list) messages.push({ role: m.role as ChatMessage["role"], content: m.content });
      continue;
    }
    const r = renderTemplate(item.content, texts);
    if (!r.ok) return tooLarge("tooLarge" in r ? r.tooLarge : 0);
    bytes += r.text.length;
    if (bytes > MAX_RENDERED_BYTES) return tooLarge(bytes);
    messages.push({ role: item.role, content: r.text });
  }
  const total = Buffer.byteLength(JSON.stringify(messages), "utf8");
  if (total > MAX_RENDERED_BYTES) return tooLarge(total);
  return { ok: true, rendered: { type: "chat", messages } };
}

function tooLarge(bytes: number): RenderOutcome {
  const size = bytes > 0 ? `${bytes.toLocaleString("en")} bytes` : "too large";
  const limit = MAX_RENDERED_BYTES.toLocaleString("en");
  return {
    ok: false,
    issues: [{ path: ["variables"], message: `The rendered prompt is ${size}, over the ${limit}-byte limit` }],
  };
}

/**
 * Test cases and the ad-hoc inputs hold every variable as text: each is read as its type among
 * `declared` (effectiveVariables) (a number's digits, `true`/`false`, JSON for `json` and `messages`). Text that does not
 * read as its type is passed on as text, so the render names the variable and its type.
 */
export function valuesFromText(declared: Variable[], texts: Record<string, string>): Record<string, unknown> {
  const byName = new Map(declared.map((v) => [v.name, v]));
  const out: Record<string, unknown> = {};
  for (const [name, text] of Object.entries(texts)) {
    const type = byName.get(name)?.type ?? "string";
    out[name] = type === "string" || type === "enum" ? text : parsed(type, text);
  }
  return out;
}

function parsed(type: "number" | "boolean" | "json" | "messages", text: string): unknown {
  const trimmed = text.trim();
  if (type === "boolean") return trimmed === "true" ? true : trimmed === "false" ? false : text;
  if (type === "number") return /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(trimmed) ? Number(trimmed) : text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return type === "json" ? undefined : text;
  }
}

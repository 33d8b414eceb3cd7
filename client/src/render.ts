import type { Json } from "./hash.js";
import type { ChatItem } from "./types.js";

/**
 * Strict rendering, as the registry's renderer does it (its docs: "The prompt contract",
 * "Rendering"): the same results and the same issues for every case of the render vectors the
 * server's tests run too (client/test/render.test.ts).
 */
export type VariableType = "string" | "number" | "boolean" | "enum" | "json" | "messages";

/** A declared variable of a version's contract. */
export interface Variable {
  name: string;
  type: VariableType;
  required: boolean;
  default?: Json;
  description?: string;
  values?: string[];
}

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

/** One problem of a render: `path` is `["variables", name]` (or `["variables"]` for the size). */
export interface RenderIssue {
  path: string[];
  message: string;
}

export type Rendered = { type: "text"; body: string } | { type: "chat"; messages: ChatMessage[] };
export type RenderOutcome = { ok: true; rendered: Rendered } | { ok: false; issues: RenderIssue[] };
export type Content = { type: "text"; body: string } | { type: "chat"; messages: ChatItem[] };

/** A name is 1–64 Unicode letters, marks after the first, digits, `_`, `-` and `.`, starting with a letter or `_`. */
const NAME = String.raw`[\p{L}_][\p{L}\p{M}\p{Nd}_.\-]{0,63}`;
const PLACEHOLDER = new RegExp(String.raw`\{\{\s*(${NAME})\s*\}\}`, "gu");
/** A rendered prompt over this many bytes (UTF-8) is refused. */
const MAX_RENDERED_BYTES = 1_000_000;
/** JSON nested deeper than this is refused. */
const MAX_JSON_DEPTH = 64;
const ROLES = new Set(["system", "user", "assistant"]);

function templateVariables(body: string): string[] {
  const names = new Set<string>();
  for (const match of body.matchAll(PLACEHOLDER)) names.add(match[1] as string);
  return [...names];
}

const isPlaceholder = (item: ChatItem): item is { type: "placeholder"; name: string } => "type" in item;

/**
 * Every variable a caller may send: the declared ones, then each placeholder the contract does
 * not declare (a required `string` for `{{name}}`, required `messages` for a chat placeholder).
 */
function effectiveVariables(content: Content, variables: Variable[]): Variable[] {
  const declared = new Map(variables.map((v) => [v.name, v]));
  const out = [...variables];
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

function nestedDeeperThan(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const [v, depth] = item;
    if (v === null || typeof v !== "object") continue;
    if (depth > max) return true;
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}

function isMessageList(value: unknown): value is ChatMessage[] {
  return (
    Array.isArray(value) &&
    value.every(
      (m) =>
        typeof m === "object" &&
        m !== null &&
        !Array.isArray(m) &&
        Object.keys(m).length === 2 &&
        typeof m.role === "string" &&
        ROLES.has(m.role) &&
        typeof m.content === "string",
    )
  );
}

function valueProblem(variable: Pick<Variable, "type" | "values">, value: unknown): string | null {
  switch (variable.type) {
    case "string":
      return typeof value === "string" ? null : "Expected a string";
    case "number":
      return typeof value === "number" && Number.isFinite(value) ? null : "Expected a number";
    case "boolean":
      return typeof value === "boolean" ? null : "Expected true or false";
    case "enum":
      if (typeof value === "string" && variable.values?.includes(value)) return null;
      return `Expected one of ${(variable.values ?? []).join(", ")}`;
    case "json":
      if (value === undefined) return "Expected JSON";
      return nestedDeeperThan(value, MAX_JSON_DEPTH)
        ? `Expected JSON nested at most ${MAX_JSON_DEPTH} levels deep`
        : null;
    case "messages":
      return isMessageList(value) ? null : "Expected a list of {role, content} messages";
  }
}

/** UTF-8 length without encoding: a lone surrogate counts 3 bytes, as it is written (U+FFFD). */
function utf8Bytes(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

type Filled = { ok: true; text: string } | { ok: false; bytes: number };

/** Fills every placeholder; the size is added up first, so a huge result is refused unbuilt. */
function fillTemplate(body: string, texts: Record<string, string>): Filled {
  const sizes = new Map<string, number>();
  let bytes = utf8Bytes(body);
  for (const match of body.matchAll(PLACEHOLDER)) {
    const name = match[1] as string;
    let size = sizes.get(name);
    if (size === undefined) {
      size = utf8Bytes(texts[name] ?? "");
      sizes.set(name, size);
    }
    bytes += size - utf8Bytes(match[0]);
  }
  if (bytes > MAX_RENDERED_BYTES) return { ok: false, bytes };
  return { ok: true, text: body.replace(PLACEHOLDER, (_, name: string) => texts[name] ?? "") };
}

function tooLarge(bytes: number): RenderOutcome {
  const size = bytes > 0 ? `${bytes.toLocaleString("en")} bytes` : "too large";
  const limit = MAX_RENDERED_BYTES.toLocaleString("en");
  return {
    ok: false,
    issues: [{ path: ["variables"], message: `The rendered prompt is ${size}, over the ${limit}-byte limit` }],
  };
}

/** A value as the text of its placeholder: strings and enum values as they are, the rest as compact JSON. */
function asText(value: Json | undefined, variable: Variable | undefined): string {
  if (value === undefined) return "";
  const raw = variable?.type === "string" || variable?.type === "enum";
  return raw && typeof value === "string" ? value : JSON.stringify(value);
}

function fill(content: Content, values: Map<string, Json | undefined>, byName: Map<string, Variable>): RenderOutcome {
  const texts: Record<string, string> = {};
  for (const [name, value] of values) texts[name] = asText(value, byName.get(name));
  if (content.type === "text") {
    const r = fillTemplate(content.body, texts);
    return r.ok ? { ok: true, rendered: { type: "text", body: r.text } } : tooLarge(r.bytes);
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
      for (const m of list) messages.push({ role: m.role, content: m.content });
      continue;
    }
    const r = fillTemplate(item.content, texts);
    if (!r.ok) return tooLarge(r.bytes);
    bytes += r.text.length;
    if (bytes > MAX_RENDERED_BYTES) return tooLarge(bytes);
    messages.push({ role: item.role, content: r.text });
  }
  const total = utf8Bytes(JSON.stringify(messages));
  if (total > MAX_RENDERED_BYTES) return tooLarge(total);
  return { ok: true, rendered: { type: "chat", messages } };
}

/**
 * Fills the template with `values`: strings and enum values as they are, numbers and booleans
 * as JSON text, `json` as compact JSON, `messages` spliced in where a chat placeholder stands.
 * Defaults fill missing optional variables. One issue per bad variable: missing and required, a
 * wrong type, outside `values`, or unknown to the contract (ignored when `strict` is false).
 */
export function render(
  content: Content,
  variables: Variable[],
  values: Record<string, unknown>,
  options: { strict?: boolean } = {},
): RenderOutcome {
  const strict = options.strict ?? true;
  const declared = effectiveVariables(content, variables);
  const byName = new Map(declared.map((v) => [v.name, v]));
  const issues: RenderIssue[] = [];
  const filled = new Map<string, Json | undefined>();
  for (const v of declared) {
    if (Object.hasOwn(values, v.name)) {
      const problem = valueProblem(v, values[v.name]);
      if (problem) issues.push({ path: ["variables", v.name], message: problem });
      else filled.set(v.name, values[v.name] as Json);
    } else if (v.default !== undefined) filled.set(v.name, v.default);
    else if (v.required) issues.push({ path: ["variables", v.name], message: `Required: this prompt needs ${v.name}` });
    else filled.set(v.name, undefined);
  }
  if (strict)
    for (const name of Object.keys(values))
      if (!byName.has(name))
        issues.push({ path: ["variables", name], message: "Not a variable of this prompt (?strict=false ignores it)" });
  if (issues.length > 0) return { ok: false, issues };
  return fill(content, filled, byName);
}

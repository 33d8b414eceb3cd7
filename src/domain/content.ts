import { createHash } from "node:crypto";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Config = { [key: string]: Json };

/**
 * JSON text as the value it spells, where any JSON value is acceptable: no schema applies, and
 * JSON.parse can answer nothing but a `Json` (it makes no functions, undefined or class
 * instances), so the type is exact. Throws JSON.parse's SyntaxError on text that is not JSON.
 * Data of a known shape is parsed through its schema instead (services/columns.ts, the input
 * schemas); this is for values that are arbitrary by design: a `json` variable's argument, a
 * file compared by value with the registry's.
 */
export function parseJson(text: string): Json {
  return JSON.parse(text);
}

/** JSON with object keys sorted and no whitespace, so equal content always has equal text. */
export function canonicalJson(value: Json): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k] as Json)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** R3: sha256 hex of the canonical JSON `{"body":…,"config":…}`. */
export function contentHash(body: string, config: Config): string {
  return sha256(canonicalJson({ body, config }));
}

/** docs/rules.md, chat prompts: a chat version's hash is taken over `{"config":…,"messages":…}` instead. */
export function chatContentHash(messages: Json[], config: Config): string {
  return sha256(canonicalJson({ config, messages }));
}

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

/** R5: forms send CRLF; every saved body is stored with LF line endings. */
export function normalizeBody(body: string): string {
  return body.replace(/\r\n?/g, "\n");
}

/** JSON nested deeper than this is refused: walking it recursively could overflow the stack. */
export const MAX_JSON_DEPTH = 64;

/** Whether `value` nests objects or arrays deeper than `max`; iterative, so it cannot overflow. */
export function nestedDeeperThan(value: unknown, max: number = MAX_JSON_DEPTH): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const [v, depth] = item;
    if (v === null || typeof v !== "object") continue;
    if (depth > max) return true;
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}

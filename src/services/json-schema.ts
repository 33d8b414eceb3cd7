import { type OutputUnit, type Schema, Validator } from "@cfworker/json-schema";
import { META_SCHEMAS } from "./json-schema-meta.js";

/**
 * The one module that knows the JSON Schema library (docs/contract.md, "JSON Schema"):
 * @cfworker/json-schema, draft 2020-12. It interprets schemas instead of compiling them to
 * code, so a large schema costs milliseconds, never seconds, and cannot overflow the stack.
 */

const DIALECT = "https://json-schema.org/draft/2020-12/schema";

/** `$dynamicRef: "#meta"` resolves to the dialect for a standard schema; the library does not follow it. */
function pointDynamicRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(pointDynamicRefs);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => (k === "$dynamicRef" ? ["$ref", DIALECT] : [k, pointDynamicRefs(v)])),
  );
}

let meta: Validator | null = null;
function metaValidator(): Validator {
  if (!meta) {
    const [dialect, ...vocabularies] = META_SCHEMAS.map((s) => pointDynamicRefs(s) as Schema);
    meta = new Validator(dialect as Schema, "2020-12", false);
    for (const vocabulary of vocabularies) meta.addSchema(vocabulary);
  }
  return meta;
}

export interface SchemaProblem {
  /** Where inside the schema, as keys and indexes from its root. */
  path: string[];
  message: string;
}

/** Keywords that only say "something below failed": the error worth showing is deeper. */
const WRAPPERS = new Set(["$ref", "allOf", "anyOf", "oneOf", "properties", "additionalProperties", "items", "$defs"]);

/** Why `schema` is not a valid draft 2020-12 JSON Schema (the deepest place it goes wrong), or null. */
export function schemaProblem(schema: unknown): SchemaProblem | null {
  const result = metaValidator().validate(schema);
  if (result.valid) return unresolvedRef(schema);
  const { path, detail } = deepest(result.errors);
  const where = path.length ? ` at ${path.join("/")}` : "";
  return { path, message: `Not valid JSON Schema (draft 2020-12)${where}: ${detail}` };
}

/** The most specific error: at the deepest place, from a keyword that is not a mere wrapper. */
function deepest(errors: OutputUnit[]): { path: string[]; detail: string } {
  const depth = (e: OutputUnit) => e.instanceLocation.split("/").length;
  const max = Math.max(...errors.map(depth));
  const here = errors.filter((e) => depth(e) === max);
  const leaf = here.find((e) => !WRAPPERS.has(e.keyword)) ?? here[0] ?? errors[0];
  const detail = (leaf?.error ?? "Does not match").replace(/^Instance/, "The value").replace(/\.$/, "");
  return { path: pointer(leaf?.instanceLocation ?? "#"), detail };
}

function pointer(location: string): string[] {
  return location
    .replace(/^#\/?/, "")
    .split("/")
    .filter((part) => part !== "")
    .map((part) => safeDecode(part).replaceAll("~1", "/").replaceAll("~0", "~"));
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/**
 * Every `$ref` must point inside the schema (`#/…` to a place that exists, or `#name` to an
 * `$anchor`): nothing is ever fetched, and a dangling one would fail only when a case reaches it.
 */
function unresolvedRef(schema: unknown): SchemaProblem | null {
  const anchors = new Set<string>();
  const refs: Array<{ ref: string; path: string[] }> = [];
  const stack: Array<[unknown, string[]]> = [[schema, []]];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const [node, path] = item;
    if (node === null || typeof node !== "object") continue;
    const entries = Object.entries(node);
    for (const [key, value] of entries) {
      if (key === "$ref" && typeof value === "string") refs.push({ ref: value, path: [...path, key] });
      if (key === "$anchor" && typeof value === "string") anchors.add(value);
      stack.push([value, [...path, key]]);
    }
  }
  for (const { ref, path } of refs) {
    const ok =
      ref.startsWith("#/") || ref === "#"
        ? resolves(schema, pointer(ref))
        : ref.startsWith("#") && anchors.has(ref.slice(1));
    if (!ok)
      return {
        path,
        message: `Not valid: $ref ${ref} points nowhere in this schema (only local references, #/… or #anchor)`,
      };
  }
  return null;
}

function resolves(schema: unknown, path: string[]): boolean {
  let node: unknown = schema;
  for (const key of path) {
    if (node === null || typeof node !== "object" || !Object.hasOwn(node, key)) return false;
    node = (node as Record<string, unknown>)[key];
  }
  return true;
}

/** A checker of values against one (valid) schema: null when `value` matches, else why not. */
export function schemaChecker(schema: object): (value: unknown) => string | null {
  const validator = new Validator(schema as Schema, "2020-12", false);
  return (value) => {
    const result = validator.validate(value);
    if (result.valid) return null;
    const { path, detail } = deepest(result.errors);
    return path.length ? `at ${path.join("/")}: ${detail}` : detail;
  };
}

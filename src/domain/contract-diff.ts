import { canonicalJson, type Json } from "./content.js";
import type { Contract, ResponseFormat, Tool, Variable, VariableType } from "./contract.js";
import type { Content } from "./prompt-content.js";
import { effectiveVariables } from "./render.js";

/**
 * The breaking-change report between two versions (docs/contract.md, "Breaking changes"): what
 * changed in their contracts, and whether a caller that worked with `from` can fail with `to`.
 */
export interface ContractChange {
  kind: "variable" | "tool" | "responseFormat";
  name: string;
  change: "added" | "removed" | "type" | "values" | "required" | "default" | "description" | "parameters" | "schema";
  breaking: boolean;
  /** The change in a prompt engineer's words, naming the version it happens in. */
  message: string;
}

export interface ContractSide {
  /** The version's label, e.g. "2.1". */
  version: string;
  content: Content;
  contract: Contract;
}

/** Every contract change from `from` to `to`, breaking ones first, each group in contract order. */
export function contractChanges(from: ContractSide, to: ContractSide): ContractChange[] {
  const v = `v${to.version}`;
  const changes = [
    ...variableChanges(effectiveVariables(from.content, from.contract), effectiveVariables(to.content, to.contract), v),
    ...toolChanges(from.contract.tools, to.contract.tools, v),
    ...responseFormatChanges(from.contract.responseFormat, to.contract.responseFormat, v),
  ];
  return [...changes.filter((c) => c.breaking), ...changes.filter((c) => !c.breaking)];
}

const code = (name: string) => `\`${name}\``;
const same = (a: unknown, b: unknown) => canonicalJson((a ?? null) as Json) === canonicalJson((b ?? null) as Json);
const typeText = (x: Variable) => (x.type === "enum" ? (x.values ?? []).join("|") : x.type);

function variableChanges(before: Variable[], after: Variable[], v: string): ContractChange[] {
  const was = new Map(before.map((x) => [x.name, x]));
  const now = new Map(after.map((x) => [x.name, x]));
  const out: ContractChange[] = [];
  const add = (name: string, change: ContractChange["change"], breaking: boolean, message: string) =>
    out.push({ kind: "variable", name, change, breaking, message });
  for (const x of after) {
    const old = was.get(x.name);
    if (!old) {
      if (x.required && x.default === undefined)
        add(
          x.name,
          "added",
          true,
          `${v} adds required variable ${code(x.name)} with no default: callers that don't send it will fail`,
        );
      else add(x.name, "added", false, `${v} adds optional variable ${code(x.name)}${defaultText(x)}`);
      continue;
    }
    out.push(...changedVariable(old, x, v));
  }
  for (const x of before)
    if (!now.has(x.name))
      add(
        x.name,
        "removed",
        true,
        `${v} removes variable ${code(x.name)}: callers that still send it are refused by a strict render`,
      );
  return out;
}

const defaultText = (x: Variable) => (x.default === undefined ? "" : ` (default ${JSON.stringify(x.default)})`);

/** Types a value of `from` is always also a valid value of: a change to one of them breaks no caller. */
const WIDER: Record<VariableType, VariableType[]> = {
  string: ["json"],
  number: ["json"],
  boolean: ["json"],
  enum: ["string", "json"],
  json: [],
  messages: ["json"],
};

function changedVariable(old: Variable, x: Variable, v: string): ContractChange[] {
  const out: ContractChange[] = [];
  const n = code(x.name);
  const add = (change: ContractChange["change"], breaking: boolean, message: string) =>
    out.push({ kind: "variable", name: x.name, change, breaking, message });
  if (old.type !== x.type) {
    const wider = WIDER[old.type].includes(x.type);
    add(
      "type",
      !wider,
      wider
        ? `${v} widens ${n} from ${typeText(old)} to ${typeText(x)}: every value callers send still fits`
        : `${v} changes ${n} from ${typeText(old)} to ${typeText(x)}: callers that send a ${typeText(old)} will fail`,
    );
  } else if (x.type === "enum") {
    const removed = (old.values ?? []).filter((value) => !(x.values ?? []).includes(value));
    const added = (x.values ?? []).filter((value) => !(old.values ?? []).includes(value));
    if (removed.length > 0)
      add(
        "values",
        true,
        `${v} removes ${removed.map(code).join(", ")} from ${n}: callers that send ${removed.length > 1 ? "them" : "it"} will fail`,
      );
    else if (added.length > 0) add("values", false, `${v} adds ${added.map(code).join(", ")} to ${n}`);
  }
  const oldNeeded = old.required && old.default === undefined;
  const needed = x.required && x.default === undefined;
  if (!oldNeeded && needed)
    add("required", true, `${v} makes ${n} required with no default: callers that don't send it will fail`);
  else if (oldNeeded && !needed) add("required", false, `${v} makes ${n} optional${defaultText(x)}`);
  else if (!same(old.default, x.default) && x.default !== undefined && old.default !== undefined)
    add(
      "default",
      false,
      `${v} changes the default of ${n} from ${JSON.stringify(old.default)} to ${JSON.stringify(x.default)}`,
    );
  if ((old.description ?? "") !== (x.description ?? ""))
    add("description", false, `${v} rewords the description of ${n}`);
  return out;
}

function toolChanges(before: Tool[], after: Tool[], v: string): ContractChange[] {
  const was = new Map(before.map((t) => [t.function.name, t.function]));
  const now = new Map(after.map((t) => [t.function.name, t.function]));
  const out: ContractChange[] = [];
  const add = (name: string, change: ContractChange["change"], breaking: boolean, message: string) =>
    out.push({ kind: "tool", name, change, breaking, message });
  for (const t of after) {
    const n = code(t.function.name);
    const old = was.get(t.function.name);
    if (!old) add(t.function.name, "added", false, `${v} adds tool ${n}`);
    else if (!same(old.parameters, t.function.parameters) || (old.strict ?? false) !== (t.function.strict ?? false))
      add(
        t.function.name,
        "parameters",
        true,
        `${v} changes the parameters of tool ${n}: code that handles its calls must be checked`,
      );
    else if ((old.description ?? "") !== (t.function.description ?? ""))
      add(t.function.name, "description", false, `${v} rewords the description of tool ${n}`);
  }
  for (const t of before)
    if (!now.has(t.function.name))
      add(
        t.function.name,
        "removed",
        true,
        `${v} removes tool ${code(t.function.name)}: callers that offer or expect it will fail`,
      );
  return out;
}

const formatText = (f: ResponseFormat | null) =>
  f === null
    ? "free text"
    : f.type === "json_object"
      ? "any JSON object"
      : `JSON matching schema ${code(f.json_schema.name)}`;

function responseFormatChanges(old: ResponseFormat | null, now: ResponseFormat | null, v: string): ContractChange[] {
  if (same(old, now)) return [];
  const name =
    now?.type === "json_schema"
      ? now.json_schema.name
      : old?.type === "json_schema"
        ? old.json_schema.name
        : "response";
  const schemaOf = (f: ResponseFormat | null) => (f?.type === "json_schema" ? f.json_schema.schema : null);
  const breaking = old?.type !== now?.type || !same(schemaOf(old), schemaOf(now));
  const message = breaking
    ? old?.type === now?.type
      ? `${v} changes the response schema ${code(name)}: code that parses the answer must be checked`
      : `${v} changes the response format from ${formatText(old)} to ${formatText(now)}: code that parses the answer must be checked`
    : `${v} renames or rewords the response format (the schema is the same)`;
  return [{ kind: "responseFormat", name, change: "schema", breaking, message }];
}

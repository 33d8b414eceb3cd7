import { canonicalJson, type Json, MAX_JSON_DEPTH, nestedDeeperThan } from "./content.js";
import { isVariableName } from "./template.js";

/**
 * The prompt contract (docs/contract.md): what a version promises its callers besides its text.
 * Typed variables, OpenAI-style function tools and a response format, versioned with the body
 * and covered by its content hash.
 */
export const VARIABLE_TYPES = ["string", "number", "boolean", "enum", "json", "messages"] as const;
export type VariableType = (typeof VARIABLE_TYPES)[number];

export interface Variable {
  name: string;
  type: VariableType;
  /** False when the variable has a default, or was declared optional. */
  required: boolean;
  default?: Json;
  description?: string;
  /** The allowed values of an `enum`. */
  values?: string[];
}

export interface Tool {
  type: "function";
  function: { name: string; description?: string; parameters: { [key: string]: Json }; strict?: boolean };
}

export type ResponseFormat =
  | { type: "json_object" }
  | {
      type: "json_schema";
      json_schema: { name: string; schema: { [key: string]: Json }; strict?: boolean; description?: string };
    };

export interface Contract {
  variables: Variable[];
  tools: Tool[];
  responseFormat: ResponseFormat | null;
}

export const EMPTY_CONTRACT: Contract = Object.freeze({ variables: [], tools: [], responseFormat: null }) as Contract;

export const MAX_VARIABLES = 100;
export const MAX_TOOLS = 128;
export const MAX_ENUM_VALUES = 100;
export const MAX_DESCRIPTION_CHARS = 1000;
/** One JSON Schema (a tool's parameters, the response schema), as canonical JSON. */
export const MAX_SCHEMA_BYTES = 64 * 1024;
/** The stored columns: every variable with its default; every tool. */
export const MAX_VARIABLES_BYTES = 256 * 1024;
export const MAX_TOOLS_BYTES = 512 * 1024;
export const MAX_RESPONSE_FORMAT_BYTES = MAX_SCHEMA_BYTES + 1024;

/** OpenAI's rule for function and response-schema names. */
const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;

export function isEmptyContract(c: Contract): boolean {
  return c.variables.length === 0 && c.tools.length === 0 && c.responseFormat === null;
}

/**
 * The contract's part of the content hash: each field only when it is not empty, so that a
 * version without a contract keeps the hash it had before contracts existed.
 */
export function contractHashFields(c: Contract): { [key: string]: Json } {
  return {
    ...(c.responseFormat ? { responseFormat: c.responseFormat as unknown as Json } : {}),
    ...(c.tools.length > 0 ? { tools: c.tools as unknown as Json } : {}),
    ...(c.variables.length > 0 ? { variables: c.variables as unknown as Json } : {}),
  };
}

/**
 * A config as Langfuse's SDKs read it: the version's config with `tools` and `response_format`
 * inside it when the contract has them (docs/contract.md, "Where the contract shows").
 */
export function configWithContract(config: { [key: string]: Json }, c: Pick<Contract, "tools" | "responseFormat">) {
  return {
    ...config,
    ...(c.tools.length > 0 ? { tools: c.tools as unknown as Json } : {}),
    ...(c.responseFormat ? { response_format: c.responseFormat as unknown as Json } : {}),
  };
}

/** The three stored columns, canonical JSON (null for no response format). */
export function storedContract(c: Contract) {
  return {
    variables: canonicalJson(c.variables as unknown as Json),
    tools: canonicalJson(c.tools as unknown as Json),
    responseFormat: c.responseFormat ? canonicalJson(c.responseFormat as unknown as Json) : null,
  };
}

export interface ContractIssue {
  path: Array<string | number>;
  message: string;
}

type Obj = { [key: string]: unknown };
const isObject = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);
const bytes = (v: unknown) => Buffer.byteLength(canonicalJson(v as Json), "utf8");

/**
 * Checks a contract as an API or a form sends it and answers it in stored form (type and
 * required always present; a default makes a variable optional; empty descriptions dropped),
 * or every problem with its path. JSON Schema validity is checked apart (the validator is a
 * library, not domain code); this checks shape, names, types, defaults and limits.
 */
export function checkContract(input: {
  variables?: unknown;
  tools?: unknown;
  responseFormat?: unknown;
}): { ok: true; contract: Contract } | { ok: false; issues: ContractIssue[] } {
  const issues: ContractIssue[] = [];
  const variables = checkVariables(input.variables ?? [], issues);
  const tools = checkTools(input.tools ?? [], issues);
  const responseFormat = checkResponseFormat(input.responseFormat ?? null, issues);
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, contract: { variables, tools, responseFormat } };
}

function checkVariables(value: unknown, issues: ContractIssue[]): Variable[] {
  if (!Array.isArray(value)) {
    issues.push({ path: ["variables"], message: "Give the variables as a list" });
    return [];
  }
  if (value.length > MAX_VARIABLES)
    issues.push({ path: ["variables"], message: `A prompt declares at most ${MAX_VARIABLES} variables` });
  const seen = new Set<string>();
  const out: Variable[] = [];
  value.slice(0, MAX_VARIABLES).forEach((entry, i) => {
    const variable = checkVariable(entry, ["variables", i], issues);
    if (!variable) return;
    if (seen.has(variable.name))
      issues.push({ path: ["variables", i, "name"], message: `${variable.name} is declared twice` });
    seen.add(variable.name);
    out.push(variable);
  });
  if (issues.length === 0 && bytes(out) > MAX_VARIABLES_BYTES)
    issues.push({ path: ["variables"], message: "The variables are over 256 KiB of JSON" });
  return out;
}

const VARIABLE_KEYS = new Set(["name", "type", "required", "default", "description", "values"]);

function checkVariable(entry: unknown, path: Array<string | number>, issues: ContractIssue[]): Variable | null {
  if (!isObject(entry)) {
    issues.push({ path, message: "A variable is an object {name, type, required, default, description, values}" });
    return null;
  }
  const before = issues.length;
  for (const key of Object.keys(entry))
    if (!VARIABLE_KEYS.has(key)) issues.push({ path: [...path, key], message: `Unknown field ${key}` });
  const { name, type = "string", required, description, values } = entry;
  if (typeof name !== "string" || !isVariableName(name))
    issues.push({
      path: [...path, "name"],
      message: "Name it like a placeholder: 1–64 letters, digits, _ . -, starting with a letter or _",
    });
  if (!VARIABLE_TYPES.includes(type as VariableType))
    issues.push({ path: [...path, "type"], message: `Use one of ${VARIABLE_TYPES.join(", ")}` });
  if (required !== undefined && typeof required !== "boolean")
    issues.push({ path: [...path, "required"], message: "required is true or false" });
  if (description !== undefined && (typeof description !== "string" || description.length > MAX_DESCRIPTION_CHARS))
    issues.push({
      path: [...path, "description"],
      message: `A description is text of up to ${MAX_DESCRIPTION_CHARS} characters`,
    });
  const enumValues = type === "enum" ? checkEnumValues(values, [...path, "values"], issues) : undefined;
  if (type !== "enum" && values !== undefined)
    issues.push({ path: [...path, "values"], message: "Only an enum variable has values" });
  if (issues.length > before) return null;
  const variable: Variable = { name: name as string, type: type as VariableType, required: required !== false };
  if (Object.hasOwn(entry, "default")) {
    const problem = defaultProblem(variable.type, entry.default, enumValues);
    if (problem) {
      issues.push({ path: [...path, "default"], message: problem });
      return null;
    }
    variable.default = entry.default as Json;
    variable.required = false;
  }
  if (typeof description === "string" && description.trim() !== "") variable.description = description;
  if (enumValues) variable.values = enumValues;
  return variable;
}

function checkEnumValues(values: unknown, path: Array<string | number>, issues: ContractIssue[]): string[] | undefined {
  if (!Array.isArray(values) || values.length === 0) {
    issues.push({ path, message: "An enum needs its values: a list of at least one text" });
    return undefined;
  }
  if (values.length > MAX_ENUM_VALUES) issues.push({ path, message: `An enum has at most ${MAX_ENUM_VALUES} values` });
  else if (values.some((v) => typeof v !== "string" || v.length === 0 || v.length > 200))
    issues.push({ path, message: "Each value is a text of 1–200 characters" });
  else if (new Set(values).size !== values.length) issues.push({ path, message: "A value is listed twice" });
  else return values as string[];
  return undefined;
}

/** Why `value` cannot be the default of a variable of `type`, or null when it can. */
export function defaultProblem(type: VariableType, value: unknown, values?: string[]): string | null {
  const problem = valueProblem({ type, ...(values ? { values } : {}) }, value);
  return problem && `The default ${problem.replace(/^Expected/, "must be")}`;
}

/**
 * Why `value` is not a value of a variable of this type, or null when it is: what strict
 * rendering checks for every variable sent, and saving for every default.
 */
export function valueProblem(
  variable: { type: VariableType; values?: string[] | undefined },
  value: unknown,
): string | null {
  switch (variable.type) {
    case "string":
      return typeof value === "string" ? null : "Expected a string";
    case "number":
      return typeof value === "number" && Number.isFinite(value) ? null : "Expected a number";
    case "boolean":
      return typeof value === "boolean" ? null : "Expected true or false";
    case "enum":
      if (typeof value !== "string") return `Expected one of ${(variable.values ?? []).join(", ")}`;
      return variable.values?.includes(value) ? null : `Expected one of ${(variable.values ?? []).join(", ")}`;
    case "json":
      if (value === undefined) return "Expected JSON";
      return nestedDeeperThan(value) ? `Expected JSON nested at most ${MAX_JSON_DEPTH} levels deep` : null;
    case "messages":
      return isMessageList(value) ? null : "Expected a list of {role, content} messages";
  }
}

const ROLES = new Set(["system", "user", "assistant"]);

/** A list of `{role, content}` messages with system, user or assistant roles, and nothing else. */
export function isMessageList(value: unknown): value is Array<{ role: string; content: string }> {
  return (
    Array.isArray(value) &&
    value.every(
      (m) =>
        isObject(m) &&
        Object.keys(m).length === 2 &&
        typeof m.role === "string" &&
        ROLES.has(m.role) &&
        typeof m.content === "string",
    )
  );
}

function checkTools(value: unknown, issues: ContractIssue[]): Tool[] {
  if (!Array.isArray(value)) {
    issues.push({ path: ["tools"], message: "Give the tools as a list" });
    return [];
  }
  if (value.length > MAX_TOOLS) {
    issues.push({ path: ["tools"], message: `A prompt has at most ${MAX_TOOLS} tools (this has ${value.length})` });
    return [];
  }
  const seen = new Set<string>();
  const out: Tool[] = [];
  value.forEach((entry, i) => {
    const tool = checkTool(entry, ["tools", i], issues);
    if (!tool) return;
    if (seen.has(tool.function.name))
      issues.push({
        path: ["tools", i, "function", "name"],
        message: `A tool named ${tool.function.name} exists already`,
      });
    seen.add(tool.function.name);
    out.push(tool);
  });
  if (issues.length === 0 && bytes(out) > MAX_TOOLS_BYTES)
    issues.push({ path: ["tools"], message: "The tools are over 512 KiB of JSON" });
  return out;
}

function checkTool(entry: unknown, path: Array<string | number>, issues: ContractIssue[]): Tool | null {
  const shape = 'A tool is {"type": "function", "function": {"name", "description", "parameters"}}';
  if (!isObject(entry) || entry.type !== "function" || !isObject(entry.function) || Object.keys(entry).length !== 2) {
    issues.push({ path, message: shape });
    return null;
  }
  const fn = namedSchema(entry.function, "parameters", [...path, "function"], issues);
  if (!fn) return null;
  const { schema: parameters, ...rest } = fn;
  return { type: "function", function: { ...rest, parameters } };
}

/**
 * A tool's function and a response format's json_schema have one shape: a name (OpenAI's rule),
 * a JSON Schema under `schemaKey`, an optional description and `strict`, nothing else. Answers it
 * in stored form (an empty description dropped), or null with its issues added.
 */
function namedSchema(
  value: Obj,
  schemaKey: "parameters" | "schema",
  at: Array<string | number>,
  issues: ContractIssue[],
): { name: string; schema: { [key: string]: Json }; description?: string; strict?: boolean } | null {
  const before = issues.length;
  for (const key of Object.keys(value))
    if (!["name", "description", schemaKey, "strict"].includes(key))
      issues.push({ path: [...at, key], message: `Unknown field ${key}` });
  if (typeof value.name !== "string" || !TOOL_NAME.test(value.name))
    issues.push({ path: [...at, "name"], message: "A name is 1–64 characters of a-z, A-Z, 0-9, _ and -" });
  if (value.description !== undefined && (typeof value.description !== "string" || value.description.length > 4000))
    issues.push({ path: [...at, "description"], message: "A description is text of up to 4,000 characters" });
  if (value.strict !== undefined && typeof value.strict !== "boolean")
    issues.push({ path: [...at, "strict"], message: "strict is true or false" });
  schemaShape(value[schemaKey], [...at, schemaKey], issues);
  if (issues.length > before) return null;
  return {
    name: value.name as string,
    ...(typeof value.description === "string" && value.description !== "" ? { description: value.description } : {}),
    schema: value[schemaKey] as { [key: string]: Json },
    ...(typeof value.strict === "boolean" ? { strict: value.strict } : {}),
  };
}

/** A JSON Schema's outer shape and size (its draft 2020-12 validity is the validator's). */
function schemaShape(schema: unknown, path: Array<string | number>, issues: ContractIssue[]): void {
  if (!isObject(schema)) {
    issues.push({ path, message: "Give a JSON Schema: an object" });
    return;
  }
  const size = Buffer.byteLength(JSON.stringify(schema), "utf8");
  if (size > MAX_SCHEMA_BYTES)
    issues.push({ path, message: `The schema is ${size.toLocaleString("en")} bytes: at most 64 KiB` });
  else if (nestedDeeperThan(schema)) issues.push({ path, message: `Nested more than ${MAX_JSON_DEPTH} levels deep` });
}

function checkResponseFormat(value: unknown, issues: ContractIssue[]): ResponseFormat | null {
  const path = ["responseFormat"];
  if (value === null) return null;
  const shape =
    'Use null, {"type": "json_object"} or {"type": "json_schema", "json_schema": {"name", "schema", "strict"}}';
  if (!isObject(value)) {
    issues.push({ path, message: shape });
    return null;
  }
  if (value.type === "json_object" && Object.keys(value).length === 1) return { type: "json_object" };
  if (value.type !== "json_schema" || !isObject(value.json_schema) || Object.keys(value).length !== 2) {
    issues.push({ path, message: shape });
    return null;
  }
  const schema = namedSchema(value.json_schema, "schema", [...path, "json_schema"], issues);
  return schema ? { type: "json_schema", json_schema: schema } : null;
}

/**
 * The three stored columns back as a contract; null when they are not a well-formed contract in
 * stored (canonical) form. The database's hash check calls this (src/db/connect.ts), so a row
 * with a malformed contract is refused even to raw SQL.
 */
export function parseStoredContract(variables: unknown, tools: unknown, responseFormat: unknown): Contract | null {
  if (typeof variables !== "string" || typeof tools !== "string") return null;
  if (responseFormat !== null && typeof responseFormat !== "string") return null;
  try {
    const raw = {
      variables: JSON.parse(variables) as unknown,
      tools: JSON.parse(tools) as unknown,
      responseFormat: responseFormat === null ? null : (JSON.parse(responseFormat) as unknown),
    };
    const checked = checkContract(raw);
    if (!checked.ok) return null;
    const stored = storedContract(checked.contract);
    const same = stored.variables === variables && stored.tools === tools && stored.responseFormat === responseFormat;
    return same ? checked.contract : null;
  } catch {
    return null;
  }
}

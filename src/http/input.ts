import type { Context } from "hono";
import { MAX_JSON_DEPTH, nestedDeeperThan } from "../domain/content.js";
import { DomainError } from "../domain/errors.js";
import { describeJsonError, jsonSyntaxError } from "../domain/json-syntax.js";
import { NUL_MESSAGE } from "../domain/text.js";
import { countFormFields, MAX_FORM_FIELDS, MAX_JSON_VALUES, withinJsonBudget } from "./body-budget.js";

/** How form fields become the values a JSON body would carry (docs/api.md). */
export interface FormFields {
  /** Sent as JSON text (`config`, `variables`, `assertions`); blank means absent. */
  json?: string[];
  /** Sent as digits (`revision`); blank means absent. */
  int?: string[];
  /** Checkboxes (`major`): present and not "false" means true. */
  bool?: string[];
}

function refuseDeep(key: string, value: unknown): void {
  if (!nestedDeeperThan(value)) return;
  const message = `Nested more than ${MAX_JSON_DEPTH} levels deep`;
  throw new DomainError("validation_failed", `${key}: ${message}`, [{ path: key, message }]);
}

/** Whether the request carries an HTML form body (urlencoded or multipart). */
export function isForm(c: Context): boolean {
  return /^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(c.req.header("content-type") ?? "");
}

type FormBody = Record<string, string | File | Array<string | File>>;

/**
 * The request's form fields (`all`: repeated names as arrays). A malformed multipart body is
 * `bad_request` (it was a 500); a lone UTF-16 surrogate or a NUL in any field is `validation_failed`.
 * Hono caches the parsed body, so routes may read it more than once.
 */
export async function readForm(c: Context, options: { all?: boolean } = {}): Promise<FormBody> {
  // Read once (Hono keeps the bytes for parseBody) and counted before any parser sees them.
  const bytes = new Uint8Array(await c.req.arrayBuffer());
  if (countFormFields(bytes, c.req.header("content-type") ?? "") > MAX_FORM_FIELDS)
    throw new DomainError("payload_too_large", `The form has more than ${MAX_FORM_FIELDS.toLocaleString("en")} fields`);
  let form: FormBody;
  try {
    form = (await c.req.parseBody({ all: options.all ?? false })) as FormBody;
  } catch {
    throw new DomainError("bad_request", "The form body could not be read (malformed multipart or urlencoded data)");
  }
  refuseNonText(form);
  return form;
}

/**
 * Text with a lone UTF-16 surrogate ("A\ud800B" in JSON) has no UTF-8 form; stored, it came
 * back as replacement characters whose hash no longer matched contentHash. A NUL character
 * (U+0000) is text PostgreSQL cannot store, so no text here holds one on either engine
 * (limits.md#no-nul-characters). Refused with the path of the first such string. Iterative, so
 * any depth is safe.
 */
const LONE_SURROGATE = /\p{Surrogate}/u; // in u mode a well-formed pair is one code point, not Cs

function problemOf(text: string): string | null {
  if (text.includes("\u0000")) return NUL_MESSAGE;
  if (LONE_SURROGATE.test(text)) return "Contains a lone UTF-16 surrogate, which is not text (send valid Unicode)";
  return null;
}

function refuseNonText(value: unknown, root = ""): void {
  const stack: Array<[unknown, string]> = [[value, root]];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const [v, path] = item;
    if (typeof v === "string") {
      const message = problemOf(v);
      if (message) {
        throw new DomainError("validation_failed", `${path || "(input)"}: ${message}`, [
          { path: path || "(input)", message },
        ]);
      }
    } else if (v !== null && typeof v === "object") {
      for (const [key, child] of Object.entries(v)) {
        // A bad key is reported at its object (the key itself is not printable), before its value.
        stack.push([child, path ? `${path}.${key}` : key], [key, path]);
      }
    }
  }
}

/**
 * Reads a request body, form or JSON, into one plain object for a zod schema. An unparseable
 * body is `bad_request`; a form field holding bad JSON is a `validation_failed` issue on that field.
 */
export async function readInput(
  c: Context,
  fields: FormFields = {},
  /** A route whose input is data, not settings, may take more (a render's variables: docs/contract.md). */
  maxJsonValues = MAX_JSON_VALUES,
): Promise<Record<string, unknown>> {
  if (isForm(c)) return formToInput(await readForm(c), fields);
  const text = await c.req.text();
  if (text.trim() === "") return {};
  if (!withinJsonBudget(text, maxJsonValues))
    throw new DomainError(
      "payload_too_large",
      `The JSON body holds more than ${maxJsonValues.toLocaleString("en")} values (objects, arrays, strings, numbers)`,
    );
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    const at = jsonSyntaxError(text);
    const where = at ? ` (line ${at.line}, column ${at.column}: ${at.problem})` : "";
    throw new DomainError("bad_request", `The request body is not valid JSON${where}`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new DomainError("bad_request", "The request body must be a JSON object");
  }
  refuseUnreadableJson(parsed);
  return parsed as Record<string, unknown>;
}

/**
 * What every JSON body is refused for once parsed (422 validation_failed): a value nested deeper
 * than the contract's limit, or a lone UTF-16 surrogate or a NUL anywhere in it.
 */
export function refuseUnreadableJson(parsed: object): void {
  for (const [key, value] of Object.entries(parsed)) refuseDeep(key, value);
  refuseNonText(parsed);
}

function formToInput(form: Record<string, unknown>, fields: FormFields): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(form)) {
    if (typeof raw !== "string") continue;
    if (fields.json?.includes(key)) {
      if (raw.trim() !== "") input[key] = parseJsonField(key, raw);
    } else if (fields.int?.includes(key)) {
      if (raw.trim() !== "") input[key] = /^\d{1,15}$/.test(raw.trim()) ? Number(raw.trim()) : raw;
    } else if (fields.bool?.includes(key)) {
      input[key] = raw !== "false";
    } else {
      input[key] = raw;
    }
  }
  return input;
}

function parseJsonField(key: string, raw: string): unknown {
  if (!withinJsonBudget(raw)) {
    const message = `Holds more than ${MAX_JSON_VALUES.toLocaleString("en")} values (objects, arrays, strings, numbers)`;
    throw new DomainError("validation_failed", `${key}: ${message}`, [{ path: key, message }]);
  }
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    const message = describeJsonError(raw);
    throw new DomainError("validation_failed", `${key}: ${message}`, [{ path: key, message }]);
  }
  refuseDeep(key, value);
  // The field's text was clean, but its JSON may spell one ("\u0000").
  refuseNonText(value, key);
  return value;
}

/**
 * Splits the ad-hoc variable inputs (`var.<name>` form fields, blank ones left out) from the
 * other fields of a form: the Test form sends them, and so does the editor's Save and test.
 */
export function splitVariables(fields: Record<string, unknown>): {
  variables: Record<string, string>;
  rest: Record<string, unknown>;
} {
  const variables: Record<string, string> = {};
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (!key.startsWith("var.")) rest[key] = value;
    // Their boxes are textareas: forms send CRLF line ends, the values are LF like every saved text.
    else if (typeof value === "string" && value !== "") variables[key.slice(4)] = value.replace(/\r\n?/g, "\n");
  }
  return { variables, rest };
}

/**
 * docs/rules.md, TEST: a variable name is 1–64 characters of Unicode letters and digits, `_`, `-` and `.`,
 * starting with a letter or `_` ({{имя}} and {{ العميل }} are variables). After the first
 * character, combining marks count as part of a letter, so that words of scripts that write
 * vowels as marks (नाम) stay whole.
 */
const NAME = String.raw`[\p{L}_][\p{L}\p{M}\p{Nd}_.\-]{0,63}`;

/** `{{name}}` placeholders, spaces inside the braces allowed. */
const PLACEHOLDER = new RegExp(String.raw`\{\{\s*(${NAME})\s*\}\}`, "gu");
const WHOLE_NAME = new RegExp(`^${NAME}$`, "u");

/** Whether `name` is a template variable name (the names a placeholder can hold). */
export function isVariableName(name: string): boolean {
  return WHOLE_NAME.test(name);
}

/** The distinct variable names of a template, in order of first use. */
export function templateVariables(body: string): string[] {
  const names = new Set<string>();
  for (const match of body.matchAll(PLACEHOLDER)) names.add(match[1] as string);
  return [...names];
}

/** docs/limits.md: a rendered prompt over this many bytes (UTF-8) is a case error. */
export const MAX_RENDERED_BYTES = 1_000_000;

export type RenderResult =
  | { ok: true; text: string }
  | { ok: false; missing: string[] }
  | { ok: false; missing: []; tooLarge: number };

/** The template cut into literal text and placeholders, in order (for highlighting). */
export function templateParts(body: string): Array<{ text: string; variable: string | null }> {
  const parts: Array<{ text: string; variable: string | null }> = [];
  let last = 0;
  for (const match of body.matchAll(PLACEHOLDER)) {
    if (match.index > last) parts.push({ text: body.slice(last, match.index), variable: null });
    parts.push({ text: match[0], variable: match[1] as string });
    last = match.index + match[0].length;
  }
  if (last < body.length) parts.push({ text: body.slice(last), variable: null });
  return parts;
}

/**
 * Fills every placeholder; a placeholder without a value makes the result an error, not a
 * crash. The size is added up first, so a small template repeating a large value (a 25 KB body
 * of {{a}} with a 100,000-character a) is refused without ever building the gigabytes.
 */
export function renderTemplate(body: string, variables: Record<string, string>): RenderResult {
  const missing = templateVariables(body).filter((name) => !Object.hasOwn(variables, name));
  if (missing.length > 0) return { ok: false, missing };
  const bytes = renderedBytes(body, variables);
  if (bytes > MAX_RENDERED_BYTES) return { ok: false, missing: [], tooLarge: bytes };
  return { ok: true, text: body.replace(PLACEHOLDER, (_, name: string) => variables[name] ?? "") };
}

function renderedBytes(body: string, variables: Record<string, string>): number {
  const sizes = new Map<string, number>();
  let bytes = Buffer.byteLength(body, "utf8");
  for (const match of body.matchAll(PLACEHOLDER)) {
    const name = match[1] as string;
    let size = sizes.get(name);
    if (size === undefined) {
      size = Buffer.byteLength(variables[name] ?? "", "utf8");
      sizes.set(name, size);
    }
    bytes += size - Buffer.byteLength(match[0], "utf8");
  }
  return bytes;
}

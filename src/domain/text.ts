/**
 * No text holds a NUL character (U+0000), on either engine (limits.md#no-nul-characters):
 * PostgreSQL's text cannot store one, and a registry SQLite kept with one could never move to
 * PostgreSQL. Requests and import files are refused where they carry one.
 */
export const NUL_MESSAGE = "Contains a NUL character (U+0000), which no text may hold";

/**
 * Where the first string holding a NUL is in a parsed JSON value: its dotted path ("" for the
 * value itself; a key is reported at its object), or null when there is none. Iterative, so any
 * depth is safe.
 */
export function nulAt(value: unknown): string | null {
  const stack: Array<[unknown, string]> = [[value, ""]];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const [v, path] = item;
    if (typeof v === "string") {
      if (v.includes("\u0000")) return path;
    } else if (v !== null && typeof v === "object") {
      for (const [key, child] of Object.entries(v)) stack.push([child, path ? `${path}.${key}` : key], [key, path]);
    }
  }
  return null;
}

/** JSON as it travels. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * The server's canonical JSON: object keys sorted (by UTF-16 code units, as Array.prototype.sort
 * does), no whitespace, strings and numbers as JSON.stringify writes them. Equal content always
 * gives equal text, whatever order or layout a file had.
 */
export function canonicalJson(value: Json): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k] as Json)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** SHA-256 of the UTF-8 text, in hex, with Web Crypto: Node 20, Deno, Bun, browsers, workers. */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

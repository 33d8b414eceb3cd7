/**
 * SPEC §2/§7: where a stage environment may send its API key, and which variable may hold it.
 * The key goes only to `{baseUrl}/chat/completions`, so the base URL is an http(s) URL without
 * credentials, query or fragment (`?`/`#` would turn the path the client appends into a query
 * and reach any route of any server), and the key variable is named PROMPTRAIL_…_KEY, so that
 * settings can never send the server's other variables (PROMPTRAIL_DB, a token…) anywhere.
 */
export const API_KEY_ENV = /^PROMPTRAIL_[A-Z0-9][A-Z0-9_]*_KEY$/;
export const MAX_BASE_URL = 2000;

/** The base URL to store (normalized: lower-case scheme and host, no trailing slash) or why not. */
export function checkBaseUrl(raw: string): { ok: true; url: string } | { ok: false; error: string } {
  const value = raw.trim();
  if (value.length > MAX_BASE_URL) return { ok: false, error: "Keep the URL under 2,000 characters" };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { ok: false, error: "Give an http:// or https:// URL, e.g. https://api.openai.com/v1" };
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || url.hostname === "")
    return { ok: false, error: "Give an http:// or https:// URL, e.g. https://api.openai.com/v1" };
  if (url.username !== "" || url.password !== "")
    return { ok: false, error: "Put credentials in the key variable, not in the URL" };
  // Checked on the text: `https://x/v1?` parses to an empty query, yet would still cut the path.
  if (/[?#]/.test(value))
    return { ok: false, error: "No query (?) or fragment (#): the key goes only to {baseUrl}/chat/completions" };
  return { ok: true, url: url.href.replace(/\/+$/, "") };
}

/** The one URL a key is ever sent to. */
export function chatCompletionsUrl(baseUrl: string): string {
  return new URL(`${baseUrl.replace(/\/+$/, "")}/chat/completions`).href;
}

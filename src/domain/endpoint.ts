import { addressKind, addressRefusal, modelMayReach } from "./addresses.js";

/**
 * docs/rules.md, TEST and docs/limits.md: where a stage environment may send its API key, and which variable may hold it.
 * The key goes only to `{baseUrl}/chat/completions`, so the base URL is an http(s) URL without
 * credentials, query or fragment (`?`/`#` would turn the path the client appends into a query
 * and reach any route of any server), and the key variable is named PROMPTRAIL_…_KEY, so that
 * settings can never send the server's other variables (PROMPTRAIL_DB, a token…) anywhere.
 */
export const API_KEY_ENV = /^PROMPTRAIL_[A-Z0-9][A-Z0-9_]*_KEY$/;
export const MAX_BASE_URL = 2000;

export type UrlCheck = { ok: true; url: string } | { ok: false; error: string };

/**
 * An http(s) URL of at most 2,000 characters with a host and without credentials, parsed, or
 * why not (`example` shows what to give; `credentials` says where credentials go instead).
 */
export function httpUrl(
  value: string,
  messages: { example: string; credentials: string },
): { ok: true; url: URL } | { ok: false; error: string } {
  if (value.length > MAX_BASE_URL) return { ok: false, error: "Keep the URL under 2,000 characters" };
  const wrong = { ok: false as const, error: `Give an http:// or https:// URL, e.g. ${messages.example}` };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return wrong;
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || url.hostname === "") return wrong;
  if (url.username !== "" || url.password !== "") return { ok: false, error: messages.credentials };
  return { ok: true, url };
}

/**
 * Why a model's base URL may not name this host, when that is known without DNS (an IP
 * address, however written: `[::ffff:a9fe:a9fe]` is 169.254.169.254), or null.
 */
export function baseUrlHostRefusal(hostname: string): string | null {
  const host = hostname.replace(/^\[|\]$/g, "");
  const kind = addressKind(host);
  return kind && !modelMayReach(kind)
    ? `${host} is ${addressRefusal(kind).replace(/;.*$/, "")}; a model is never called there`
    : null;
}

/** The base URL to store (normalized: lower-case scheme and host, no trailing slash) or why not. */
export function checkBaseUrl(raw: string): UrlCheck {
  const value = raw.trim();
  const parsed = httpUrl(value, {
    example: "https://api.openai.com/v1",
    credentials: "Put credentials in the key variable, not in the URL",
  });
  if (!parsed.ok) return parsed;
  // Checked on the text: `https://x/v1?` parses to an empty query, yet would still cut the path.
  if (/[?#]/.test(value))
    return { ok: false, error: "No query (?) or fragment (#): the key goes only to {baseUrl}/chat/completions" };
  const refused = baseUrlHostRefusal(parsed.url.hostname);
  if (refused) return { ok: false, error: `Not allowed: ${refused}` };
  return { ok: true, url: parsed.url.href.replace(/\/+$/, "") };
}

/** The one URL a key is ever sent to. */
export function chatCompletionsUrl(baseUrl: string): string {
  return new URL(`${baseUrl.replace(/\/+$/, "")}/chat/completions`).href;
}

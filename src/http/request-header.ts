import type { Context } from "hono";
import { incomingOf } from "./request-notes.js";

/**
 * A request header, as `c.req.header(name)` answers it (`name` in lower case). Under the Node
 * server it is read from node's parsed headers, a plain object: the first `c.req.header` call
 * builds a whole `Headers` object from them, a few µs that the runtime read paid on every
 * request (docs/performance.md). Node drops a repeated header that may appear only once (such
 * as Authorization), and joins the others with ", " (Cookie with "; "), as HTTP allows; Host is
 * read by `hostHeader`, which refuses two of them.
 */
export function requestHeader(c: Context, name: string): string | undefined {
  const incoming = incomingOf(c);
  if (!incoming) return c.req.header(name);
  const value = incoming.headers[name];
  return Array.isArray(value) ? value.join(", ") : value;
}

/**
 * The Host header; null when the request carries more than one (a proxy in front may route by
 * either, so neither is to be trusted; node's parsed headers keep only the first).
 */
export function hostHeader(c: Context): string | undefined | null {
  const incoming = incomingOf(c);
  return incoming ? hostOf(incoming.rawHeaders) : c.req.header("host");
}

/** The one Host header among node's raw headers: undefined when there is none, null when there are two. */
export function hostOf(raw: string[]): string | undefined | null {
  let found: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const key = raw[i] as string;
    if (key.length === 4 && key.toLowerCase() === "host") {
      if (found !== undefined) return null;
      found = raw[i + 1];
    }
  }
  return found;
}

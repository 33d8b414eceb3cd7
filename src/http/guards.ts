import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { isLoopback } from "../domain/addresses.js";
import { DomainError } from "../domain/errors.js";
import { isPublic } from "./access.js";
import { isForm, readForm } from "./input.js";
import { hostHeader, requestHeader } from "./request-header.js";

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);
export const MAX_REQUEST_BYTES = 4 * 1024 * 1024;

/**
 * No NUL characters (limits.md#no-nul-characters): a `%00` in the path or the query decodes to
 * U+0000, which PostgreSQL's text cannot hold and no name here may contain. Refused 422 before
 * any route reads it (Node's parser refuses a literal NUL in the request line with 400). "%00"
 * has no letters to case-fold, and `%2500` (the text "%00") does not contain it.
 */
function refuseNul(c: Context): void {
  const { url } = c.req;
  if (!url.includes("%00")) return;
  const where = url.indexOf("?") !== -1 && url.indexOf("%00") > url.indexOf("?") ? "(query)" : "(path)";
  const message = "Holds a NUL character (%00), which no name or value may contain";
  throw new DomainError("validation_failed", `${where}: ${message}`, [{ path: where, message }]);
}

/** `host[:port]` as a Host header carries it; null when it is not one. */
function parseHost(host: string): { hostname: string; port: string } | null {
  if (!/^[^\s/?#@\\]+$/.test(host)) return null;
  try {
    const url = new URL(`http://${host}`);
    // The port as written: URL drops :80, which must still count as a port for the check.
    const port = /:(\d+)$/.exec(host)?.[1] ?? "";
    return { hostname: url.hostname, port };
  } catch {
    return null;
  }
}

function defaultPort(url: URL): string {
  return url.port || (url.protocol === "https:" ? "443" : "80");
}

/**
 * Whether `host` names this server (docs/limits.md, DNS rebinding): in open mode only the loopback
 * names and addresses, any port; with PROMPTRAIL_PUBLIC_URL only its host (a port, if given,
 * must be its port).
 */
export function isOwnHost(host: string, publicUrl: URL | null): boolean {
  const parsed = parseHost(host);
  if (!parsed) return false;
  if (!publicUrl) return isLoopback(parsed.hostname);
  return parsed.hostname === publicUrl.hostname && (parsed.port === "" || parsed.port === defaultPort(publicUrl));
}

/** `host[:port]` of an absolute URL, without parsing it (the runtime read's hot path passes here). */
function authorityOf(url: string): string {
  const start = url.indexOf("//") + 2;
  const end = url.indexOf("/", start);
  return url.slice(start, end === -1 ? undefined : end);
}

/**
 * Every request passes these before any route (one middleware: each layer costs every request,
 * the runtime read's too): its Host must be this server's, its path and query hold no NUL, and
 * an unsafe one must fit the size limits and come from this site.
 */
export function requestGuards(publicUrl: URL | null): MiddlewareHandler {
  const refuseForeignHost = hostCheck(publicUrl);
  const refuseCrossSite = crossSiteCheck(publicUrl);
  const sizeLimit = sizeGuard();
  return (c, next) => {
    refuseForeignHost(c);
    refuseNul(c);
    if (SAFE.has(c.req.method)) return next();
    return sizeLimit(c, () => {
      refuseCrossSite(c);
      return next();
    });
  };
}

/** `isOwnHost`, remembered: clients send the same few Host headers over and over, each is parsed once. */
export function ownHosts(publicUrl: URL | null): (host: string) => boolean {
  const known = new Map<string, boolean>();
  return (host) => {
    let answer = known.get(host);
    if (answer === undefined) {
      answer = isOwnHost(host, publicUrl);
      if (known.size >= 64) known.clear();
      known.set(host, answer);
    }
    return answer;
  };
}

/**
 * docs/limits.md: a request whose Host is not this server's is refused 403 before anything else runs.
 * A page on evil.example whose DNS name is switched to 127.0.0.1 (DNS rebinding) reaches the
 * server with `Host: evil.example`; without this check it could read and change everything,
 * even passing the CSRF guard with a same-origin Origin of its own. Two Host headers are refused.
 */
function hostCheck(publicUrl: URL | null): (c: Context) => void {
  const own = ownHosts(publicUrl);
  const refuse = (what: string): never => {
    throw new DomainError("forbidden", `This server does not answer for the host ${what}`);
  };
  return (c) => {
    // The Host header is what the request URL is built from on a real server; app.request() in
    // tests may send none, and then the URL's host is the one to check.
    const header = hostHeader(c);
    if (header === null) return refuse("of a request with two Host headers");
    // An absolute-form target (`POST http://evil.example/prompts`) names its own authority,
    // which the request URL is then built from whatever Host says: both must be this server's.
    const target = authorityOf(c.req.url);
    for (const host of header === undefined || header === target ? [target] : [header, target])
      if (!own(host)) refuse(JSON.stringify(host.slice(0, 100)));
  };
}

/**
 * docs/api.md CSRF: an unsafe request whose Origin or Sec-Fetch-Site says it comes from another
 * site is refused; requests with neither header (curl, scripts) pass. The Origin must be this
 * server's own origin: PROMPTRAIL_PUBLIC_URL's when set, else the request's, whose host the
 * host check has already passed — the request's own Host alone proves nothing.
 */
function crossSiteCheck(publicUrl: URL | null): (c: Context) => void {
  return (c) => {
    const site = requestHeader(c, "sec-fetch-site");
    const origin = requestHeader(c, "origin");
    const own = publicUrl ? publicUrl.origin : new URL(c.req.url).origin;
    const fromElsewhere =
      (site !== undefined && site !== "same-origin" && site !== "none") || (origin !== undefined && origin !== own);
    if (fromElsewhere) throw new DomainError("forbidden", "Cross-site requests are refused");
  };
}

/** What a sign-in or sign-out carries: a name, a password and a `next` path fit with room to spare. */
export const MAX_SIGN_IN_BYTES = 8 * 1024;

/**
 * Bodies over 4 MiB are refused with 413 before they are read whole; bodies sent to the paths
 * open to anyone in secured mode (`/login`, `/healthz`, `/static/…`) and to `/logout`, over 8
 * KiB. (Without a session or token every other route is refused before its body is read: see
 * requireAccess.)
 */
function sizeGuard(): MiddlewareHandler {
  const limit = (maxSize: number, message: string) =>
    bodyLimit({
      maxSize,
      onError: () => {
        throw new DomainError("payload_too_large", message);
      },
    });
  const large = limit(MAX_REQUEST_BYTES, "The request is over 4 MiB");
  const small = limit(MAX_SIGN_IN_BYTES, "A sign-in is a name and a password: the request is over 8 KiB");
  return (c, next) => {
    const path = c.req.path;
    return (isPublic(path) || path === "/logout" ? small : large)(c, next);
  };
}

/**
 * Form bodies of unsafe requests are read once up front (Hono keeps the parsed form for the
 * route): a malformed multipart body is 400 and a lone surrogate 422 on every route, also on
 * those that take no fields (delete, make-current), instead of a 500 or being ignored.
 */
export function formGuard(): MiddlewareHandler {
  return async (c, next) => {
    if (!SAFE.has(c.req.method) && isForm(c)) await readForm(c);
    return next();
  };
}

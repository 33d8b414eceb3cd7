import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { DomainError } from "../domain/errors.js";

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);
export const MAX_REQUEST_BYTES = 4 * 1024 * 1024;

/**
 * SPEC §3 CSRF: an unsafe request whose Origin or Sec-Fetch-Site says it comes from another
 * site is refused; requests with neither header (curl, scripts) pass.
 */
export function csrfGuard(): MiddlewareHandler {
  return async (c, next) => {
    if (SAFE.has(c.req.method)) return next();
    const site = c.req.header("sec-fetch-site");
    const origin = c.req.header("origin");
    const fromElsewhere =
      (site !== undefined && site !== "same-origin" && site !== "none") ||
      (origin !== undefined && origin !== new URL(c.req.url).origin && !sameHost(origin, c.req.header("host")));
    if (fromElsewhere) throw new DomainError("forbidden", "Cross-site requests are refused");
    return next();
  };
}

function sameHost(origin: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** Bodies over 4 MiB are refused with 413 before they are read whole. */
export function sizeGuard(): MiddlewareHandler {
  const limit = bodyLimit({
    maxSize: MAX_REQUEST_BYTES,
    onError: () => {
      throw new DomainError("payload_too_large", "The request is over 4 MiB");
    },
  });
  return (c, next) => (SAFE.has(c.req.method) ? next() : limit(c, next));
}

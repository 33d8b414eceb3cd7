import type { IncomingMessage } from "node:http";
import type { Context } from "hono";
import { deleteCookie, setCookie } from "hono/cookie";
import { SESSION_COOKIE } from "../domain/accounts.js";

/**
 * What the HTTP layer may believe of a proxy in front of it: with PROMPTRAIL_TRUST_PROXY=1,
 * `X-Forwarded-Proto` (is the browser on HTTPS?) and `X-Forwarded-For` (who is the client?).
 * Without it anyone could send those headers, so they are ignored.
 */
export interface ProxyTrust {
  trustProxy: boolean;
}

/** Whether the browser reached us over HTTPS, so the session cookie must be `Secure`. */
export function isHttps(c: Context, { trustProxy }: ProxyTrust): boolean {
  if (c.req.url.startsWith("https:")) return true;
  if (!trustProxy) return false;
  return c.req.header("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase() === "https";
}

/**
 * The client's address, for the failed-sign-in limit: the socket's peer, or behind a trusted
 * proxy the last address of X-Forwarded-For (the one our proxy saw; earlier ones the client may
 * have written itself).
 */
export function clientAddress(c: Context, { trustProxy }: ProxyTrust): string {
  if (trustProxy) {
    const forwarded = c.req.header("x-forwarded-for")?.split(",").at(-1)?.trim();
    if (forwarded) return forwarded.slice(0, 100);
  }
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? "unknown";
}

/**
 * The longest a browser keeps a cookie (Chromium caps Max-Age at 400 days). The server ends a
 * session 14 days after its last use; the cookie only has to outlive that, and is never sent
 * again after sign-in (re-sending it would put the secret in more answers).
 */
const COOKIE_MAX_AGE = 400 * 24 * 60 * 60;

/** docs/accounts.md: HttpOnly, SameSite=Lax, Path=/, Secure over HTTPS. */
export function setSessionCookie(c: Context, secret: string, trust: ProxyTrust): void {
  setCookie(c, SESSION_COOKIE, secret, {
    path: "/",
    httpOnly: true,
    sameSite: "Lax",
    secure: isHttps(c, trust),
    maxAge: COOKIE_MAX_AGE,
  });
}

export function clearSessionCookie(c: Context, trust: ProxyTrust): void {
  deleteCookie(c, SESSION_COOKIE, { path: "/", secure: isHttps(c, trust) });
}

/** docs/accounts.md: a user name is 1–64 characters of a-z 0-9 . _ - */
export const USER_NAME = /^[a-z0-9._-]{1,64}$/;
/** Passwords: at least 12 characters; the upper bound keeps hashing cheap for whatever is sent. */
export const MIN_PASSWORD = 12;
export const MAX_PASSWORD = 1024;
export const MAX_TOKEN_LABEL = 100;

/** API tokens look like `prt_…` so that secret scanners and people recognise them. */
export const TOKEN_PREFIX = "prt_";
/** The session cookie (docs/accounts.md). */
export const SESSION_COOKIE = "promptrail_session";

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** A session lasts 14 days from its last use. */
export const SESSION_IDLE_MS = 14 * DAY;
/**
 * Last-use times (sessions, tokens, users' "last seen") are written at most once a minute per
 * credential: each write is a commit, and a commit empties the server's read caches.
 */
export const TOUCH_EVERY_MS = MINUTE;

/** The 6th failed sign-in within 15 minutes, per name or per client address, is refused (429). */
export const SIGN_IN_FAILURES_ALLOWED = 5;
export const SIGN_IN_WINDOW_MS = 15 * MINUTE;

export function sessionExpired(lastUsedAt: string, now: Date): boolean {
  return now.getTime() - Date.parse(lastUsedAt) > SESSION_IDLE_MS;
}

export function needsTouch(lastUsedAt: string | null, now: Date): boolean {
  return lastUsedAt === null || now.getTime() - Date.parse(lastUsedAt) >= TOUCH_EVERY_MS;
}

/**
 * Seconds until one more sign-in may be tried, given the times of the recent failures (of one
 * name or one address): 0 while fewer than SIGN_IN_FAILURES_ALLOWED fall in the window. The
 * wait ends when the oldest failure that keeps the count at the limit leaves the window.
 */
export function signInRetryAfter(failures: readonly string[], now: Date): number {
  const since = now.getTime() - SIGN_IN_WINDOW_MS;
  const recent = failures
    .map((at) => Date.parse(at))
    .filter((t) => t > since)
    .sort((a, b) => b - a);
  const blocking = recent[SIGN_IN_FAILURES_ALLOWED - 1];
  if (blocking === undefined) return 0;
  return Math.max(1, Math.ceil((blocking + SIGN_IN_WINDOW_MS - now.getTime()) / 1000));
}

/** "12 min" / "40 s": how long a person waits before trying again. */
export function waitInWords(seconds: number): string {
  return seconds >= 60 ? `${Math.ceil(seconds / 60)} min` : `${seconds} s`;
}

/**
 * Where a sign-in may send the browser next: a path on this site only. `//evil.example`,
 * `/\evil.example` and absolute URLs would leave it (an open redirect), so they become "/".
 */
export function safeNext(next: unknown): string {
  if (typeof next !== "string" || next.length > 2000) return "/";
  if (!next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return "/";
  // Printable ASCII only (a path as URLs carry it): browsers drop tabs and newlines and read a
  // backslash as a slash, which could bend "/\t/evil.example" into another host.
  if (!/^[!-~]*$/.test(next) || next.includes("\\")) return "/";
  return next;
}

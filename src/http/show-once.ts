import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";

/**
 * A secret made by a form (a new API token, a webhook's signing secret) shown once, on the page
 * the form's 303 lands on: POST → 303 → GET, so that reloading that page creates nothing again.
 * The secret rides in a cookie for that page only — HttpOnly, SameSite=Strict, gone in a minute
 * and deleted by the page that reads it — so it is never in a URL (history, the request log,
 * a proxy's log) and a reload shows it no more. The server keeps no copy for the page.
 */
export interface ShownOnce {
  /** The cookie's name. */
  name: string;
  /** The one page that shows it. */
  path: string;
  /** What a value must look like; anything else is no secret (a mangled or planted cookie). */
  shape: RegExp;
}

export function showOnce(c: Context, slot: ShownOnce, value: string): void {
  setCookie(c, slot.name, value, { path: slot.path, httpOnly: true, sameSite: "Strict", maxAge: 60 });
}

/** The value left for this page, read once: the match of `shape`, or null. */
export function takeShownOnce(c: Context, slot: ShownOnce): RegExpExecArray | null {
  const value = getCookie(c, slot.name);
  if (value === undefined) return null;
  deleteCookie(c, slot.name, { path: slot.path });
  return slot.shape.exec(value);
}

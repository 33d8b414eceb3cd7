import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { FlashMessage } from "../../views/layout.js";
import { negotiate } from "./negotiate.js";

const COOKIE = "promptrail_flash";

/** Keeps a one-time message across a 303 redirect ("v2.3 promoted to TST"). */
export function setFlash(c: Context, flash: FlashMessage): void {
  setCookie(c, COOKIE, encodeURIComponent(JSON.stringify(flash)), {
    path: "/",
    httpOnly: true,
    sameSite: "Lax",
    maxAge: 60,
  });
}

/** The message left by the previous request, read once. */
export function takeFlash(c: Context): FlashMessage | null {
  const raw = getCookie(c, COOKIE);
  if (!raw) return null;
  deleteCookie(c, COOKIE, { path: "/" });
  try {
    const value = JSON.parse(decodeURIComponent(raw)) as Partial<FlashMessage>;
    if ((value.kind === "ok" || value.kind === "warn" || value.kind === "error") && typeof value.text === "string") {
      return { kind: value.kind, text: value.text.slice(0, 500) };
    }
  } catch {
    // A mangled cookie is just no message.
  }
  return null;
}

/** A form POST's answer: 303 to the page to show next, carrying what happened. */
export function redirectAfterPost(c: Context, location: string, text: string): Response {
  setFlash(c, { kind: "ok", text });
  return c.redirect(location, 303);
}

/** After a change that leaves the page: htmx navigates (HX-Redirect), forms follow a 303. */
export function navigateAfterPost(c: Context, location: string, text: string): Response {
  if (negotiate(c) === "fragment") {
    setFlash(c, { kind: "ok", text });
    c.header("HX-Redirect", location);
    return c.body(null, 200);
  }
  return redirectAfterPost(c, location, text);
}

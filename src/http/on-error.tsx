import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { Flash } from "../../views/layout.js";
import { ErrorPage } from "../../views/pages/error.page.js";
import { DomainError } from "../domain/errors.js";
import { domainErrorOf } from "../services/refusals.js";
import { messageForPeople } from "./for-people.js";
import { applyBaseHeaders, BASE_HEADERS } from "./headers.js";
import { isLangfusePath, langfuseErrorJson } from "./langfuse-json.js";
import { negotiate } from "./negotiate.js";
import { fragment, page } from "./render.js";
import { type RequestNotes, rawPath } from "./request-notes.js";
import { wayBack } from "./way-back.js";

export const WWW_AUTHENTICATE = 'Bearer realm="promptrail"';

/**
 * A refusal as JSON whatever the Accept header says, for routes only programs call (the change
 * stream, MCP): 401 carries `WWW-Authenticate`, never a redirect to the sign-in page.
 */
export function refuseAsJson(c: Context, error: unknown): Response {
  if (!(error instanceof DomainError)) throw error;
  const headers: Record<string, string> = { ...BASE_HEADERS, "content-type": "application/json" };
  if (error.code === "unauthorized") headers["www-authenticate"] = WWW_AUTHENTICATE;
  return c.body(JSON.stringify(error.toJSON()), error.status, headers);
}

/**
 * One mapping from an error to the representation the request asked for, with the real status.
 * Under /api/public/ (the Langfuse-compatible read, docs/rules.md, chat prompts) every refusal speaks Langfuse's
 * `{message, error}`, whoever raised it: a route, a guard, the access check (401, 403), the 404
 * and 405 handler.
 */
export function renderError(c: Context, error: DomainError): Response {
  applyBaseHeaders(c);
  const status = error.status;
  if (error.retryAfter !== undefined) c.header("Retry-After", String(error.retryAfter));
  if (error.code === "unauthorized") c.header("WWW-Authenticate", WWW_AUTHENTICATE);
  if (isLangfusePath(c.req.path)) return c.json(langfuseErrorJson(error), status);
  const mode = negotiate(c);
  if (mode === "json") return c.json(error.toJSON(), status);
  if (error.code === "unauthorized") return toSignIn(c, mode, error);
  if (mode === "fragment") return flashError(c, messageForPeople(error), status);
  const back = wayBack(c.req.path, error.code);
  const message = messageForPeople(error);
  return page(c, <ErrorPage status={error.status} code={error.code} message={message} back={back} />, status);
}

/**
 * For htmx: the message swapped into the page's #flash area, whatever the target was. Only the
 * message goes in (the live region stays), so that screen readers announce it.
 */
function flashError(c: Context, text: string, status: ContentfulStatusCode): Response {
  c.header("HX-Retarget", "#flash");
  c.header("HX-Reswap", "innerHTML");
  c.header("HX-Reselect", "#flash > .flash");
  return fragment(c, <Flash flash={{ kind: "error", text }} />, status);
}

/**
 * docs/accounts.md without credentials: a page goes to the sign-in page (303), htmx is told to go there
 * (401 with HX-Redirect, so its swap shows nothing half-done); `next` brings the person back.
 */
function toSignIn(c: Context, mode: "page" | "fragment", error: DomainError): Response {
  const url = `/login?next=${encodeURIComponent(comeBackTo(c))}`;
  if (mode === "fragment") {
    c.header("HX-Redirect", url);
    return flashError(c, error.message, 401);
  }
  return c.redirect(url, 303);
}

/** Where to land after signing in: the page asked for, or for a post (or htmx) the page it came from. */
function comeBackTo(c: Context): string {
  const url = new URL(c.req.url);
  const htmx = c.req.header("hx-current-url");
  const from = htmx ?? (c.req.method === "GET" ? null : c.req.header("referer"));
  if (from === undefined) return "/";
  if (from === null) return `${url.pathname}${url.search}`;
  try {
    const back = new URL(from);
    return back.origin === url.origin ? `${back.pathname}${back.search}` : "/";
  } catch {
    return "/";
  }
}

/** The client went away while its body was still arriving (an aborted upload). */
function clientAborted(error: Error, c: Context): boolean {
  const code = (error as Error & { code?: unknown }).code;
  return c.req.raw.signal?.aborted === true || code === "ECONNRESET" || error.message === "aborted";
}

/** A refusal as the DomainError a caller understands (the database's own included); null for a failure. */
export function toDomainError(error: unknown): DomainError | null {
  return error instanceof DomainError ? error : domainErrorOf(error);
}

/**
 * The app's one error handler: refusals get their status and representation; anything else is a
 * 500 that says nothing of the failure to the client, and is told to the server's log (`notes`)
 * with the path as the client sent it.
 */
export function errorHandler(notes: RequestNotes) {
  return (error: Error, c: Context): Response => {
    const known = toDomainError(error);
    if (known) return renderError(c, known);
    const request = { method: c.req.method, path: rawPath(c) };
    if (clientAborted(error, c)) {
      // Not a server failure: one line, no stack. Nobody reads the answer.
      notes.failed(request, "the client went away before its request arrived whole");
      return renderError(c, new DomainError("bad_request", "The request body did not arrive whole"));
    }
    notes.failed(request, "request failed", error);
    return internalError(c);
  };
}

function internalError(c: Context): Response {
  applyBaseHeaders(c);
  const message = "Something went wrong on the server; nothing was changed.";
  if (isLangfusePath(c.req.path)) return c.json(langfuseErrorJson({ status: 500, message }), 500);
  const mode = negotiate(c);
  if (mode === "json") return c.json({ error: { code: "internal", message } }, 500);
  if (mode === "fragment") return flashError(c, message, 500);
  return page(
    c,
    <ErrorPage status={500} code="internal" message={message} back={wayBack(c.req.path, "bad_request")} />,
    500,
  );
}

import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { Flash } from "../../views/layout.js";
import { ErrorPage } from "../../views/pages/error.page.js";
import { DomainError } from "../domain/errors.js";
import { negotiate } from "./negotiate.js";
import { fragment, page } from "./render.js";
import { wayBack } from "./way-back.js";

interface SqliteLikeError {
  code?: unknown;
  message: string;
}

/**
 * The database refuses what the rules forbid even when code would let it through (R12); should
 * that ever be the first line to notice, the refusal still reaches the caller as a 409.
 */
function fromDatabase(error: SqliteLikeError): DomainError | null {
  if (typeof error.code !== "string" || !error.code.startsWith("SQLITE_CONSTRAINT")) return null;
  if (/prompts\.name/.test(error.message))
    return new DomainError("name_taken", "A prompt with that name already exists");
  if (/production/i.test(error.message)) return new DomainError("version_immutable", "Cannot edit production versions");
  if (/deleted/i.test(error.message)) return new DomainError("delete_forbidden", error.message);
  return new DomainError("invalid_transition", `Refused by the database: ${error.message}`);
}

export function toDomainError(error: unknown): DomainError | null {
  if (error instanceof DomainError) return error;
  if (error instanceof Error) return fromDatabase(error as SqliteLikeError);
  return null;
}

/** One mapping from an error to the representation the request asked for, with the real status. */
export function renderError(c: Context, error: DomainError): Response {
  const status = error.status as ContentfulStatusCode;
  const mode = negotiate(c);
  if (mode === "json") return c.json(error.toJSON(), status);
  if (mode === "fragment") return flashError(c, error.message, status);
  const back = wayBack(c.req.path, error.code);
  return page(c, <ErrorPage status={error.status} code={error.code} message={error.message} back={back} />, status);
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

export function onError(error: Error, c: Context): Response {
  const known = toDomainError(error);
  if (known) return renderError(c, known);
  console.error(`${c.req.method} ${c.req.path} failed:`, error);
  const message = "Something went wrong on the server; nothing was changed.";
  const mode = negotiate(c);
  if (mode === "json") return c.json({ error: { code: "internal", message } }, 500);
  if (mode === "fragment") return flashError(c, message, 500);
  return page(
    c,
    <ErrorPage status={500} code="internal" message={message} back={wayBack(c.req.path, "bad_request")} />,
    500,
  );
}

import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** A full HTML page, with the doctype hono/jsx leaves out. */
export function page(c: Context, node: unknown, status: ContentfulStatusCode = 200): Response {
  return c.html(`<!doctype html>${String(node)}`, status);
}

/** An htmx fragment: just the markup to swap in. */
export function fragment(c: Context, node: unknown, status: ContentfulStatusCode = 200): Response {
  return c.html(String(node), status);
}

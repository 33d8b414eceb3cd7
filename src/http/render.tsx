import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ViewerContext } from "../../views/viewer.js";
import { viewerOf } from "./auth.js";

/**
 * Pages and fragments change with every action, so no HTML answer may be shown again from a
 * cache: Back would show the stages as they were before a promotion. `no-cache` is not enough
 * for that: browsers show history entries from their cache without revalidating anything but
 * `no-store` answers. Set before the answer is built, like every other header (headers.ts).
 */
const NO_STORE = "no-store";

/** Renders `node` knowing who looks at it (the header's account, buttons a role may not press). */
function rendered(c: Context, node: unknown): string {
  return String(<ViewerContext.Provider value={viewerOf(c)}>{node as never}</ViewerContext.Provider>);
}

/** A full HTML page, with the doctype hono/jsx leaves out. */
export function page(c: Context, node: unknown, status: ContentfulStatusCode = 200): Response {
  c.header("Cache-Control", NO_STORE);
  return c.html(`<!doctype html>${rendered(c, node)}`, status);
}

/** An htmx fragment: just the markup to swap in. */
export function fragment(c: Context, node: unknown, status: ContentfulStatusCode = 200): Response {
  c.header("Cache-Control", NO_STORE);
  return c.html(rendered(c, node), status);
}

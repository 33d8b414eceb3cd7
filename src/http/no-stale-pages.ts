import type { MiddlewareHandler } from "hono";

/**
 * Pages and fragments change with every action, so no HTML answer may be shown again from a
 * cache: Back shows the stages as they were before a promotion otherwise. `no-cache` is not
 * enough for that: browsers show history entries from their cache without revalidating
 * anything but `no-store` answers. Answers that set their own Cache-Control (the runtime read,
 * static files) keep it.
 */
export function noStalePages(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const html = /^text\/html\b/i.test(c.res.headers.get("content-type") ?? "");
    if (html && !c.res.headers.has("cache-control")) c.header("Cache-Control", "no-store");
  };
}

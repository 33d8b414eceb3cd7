import type { Context } from "hono";

/**
 * `?limit=&cursor=` as a service input: digits become numbers, anything else is passed on as
 * text for the service's schema to refuse with a clear message.
 */
export function pageQuery(c: Context): { limit?: number; cursor?: string } {
  const { limit, cursor } = c.req.query();
  return {
    ...(limit !== undefined ? { limit: (/^\d{1,4}$/.test(limit) ? Number(limit) : limit) as number } : {}),
    ...(cursor !== undefined ? { cursor } : {}),
  };
}

/** The URL of the following page, or null at the end. */
export function nextUrl(path: string, cursor: string | null, params: Record<string, string | number | undefined>) {
  if (!cursor) return null;
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params))
    if (value !== undefined && value !== "") query.set(key, String(value));
  query.set("cursor", cursor);
  return `${path}?${query}`;
}

import type { IncomingMessage } from "node:http";
import type { Context } from "hono";

/**
 * What the app tells whoever logs its requests (the server's log, src/server/request-log.ts):
 * who made a request, and what failed behind an answer the client only sees as "something went
 * wrong". The app never writes a log line itself, so no request can shape one.
 */
export interface RequestNotes {
  /** The request's actor (R11), for its log line. */
  identified(incoming: IncomingMessage, actor: string): void;
  /** A failure: logged with the method and the path as the client sent it (still percent-encoded). */
  failed(request: { method: string; path: string }, message: string, error?: unknown): void;
}

/** Without a server log (tests through app.request()): failures go to stderr, one JSON object a line. */
export const STDERR_NOTES: RequestNotes = {
  identified() {},
  failed(request, message, error) {
    process.stderr.write(
      `${JSON.stringify({ time: new Date().toISOString(), level: "error", msg: message, ...request, ...errorFields(error) })}\n`,
    );
  },
};

/** The error as log fields: its stack (or message), never the object's other properties. */
export function errorFields(error: unknown): { error?: string } {
  if (error === undefined) return {};
  if (error instanceof Error) return { error: error.stack ?? `${error.name}: ${error.message}` };
  return { error: String(error) };
}

/** The node request behind a Hono context, when there is one (not under app.request()). */
export function incomingOf(c: Context): IncomingMessage | undefined {
  return (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
}

/** The path as the client sent it: Hono's `c.req.path` is decoded, and may hold a newline. */
export function rawPath(c: Context): string {
  const url = c.req.url;
  const start = url.indexOf("/", url.indexOf("//") + 2);
  if (start === -1) return "/";
  const query = url.indexOf("?", start);
  return query === -1 ? url.slice(start) : url.slice(start, query);
}

import type { IncomingMessage, RequestListener } from "node:http";

export type LogFormat = "off" | "text" | "json";

const actors = new WeakMap<IncomingMessage, string>();

/**
 * Names who made a request, for its log line (R11's actor: `local` until accounts exist). The
 * code that authenticates calls it with the node request (`c.env.incoming` in Hono).
 */
export function setRequestActor(req: IncomingMessage, actor: string): void {
  actors.set(req, actor);
}

/**
 * SPEC §6: one line per request, written when its response closes: time (when it arrived),
 * method, path (without the query string), status, ms, actor, and `aborted` when the client left
 * before the answer was sent. Never a body, a header, a cookie or a key: nothing else of the
 * request is read. It sits at the node:http level, so the app's hot path pays only for a start
 * time and one 'close' listener.
 */
export function withRequestLog(handle: RequestListener, format: LogFormat, write: (line: string) => void) {
  if (format === "off") return handle;
  const listener: RequestListener = (req, res) => {
    const started = performance.now();
    res.once("close", () => {
      const ms = performance.now() - started;
      const entry = {
        time: new Date(performance.timeOrigin + started).toISOString(),
        method: req.method ?? "",
        path: pathOf(req.url),
        status: res.statusCode,
        ms: Math.round(ms * 10) / 10,
        actor: actors.get(req) ?? "local",
        ...(res.writableFinished ? {} : { aborted: true }),
      };
      write(format === "json" ? JSON.stringify(entry) : textLine(entry));
    });
    handle(req, res);
  };
  return listener;
}

function pathOf(url: string | undefined): string {
  const path = url ?? "";
  const query = path.indexOf("?");
  return query === -1 ? path : path.slice(0, query);
}

/** Node's HTTP parser admits only printable ASCII in a path, so it cannot steer a terminal. */
function textLine(e: {
  time: string;
  method: string;
  path: string;
  status: number;
  ms: number;
  actor: string;
  aborted?: boolean;
}) {
  return `${e.time} ${e.method} ${e.path} ${e.status} ${e.ms}ms ${e.actor}${e.aborted ? " aborted" : ""}`;
}

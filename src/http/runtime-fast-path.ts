import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { LOCAL } from "../services/context.js";
import type { Services } from "../services/index.js";
import { authorizationCredential } from "./auth.js";
import { ownHosts } from "./guards.js";
import { hostOf } from "./request-header.js";
import type { RequestNotes } from "./request-notes.js";
import { matches, runtimeAnswersOf } from "./routes/runtime.routes.js";

/** `/prompts/:name/stages/:stage` with nothing to decode, no query, no trailing slash. */
const READ = /^\/prompts\/([^/?#%]+)\/stages\/([^/?#%]+)$/;

/**
 * The runtime read at volume, answered by node's own server without the web framework
 * (docs/performance.md): a GET or HEAD of `/prompts/:name/stages/:stage` with one Host header of
 * this server's, JSON or plain text asked for, and no credential or an API token, answered 200 or
 * 304 — the very bytes and headers the route sends, from the same answers. Anything else, and
 * every refusal, goes to `app` (the app's route for the same read), which answers it as every
 * other route does: a page, a cookie, a path to decode, a query, an unknown prompt, a token that
 * is not valid. Deciding that reads, from memory, what the answer itself reads; a read handed on
 * is read again by the route (a token's last use is still written at most once a minute).
 */
export function runtimeFastPath(
  services: Services,
  notes: RequestNotes,
  publicUrl: URL | null,
  app: RequestListener,
): RequestListener {
  const { runtime } = services;
  const { readMode, answerFor } = runtimeAnswersOf(services);
  const own = ownHosts(publicUrl);
  return (req: IncomingMessage, res: ServerResponse) => {
    const method = req.method;
    const path = method === "GET" || method === "HEAD" ? READ.exec(req.url ?? "") : null;
    if (!path || req.headers.cookie !== undefined) return app(req, res);
    const host = hostOf(req.rawHeaders);
    if (!host || !own(host)) return app(req, res);
    const mode = readMode(req.headers.accept);
    if (mode === "html") return app(req, res);
    const authorization = req.headers.authorization;
    const credential = authorization === undefined ? null : authorizationCredential(authorization);
    if (credential === "wrong") return app(req, res);
    runtime.read(credential, path[1] as string, path[2] as string).then(
      (read) => {
        const { actor } = read.who;
        if (actor === null) return app(req, res);
        let version: ReturnType<typeof read.version>;
        try {
          version = read.version();
        } catch {
          return app(req, res);
        }
        const answer = answerFor(version, mode, actor.role);
        if (answer.status !== undefined) return app(req, res);
        if (actor !== LOCAL) notes.identified(req, actor.actor);
        if (answer.etag && matches(req.headers["if-none-match"], answer.etag)) {
          res.writeHead(304, answer.notModified);
          res.end();
        } else {
          res.writeHead(200, answer.ok);
          res.end(answer.body);
        }
      },
      () => app(req, res),
    );
  };
}

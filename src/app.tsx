import { type Context, Hono } from "hono";
import { TrieRouter } from "hono/router/trie-router";
import type { Db } from "./db/connect.js";
import { DomainError } from "./domain/errors.js";
import { requireAccess } from "./http/auth.js";
import { formGuard, requestGuards } from "./http/guards.js";
import { baseHeaders } from "./http/headers.js";
import { errorHandler, renderError } from "./http/on-error.js";
import { type RequestNotes, STDERR_NOTES } from "./http/request-notes.js";
import { createChangeRoutes } from "./http/routes/changes.routes.js";
import { createComparisonRoutes } from "./http/routes/comparisons.routes.js";
import { createLangfuseRoutes } from "./http/routes/langfuse.routes.js";
import { createMcpRoutes } from "./http/routes/mcp.routes.js";
import { createPromptEditRoutes } from "./http/routes/prompt-edits.routes.js";
import { createPromptRoutes } from "./http/routes/prompts.routes.js";
import { createRenderRoutes } from "./http/routes/render.routes.js";
import { createReviewRoutes } from "./http/routes/reviews.routes.js";
import { createRevisionRoutes } from "./http/routes/revisions.routes.js";
import { createRuntimeRoutes } from "./http/routes/runtime.routes.js";
import { createSessionRoutes } from "./http/routes/session.routes.js";
import { createSettingsRoutes } from "./http/routes/settings.routes.js";
import { createStaticRoutes } from "./http/routes/static.routes.js";
import { createTestingRoutes } from "./http/routes/testing.routes.js";
import { createTokensRoutes } from "./http/routes/tokens.routes.js";
import { createUsersRoutes } from "./http/routes/users.routes.js";
import { createVersionRoutes } from "./http/routes/versions.routes.js";
import { createWebhookRoutes } from "./http/routes/webhooks.routes.js";
import { type ChangeFeed, createChangeFeed } from "./services/change-feed.service.js";
import type { WebhookSettings } from "./services/deliveries.service.js";
import { createServices, type Services } from "./services/index.js";

export interface AppDeps {
  db: Db;
  /** PROMPTRAIL_PUBLIC_URL: the only host this server answers for; loopback names when null. */
  publicUrl?: string | null;
  /** The fetch TEST's providers use (tests inject one that never reaches the network). */
  fetch?: typeof fetch;
  /** How webhook deliveries are sent (private networks allowed or not; tests inject timings). */
  webhooks?: Partial<WebhookSettings>;
  /** PROMPTRAIL_TRUST_PROXY: believe X-Forwarded-Proto and X-Forwarded-For (docs/accounts.md). */
  trustProxy?: boolean;
  /** The server's log: who each request was, what failed (stderr when there is none). */
  notes?: RequestNotes;
  /** The change stream's reader of the log (`serve` ends its streams when it stops). */
  changes?: ChangeFeed;
  /** The services over `db`, when the caller needs them too (`serve`'s webhook worker); else made here. */
  services?: Services;
}

/** The whole web app over one database: used by main.ts and by every test. */
export function createApp({
  db,
  publicUrl = null,
  fetch,
  webhooks,
  trustProxy = false,
  notes = STDERR_NOTES,
  changes,
  services = createServices({ db, ...(fetch && { fetch }), webhooks }),
}: AppDeps): Hono {
  const ownUrl = publicUrl ? new URL(publicUrl) : null;
  const trust = { trustProxy };
  const app = new Hono();
  // One middleware in front of everything: each layer costs every request, the runtime read's too.
  app.use(requestGuards(ownUrl));
  // Mounted before baseHeaders: the runtime read and /healthz send constant header objects that
  // include the base headers, and no middleware below this line runs for them (see headers.ts).
  // The runtime read checks its session or token itself (docs/accounts.md), as cheaply as it can.
  app.route("/", createRuntimeRoutes(services, notes));
  // The change stream has the runtime read's access rules: checked in its route, never a redirect.
  app.route("/", createChangeRoutes(services, notes, changes ?? createChangeFeed({ db })));
  // MCP has them too, and its POSTs only read (docs/mcp.md).
  app.route("/", createMcpRoutes(services, notes));
  // Who the request is and whether its role may: before any body is read for it.
  app.use(requireAccess(services, notes));
  app.use(formGuard());
  app.use(baseHeaders());
  app.route("/", createStaticRoutes());
  app.route("/", createSessionRoutes(services, trust));
  app.route("/", createPromptRoutes(services));
  app.route("/", createPromptEditRoutes(services));
  app.route("/", createVersionRoutes(services));
  app.route("/", createReviewRoutes(services));
  app.route("/", createRevisionRoutes(services));
  app.route("/", createRenderRoutes(services));
  app.route("/", createComparisonRoutes(services));
  app.route("/", createTestingRoutes(services));
  app.route("/", createSettingsRoutes(services));
  app.route("/", createLangfuseRoutes(services));
  app.route("/", createWebhookRoutes(services));
  app.route("/", createUsersRoutes(services));
  app.route("/", createTokensRoutes(services));
  app.notFound(notFound(methodsAt(app)));
  app.onError(errorHandler(notes));
  return app;
}

/**
 * The methods the app's routes take at a path (HEAD wherever GET is), from a router over the
 * route table, built on the first call (after every route is registered).
 */
function methodsAt(app: Hono): (path: string) => Set<string> {
  let router: TrieRouter<string[]> | undefined;
  const build = () => {
    const byPath = new Map<string, Set<string>>();
    for (const route of app.routes) {
      if (route.method === "ALL" || route.method === "HEAD") continue;
      const methods = byPath.get(route.path) ?? new Set<string>();
      methods.add(route.method);
      if (route.method === "GET") methods.add("HEAD");
      byPath.set(route.path, methods);
    }
    const built = new TrieRouter<string[]>();
    for (const [path, methods] of byPath) built.add("ALL", path, [...methods]);
    return built;
  };
  return (path) => {
    router ??= build();
    const methods = new Set<string>();
    for (const [found] of router.match("ALL", path)[0]) for (const method of found) methods.add(method);
    return methods;
  };
}

/**
 * Nothing answered. A known path asked with a method it does not take is 405 with `Allow`, in
 * the representation the request asked for; OPTIONS gets 204 with `Allow`. Otherwise 404: an
 * unknown path, or a route that found nothing there (an unknown prompt, a static file). Worked
 * out here, only when nothing answered: a middleware for it (hono/method-not-allowed) wrapped
 * every request, the runtime read included, in one more asynchronous layer.
 */
function notFound(methodsAt: (path: string) => Set<string>) {
  return (c: Context): Response => {
    const methods = methodsAt(c.req.path);
    if (methods.size === 0 || methods.has(c.req.method))
      return renderError(c, new DomainError("not_found", `Nothing at ${c.req.path}`));
    const allow = [...methods, "OPTIONS"].join(", ");
    if (c.req.method === "OPTIONS") return c.body(null, 204, { Allow: allow });
    const usable = [...methods].filter((m) => m !== "HEAD").join(" or ");
    const res = renderError(
      c,
      new DomainError("method_not_allowed", `${c.req.method} is not allowed here; use ${usable}`),
    );
    res.headers.set("Allow", allow);
    return res;
  };
}

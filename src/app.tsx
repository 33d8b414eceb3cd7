import { Hono } from "hono";
import { secureHeaders } from "hono/secure-headers";
import type { Db } from "./db/connect.js";
import { DomainError } from "./domain/errors.js";
import { csrfGuard, sizeGuard } from "./http/guards.js";
import { noStalePages } from "./http/no-stale-pages.js";
import { onError, renderError } from "./http/on-error.js";
import { createPromptEditRoutes } from "./http/routes/prompt-edits.routes.js";
import { createPromptRoutes } from "./http/routes/prompts.routes.js";
import { createRevisionRoutes } from "./http/routes/revisions.routes.js";
import { createRuntimeRoutes } from "./http/routes/runtime.routes.js";
import { createSettingsRoutes } from "./http/routes/settings.routes.js";
import { createStaticRoutes } from "./http/routes/static.routes.js";
import { createTestingRoutes } from "./http/routes/testing.routes.js";
import { createVersionRoutes } from "./http/routes/versions.routes.js";
import { createServices } from "./services/index.js";

export interface AppDeps {
  db: Db;
}

/** The whole web app over one database: used by main.ts and by every test. */
export function createApp({ db }: AppDeps): Hono {
  const services = createServices({ db: db.kysely });
  const app = new Hono();
  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", "data:"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
      },
      xFrameOptions: "DENY",
      referrerPolicy: "same-origin",
      strictTransportSecurity: false,
    }),
  );
  app.use(async (c, next) => {
    await next();
    c.header("Vary", "Accept, HX-Request", { append: true });
  });
  app.use(noStalePages());
  app.use(sizeGuard());
  app.use(csrfGuard());
  app.route("/", createStaticRoutes());
  app.route("/", createRuntimeRoutes(services, db));
  app.route("/", createPromptRoutes(services));
  app.route("/", createPromptEditRoutes(services));
  app.route("/", createVersionRoutes(services));
  app.route("/", createRevisionRoutes(services));
  app.route("/", createTestingRoutes(services));
  app.route("/", createSettingsRoutes(services));
  app.notFound((c) => renderError(c, new DomainError("not_found", `Nothing at ${c.req.path}`)));
  app.onError(onError);
  return app;
}

import { Hono } from "hono";
import type { Db } from "./db/connect.js";
import { DomainError } from "./domain/errors.js";
import { csrfGuard, sizeGuard } from "./http/guards.js";
import { baseHeaders } from "./http/headers.js";
import { onError, renderError } from "./http/on-error.js";
import { createPromptRoutes } from "./http/routes/prompts.routes.js";
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
  const services = createServices({ db });
  const app = new Hono();
  app.use(sizeGuard());
  app.use(csrfGuard());
  // Mounted before baseHeaders: the runtime read and /healthz send constant header objects that
  // include the base headers, and no middleware below this line runs for them (see headers.ts).
  app.route("/", createRuntimeRoutes(services));
  app.use(baseHeaders());
  app.route("/", createStaticRoutes());
  app.route("/", createPromptRoutes(services));
  app.route("/", createVersionRoutes(services));
  app.route("/", createTestingRoutes(services));
  app.route("/", createSettingsRoutes(services));
  app.notFound((c) => renderError(c, new DomainError("not_found", `Nothing at ${c.req.path}`)));
  app.onError(onError);
  return app;
}

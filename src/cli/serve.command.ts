import { getRequestListener } from "@hono/node-server";
import { createApp } from "../app.js";
import type { Config } from "../config.js";
import { describeTarget, open } from "../db/connect.js";
import { migrateToLatest } from "../db/migrate.js";
import { isLoopback } from "../domain/addresses.js";
import { runtimeFastPath } from "../http/runtime-fast-path.js";
import { GRACE_MS, listen } from "../server/http-server.js";
import { createServerLog, type LogFormat } from "../server/request-log.js";
import { startWebhookWorker } from "../server/webhook-worker.js";
import { createChangeFeed } from "../services/change-feed.service.js";
import { createServices, type Services } from "../services/index.js";
import { type CliIo, type Command, DB_OPTION } from "./command.js";
import { settingsOf } from "./settings.js";
import { VERSION } from "./version.js";

export const serveCommand: Command = {
  name: "serve",
  positionals: { min: 0, max: 0 },
  options: {
    host: { type: "string", value: "H", help: "address to listen on (default: $HOST, else 127.0.0.1)" },
    port: { type: "string", value: "N", help: "port, 0 for any free one (default: $PORT, else 3000)" },
    ...DB_OPTION,
    "open-to-network": {
      type: "boolean",
      help: "serve beyond loopback without accounts (behind a proxy that authenticates; needs $PROMPTRAIL_PUBLIC_URL)",
    },
  },
  summary: "run the web server (the default verb); migrates the database first",
  details: [
    "Sends webhook deliveries as changes commit (PROMPTRAIL_WEBHOOK_PRIVATE=1 lets them reach",
    "loopback and private networks). Stops gracefully on SIGTERM or SIGINT: no new connections,",
    `requests and deliveries in flight get up to ${GRACE_MS / 1000} s to finish, the database is closed,`,
    "exit 0. A second signal cuts them at once (a cut delivery is retried later). Open change",
    "streams (GET /changes) end at once; PROMPTRAIL_HEARTBEAT_MS sets their keep-alive (15000).",
    "Logs one line per request on stdout (time, method, path, status, ms, actor); PROMPTRAIL_LOG",
    "is off, text or json (default: text on a terminal, JSON otherwise).",
    "",
    "With no user yet (open mode: every request acts as `local`), it listens on loopback only;",
    "add the first admin with `promptrail user add NAME --role admin` to serve other machines.",
  ].join("\n"),
  async run(args, io) {
    const config = settingsOf(args, io.env);
    const format: LogFormat = config.log ?? (io.stdout.isTTY ? "text" : "json");
    const log = createServerLog(format, (text) => io.stdout.write(text));
    // A crash leaves through 'exit': what is buffered is still written (synchronously on a pipe or file).
    io.signals.once("exit", log.flush);
    const say = (msg: string) => log.event({ msg });
    const db = open(config);
    try {
      await migrateToLatest(db.kysely);
      const services = createServices({ db, webhooks: { allowPrivate: config.webhookPrivate } });
      const refusal = await openToNetwork(services, config, args.values["open-to-network"] === true);
      if (refusal) {
        io.stderr.write(`promptrail serve: ${refusal}\n`);
        return 2;
      }
      const changes = createChangeFeed({ db, heartbeatMs: config.heartbeatMs });
      const { publicUrl, trustProxy } = config;
      const app = createApp({ db, services, publicUrl, trustProxy, notes: log, changes });
      // The runtime read at volume skips the framework; everything else, refusals included, is the app's.
      const ownUrl = publicUrl ? new URL(publicUrl) : null;
      const handle = runtimeFastPath(services, log, ownUrl, getRequestListener(app.fetch));
      const server = await listen(log.requests(handle), config);
      const worker = startWebhookWorker({
        deliveries: services.deliveries,
        changed: db.watchCommits(),
        ...(format !== "off" && { log: log.event }),
      });
      say(`Promptrail ${VERSION} listening on ${server.url} (database ${describeTarget(config)})`);
      const signal = await firstSignal(io, () => {
        say("Second signal: cutting the requests and webhook deliveries still in flight");
        server.cutAll();
        worker.cut();
      });
      say(`${signal}: stopping; requests and webhook deliveries in flight get up to ${GRACE_MS / 1000} s`);
      // Open change streams end now (their clients resume elsewhere with Last-Event-ID): they
      // never finish by themselves, so waiting for them would only hold the stop for the grace.
      changes.close();
      const [{ cut }] = await Promise.all([server.stop(), worker.stop()]);
      say(cut ? `Stopped; ${cut} request(s) were cut` : "Stopped");
    } finally {
      log.flush();
      io.signals.off("exit", log.flush);
      await db.close();
    }
    return 0;
  },
};

/** Resolves on the first SIGTERM or SIGINT; a second one calls `again`. */
function firstSignal(io: CliIo, again: () => void): Promise<string> {
  return new Promise((resolve) => {
    const on = (signal: string) => () => {
      io.signals.off("SIGTERM", onTerm);
      io.signals.off("SIGINT", onInt);
      io.signals.once("SIGTERM", again);
      io.signals.once("SIGINT", again);
      resolve(signal);
    };
    const onTerm = on("SIGTERM");
    const onInt = on("SIGINT");
    io.signals.once("SIGTERM", onTerm);
    io.signals.once("SIGINT", onInt);
  });
}

/**
 * docs/accounts.md: in open mode (no active user) the server listens on loopback only. Answers why it
 * must not start, or null: it may (secured, loopback, or deliberately opened behind a proxy that
 * authenticates, which `--open-to-network` with PROMPTRAIL_PUBLIC_URL says).
 */
async function openToNetwork(services: Services, config: Config, optedIn: boolean): Promise<string | null> {
  if (isLoopback(config.host) || (await services.users.secured())) return null;
  if (optedIn && config.publicUrl) return null;
  if (optedIn) return "--open-to-network needs PROMPTRAIL_PUBLIC_URL: the one address the proxy in front serves";
  return [
    `refusing to listen on ${config.host} with no accounts: anyone who can reach it could change PROD.`,
    "Run `promptrail user add NAME --role admin` first (then everyone signs in),",
    "or listen on 127.0.0.1, or behind an authenticating proxy pass --open-to-network with PROMPTRAIL_PUBLIC_URL.",
  ].join(" ");
}

import { getRequestListener } from "@hono/node-server";
import { createApp } from "../app.js";
import { connect } from "../db/connect.js";
import { migrateToLatest } from "../db/migrate.js";
import { GRACE_MS, listen } from "../server/http-server.js";
import { type LogFormat, withRequestLog } from "../server/request-log.js";
import { startWebhookWorker } from "../server/webhook-worker.js";
import { createDeliveriesService } from "../services/deliveries.service.js";
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
  },
  summary: "run the web server (the default verb); migrates the database first",
  details: [
    "Sends webhook deliveries as changes commit (PROMPTRAIL_WEBHOOK_PRIVATE=1 lets them reach",
    "loopback and private networks). Stops gracefully on SIGTERM or SIGINT: no new connections,",
    `requests and deliveries in flight get up to ${GRACE_MS / 1000} s to finish, the database is closed,`,
    "exit 0. A second signal cuts them at once (a cut delivery is retried later).",
    "Logs one line per request on stdout (time, method, path, status, ms, actor); PROMPTRAIL_LOG",
    "is off, text or json (default: text on a terminal, JSON otherwise).",
  ].join("\n"),
  async run(args, io) {
    const config = settingsOf(args, io.env);
    const format: LogFormat = config.log ?? (io.stdout.isTTY ? "text" : "json");
    const say = messenger(io, format);
    const db = connect(config.dbFile);
    try {
      await migrateToLatest(db.kysely);
      const webhooks = { allowPrivate: config.webhookPrivate };
      const app = createApp({ db, webhooks });
      const write = (line: string) => io.stdout.write(`${line}\n`);
      const server = await listen(withRequestLog(getRequestListener(app.fetch), format, write), config);
      const worker = startWebhookWorker({
        deliveries: createDeliveriesService({ db: db.kysely, webhooks }),
        changed: db.watchCommits(),
        ...(format !== "off" && { log: (entry) => write(logLine(format, entry)) }),
      });
      say(`Promptrail ${VERSION} listening on ${server.url} (database ${config.dbFile})`);
      const signal = await firstSignal(io, () => {
        say("Second signal: cutting the requests and webhook deliveries still in flight");
        server.cutAll();
        worker.cut();
      });
      say(`${signal}: stopping; requests and webhook deliveries in flight get up to ${GRACE_MS / 1000} s`);
      const [{ cut }] = await Promise.all([server.stop(), worker.stop()]);
      say(cut ? `Stopped; ${cut} request(s) were cut` : "Stopped");
    } finally {
      await db.close();
    }
    return 0;
  },
};

/** Lifecycle lines go with the request lines, in the same format (`off` silences only requests). */
function messenger(io: CliIo, format: LogFormat) {
  return (msg: string) => io.stdout.write(`${logLine(format, { msg })}\n`);
}

/** A line of the server's own log: JSON with its time, or `msg key=value …` as text. */
function logLine(format: LogFormat, entry: Record<string, unknown>): string {
  if (format === "json") return JSON.stringify({ time: new Date().toISOString(), ...entry });
  const { msg, ...rest } = entry;
  return [
    String(msg),
    ...Object.entries(rest).map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`),
  ].join(" ");
}

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

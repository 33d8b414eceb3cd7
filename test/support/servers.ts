import type { Server } from "node:http";
import { getRequestListener } from "@hono/node-server";
import type { Hono } from "hono";
import { type HttpServer, listen } from "../../src/server/http-server.js";
import { afterEveryTest } from "./cleanups.js";

const running: Server[] = [];

afterEveryTest(async () => {
  for (const server of running.splice(0)) await stopServer(server);
});

/** Closes a test's HTTP server now, connections and all. */
export function stopServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Closes `server` after the test that started it. */
export function closeAfterTest(server: Server): void {
  running.push(server);
}

const listening: HttpServer[] = [];

afterEveryTest(async () => {
  for (const server of listening.splice(0)) await server.stop();
});

/** `app` served on 127.0.0.1 by the server's own listener, on a free port, until the test ends: its URL. */
export async function serveUntilTestEnds(app: Hono): Promise<string> {
  const server = await listen(getRequestListener(app.fetch), { host: "127.0.0.1", port: 0 });
  listening.push(server);
  return server.url;
}

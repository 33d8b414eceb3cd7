import type { Server } from "node:http";
import { afterEach } from "vitest";

const running: Server[] = [];

afterEach(async () => {
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

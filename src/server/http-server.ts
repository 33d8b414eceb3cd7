import { createServer, type RequestListener, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface HttpServer {
  /** http://127.0.0.1:3000, with the port the system picked for port 0. */
  url: string;
  /**
   * docs/operations.md graceful stop: no new connections, idle keep-alive connections closed, requests in
   * flight answered (with `Connection: close`) for up to `graceMs`, then cut. Resolves once
   * every connection is gone, with how many requests were cut.
   */
  stop(): Promise<{ cut: number }>;
  /** Cuts every connection now (a second Ctrl-C). */
  cutAll(): void;
}

export interface ListenOptions {
  host: string;
  port: number;
  graceMs?: number;
}

export const GRACE_MS = 10_000;

export async function listen(handle: RequestListener, { host, port, graceMs = GRACE_MS }: ListenOptions) {
  const inFlight = new Set<ServerResponse>();
  let stopping = false;
  const server = createServer((req, res) => {
    inFlight.add(res);
    res.on("close", () => {
      inFlight.delete(res);
      // Its keep-alive connection is idle now; while stopping, idle connections go at once.
      if (stopping) setImmediate(() => server.closeIdleConnections());
    });
    if (stopping) res.setHeader("Connection", "close");
    handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${shown}:${address.port}`,
    async stop() {
      stopping = true;
      for (const res of inFlight) if (!res.headersSent) res.setHeader("Connection", "close");
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      let cut = 0;
      const timer = setTimeout(() => {
        cut = inFlight.size;
        server.closeAllConnections();
      }, graceMs);
      await closed;
      clearTimeout(timer);
      return { cut };
    },
    cutAll() {
      server.closeAllConnections();
    },
  } satisfies HttpServer;
}

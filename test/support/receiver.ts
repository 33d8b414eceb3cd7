import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { closeAfterTest, stopServer } from "./servers.js";

/** One delivery as the receiver got it. */
export interface Hit {
  at: number;
  path: string;
  headers: IncomingHttpHeaders;
  raw: string;
  // biome-ignore lint/suspicious/noExplicitAny: the body's shape is what the tests check
  body: any;
}

/** How the receiver answers a request: write to `res` (or leave it hanging). */
export type Answer = (hit: Hit, res: ServerResponse, nth: number) => void | Promise<void>;

export const ok: Answer = (_hit, res) => {
  res.writeHead(204);
  res.end();
};

export interface Receiver {
  url: string;
  port: number;
  hits: Hit[];
  /** Requests being answered right now, and the most at any moment. */
  maxInFlight: number;
  /** Waits until `count` requests arrived (or throws after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<Hit[]>;
  close(): Promise<void>;
}

/**
 * A real webhook receiver on 127.0.0.1 (a random port, or `port`), closed after the test. Every
 * request is kept; `answer` decides the reply (default 204).
 */
export async function receiver(answer: Answer = ok, port = 0): Promise<Receiver> {
  const hits: Hit[] = [];
  let inFlight = 0;
  const state = { maxInFlight: 0 };
  const server = createServer((req, res) => {
    let raw = "";
    req.setEncoding("utf8");
    req.on("data", (chunk) => {
      raw += chunk;
    });
    req.on("end", async () => {
      inFlight++;
      state.maxInFlight = Math.max(state.maxInFlight, inFlight);
      res.once("close", () => inFlight--);
      let body: unknown = null;
      try {
        body = JSON.parse(raw);
      } catch {
        // kept as raw
      }
      const hit = { at: Date.now(), path: req.url ?? "", headers: req.headers, raw, body };
      hits.push(hit);
      await answer(hit, res, hits.length);
    });
  });
  closeAfterTest(server);
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${bound}/hooks/promptrail`,
    port: bound,
    hits,
    get maxInFlight() {
      return state.maxInFlight;
    },
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (hits.length < count) {
        if (Date.now() > deadline) throw new Error(`got ${hits.length} of ${count} deliveries in ${timeoutMs} ms`);
        await sleep(10);
      }
      return hits;
    },
    close: () => stopServer(server),
  };
}

/**
 * What a receiver does with Promptrail-Signature (the README's recipe): the HMAC of
 * "<t>.<raw body>" with the secret, compared in constant time.
 */
export function signatureValid(hit: Hit, secret: string): boolean {
  const header = String(hit.headers["promptrail-signature"] ?? "");
  const parts = Object.fromEntries(header.split(",").map((p) => p.split("=", 2) as [string, string]));
  if (!parts.t || !parts.v1) return false;
  const expected = createHmac("sha256", secret).update(`${parts.t}.${hit.raw}`).digest();
  const given = Buffer.from(parts.v1, "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

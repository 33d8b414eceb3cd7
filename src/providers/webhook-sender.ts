import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import type { LookupFunction } from "node:net";
import { addressKind, addressRefusal, mayReach } from "../domain/addresses.js";
import { hostRefusal, LOGGED_ANSWER_BYTES } from "../domain/webhooks.js";

export interface WebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** Bounds the whole attempt: connecting, the answer's status, and reading its first 1 KiB. */
  timeoutMs: number;
  /** Whether loopback and private-network addresses may be reached (PROMPTRAIL_WEBHOOK_PRIVATE). */
  allowPrivate: boolean;
  /** Aborts the attempt (the server is stopping at once). */
  signal?: AbortSignal | undefined;
}

/** What one attempt got: the status (null: no answer), how long it took, why it failed, the answer's start. */
export interface WebhookAnswer {
  status: number | null;
  durationMs: number;
  error: string | null;
  /** The first 1 KiB of the answer's body, as text. */
  response: string | null;
}

export type SendWebhook = (request: WebhookRequest) => Promise<WebhookAnswer>;

/** Refused before any byte was sent: the address is not one a webhook may reach. */
class AddressRefused extends Error {}

/**
 * One POST to a receiver with node:http(s): no redirects followed (a 3xx is a failure), no
 * connection reuse, and every address the host name resolves to checked when the connection is
 * made — a name that resolves to a private address later (DNS rebinding) is caught then, not
 * only when the URL was saved. Never throws: every failure is the answer's `error`.
 */
/** Resolves a host name as dns.lookup does with `all: true` (injectable: tests resolve names as they like). */
export type Resolve = (hostname: string, callback: (error: Error | null, addresses: LookupAddress[]) => void) => void;

export const systemResolve: Resolve = (hostname, callback) => dnsLookup(hostname, { all: true }, callback);

export const sendWebhook: SendWebhook = (req) => send(req, systemResolve);

/** A sender that resolves host names with `resolve`. */
export const webhookSenderWith =
  (resolve: Resolve): SendWebhook =>
  (req) =>
    send(req, resolve);

function send(req: WebhookRequest, resolve: Resolve): Promise<WebhookAnswer> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise<WebhookAnswer>((settle) => {
    let status: number | null = null;
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    const done = (error: string | null, response: string | null = null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.signal?.removeEventListener("abort", onAbort);
      settle({ status, durationMs: elapsed(), error, response });
    };
    let url: URL;
    try {
      url = new URL(req.url);
      refuseLiteral(url.hostname, req.allowPrivate);
    } catch (error) {
      done(failureOf(error, req.timeoutMs));
      return;
    }
    const request = url.protocol === "https:" ? httpsRequest : httpRequest;
    const outgoing = request(url, {
      method: "POST",
      headers: { ...req.headers, "Content-Length": String(Buffer.byteLength(req.body)) },
      agent: false,
      lookup: checkedLookup(req.allowPrivate, resolve),
    });
    timer = setTimeout(() => outgoing.destroy(new Error("timeout")), req.timeoutMs);
    const onAbort = () => outgoing.destroy(new Error("aborted"));
    req.signal?.addEventListener("abort", onAbort, { once: true });
    outgoing.once("error", (error) => done(failureOf(error, req.timeoutMs)));
    outgoing.once("response", (answer) => {
      status = answer.statusCode ?? null;
      readStart(answer, (text) => {
        outgoing.destroy();
        done(problemOf(answer), text);
      });
    });
    outgoing.end(req.body);
  });
}

/** An IP literal never goes through `lookup`: it is checked here. */
function refuseLiteral(host: string, allowPrivate: boolean): void {
  const refused = hostRefusal(host, allowPrivate);
  if (refused) throw new AddressRefused(refused);
}

/** dns.lookup, refusing the connection when any address the name resolves to may not be reached. */
function checkedLookup(allowPrivate: boolean, resolve: Resolve): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, (error, addresses) => {
      if (error) return callback(error, "", 0);
      for (const { address } of addresses) {
        const kind = addressKind(address);
        if (kind && !mayReach(kind, allowPrivate))
          return callback(new AddressRefused(`${hostname} resolves to ${address}, ${addressRefusal(kind)}`), "", 0);
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const [first] = addresses;
      if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: "ENOTFOUND" }), "", 0);
      callback(null, first.address, first.family);
    });
  };
}

/** Reads up to 1 KiB of the answer, then stops: the rest is never needed. */
function readStart(answer: IncomingMessage, finish: (text: string | null) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let finished = false;
  const end = () => {
    if (finished) return;
    finished = true;
    const bytes = Buffer.concat(chunks).subarray(0, LOGGED_ANSWER_BYTES);
    // A character cut at the 1 KiB mark is dropped rather than shown as a replacement character.
    const text = new TextDecoder("utf-8").decode(bytes, { stream: true });
    finish(bytes.length === 0 ? null : text);
  };
  answer.on("data", (chunk: Buffer) => {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= LOGGED_ANSWER_BYTES) end();
  });
  answer.once("end", end);
  answer.once("error", end);
  answer.once("close", end);
}

function problemOf(answer: IncomingMessage): string | null {
  const status = answer.statusCode ?? 0;
  if (status >= 200 && status < 300) return null;
  if (status >= 300 && status < 400) {
    const to = answer.headers.location ? ` to ${answer.headers.location.slice(0, 200)}` : "";
    return `Redirect${to} not followed: give the webhook its final URL`;
  }
  return `The receiver answered ${status}`;
}

const CODES: Record<string, string> = {
  ECONNREFUSED: "Connection refused: nothing listens at that address and port",
  ECONNRESET: "The receiver closed the connection",
  ENOTFOUND: "No such host",
  EAI_AGAIN: "The host name could not be resolved now",
  EHOSTUNREACH: "The host cannot be reached",
  ENETUNREACH: "The network cannot be reached",
  ETIMEDOUT: "Connecting timed out",
};

/** A failure in words for the delivery log: never the request's headers or body. */
function failureOf(error: unknown, timeoutMs: number): string {
  if (error instanceof AddressRefused) return `Refused: ${error.message}`;
  const { code, message } = error as { code?: string; message?: string };
  if (message === "timeout") return `No answer within ${timeoutMs / 1000} s`;
  if (message === "aborted") return "Stopped: the server was shutting down";
  if (code && CODES[code]) return CODES[code];
  return String(message ?? error).slice(0, 300);
}

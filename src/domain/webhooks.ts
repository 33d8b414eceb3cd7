import { createHmac } from "node:crypto";
import { addressKind, addressRefusal, isLoopback, mayReach } from "./addresses.js";
import { httpUrl, MAX_BASE_URL, type UrlCheck } from "./endpoint.js";

/** docs/webhooks.md: a receiver has this long to answer 2xx; later is a failed attempt. */
export const DELIVERY_TIMEOUT_MS = 10_000;

/** About 10 s, 1 min, 5 min, 30 min, 2 h, 6 h between attempts; after the last, the delivery has failed. */
export const RETRY_DELAYS_MS: readonly number[] = [10_000, 60_000, 300_000, 1_800_000, 7_200_000, 21_600_000];

/** How much of an answer's body the delivery log keeps. */
export const LOGGED_ANSWER_BYTES = 1024;

/**
 * The `Promptrail-Signature` header: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`
 * keyed with the secret's UTF-8 bytes. Each attempt signs with its own time, so a receiver can
 * refuse old replays; the body is the same bytes every time.
 */
export function signatureHeader(secret: string, unixSeconds: number, body: string): string {
  const v1 = createHmac("sha256", secret).update(`${unixSeconds}.${body}`, "utf8").digest("hex");
  return `t=${unixSeconds},v1=${v1}`;
}

/**
 * The wait after the `failed`-th failed attempt (1 = the first), with ±20 % jitter so that many
 * deliveries failing together do not retry together; null once `delays` is used up (failed).
 */
export function retryDelay(failed: number, delays: readonly number[], random: () => number): number | null {
  const base = delays[failed - 1];
  if (base === undefined) return null;
  return Math.round(base * (0.8 + 0.4 * random()));
}

export const MAX_WEBHOOK_URL = MAX_BASE_URL;

/**
 * The URL to store (as the URL standard writes it) or why not: http(s), no credentials (the
 * signature proves who sent it), no fragment, and — when its host is an IP address or
 * `localhost` — an address a webhook may reach (see mayReach). Host names are checked again
 * on every attempt, against the addresses they resolve to then.
 */
export function checkWebhookUrl(raw: string, allowPrivate: boolean): UrlCheck {
  const value = raw.trim();
  const parsed = httpUrl(value, {
    example: "https://example.com/hooks/promptrail",
    credentials: "No user or password in the URL: receivers check the signature instead",
  });
  if (!parsed.ok) return parsed;
  if (value.includes("#")) return { ok: false, error: "No fragment (#): it is never sent to the receiver" };
  const refused = hostRefusal(parsed.url.hostname, allowPrivate);
  if (refused) return { ok: false, error: `Not allowed: ${refused}` };
  return { ok: true, url: parsed.url.href };
}

/**
 * Why a URL's host may not be reached, when that is known without DNS: an IP address, or
 * `localhost` and its subdomains, which always mean this machine (RFC 6761). Null otherwise.
 */
export function hostRefusal(hostname: string, allowPrivate: boolean): string | null {
  const host = hostname.replace(/^\[|\]$/g, "");
  const kind = isLoopback(host) ? "loopback" : addressKind(host);
  return kind && !mayReach(kind, allowPrivate) ? `${host} is ${addressRefusal(kind)}` : null;
}

/** Which changes a webhook takes: its event types and stages (each empty: all). */
export interface WebhookFilter {
  types: readonly string[];
  stages: readonly string[];
}

/** docs/webhooks.md: `stages` filters by the version's stage after the change. */
export function wants(filter: WebhookFilter, type: string, stage: string | null): boolean {
  if (filter.types.length > 0 && !filter.types.includes(type)) return false;
  return filter.stages.length === 0 || (stage !== null && filter.stages.includes(stage));
}

/** The JSON body of a delivery, docs/webhooks.md: `{id, type, at, actor, prompt, version, stage, data}`. */
export interface DeliveryBody {
  /** The delivery's id (the same as Promptrail-Delivery): receivers dedupe by it. */
  id: string;
  type: string;
  at: string;
  actor: string;
  prompt: string | null;
  version: string | null;
  stage: string | null;
  /** The event's detail as the log keeps it. */
  data: Record<string, unknown>;
}

/** The body's text, its keys always in the documented order (docs/webhooks.md). */
export function deliveryJson(body: DeliveryBody): string {
  const { id, type, at, actor, prompt, version, stage, data } = body;
  return JSON.stringify({ id, type, at, actor, prompt, version, stage, data });
}

import { randomUUID } from "node:crypto";
import { DELIVERY_TIMEOUT_MS, RETRY_DELAYS_MS, retryDelay, signatureHeader } from "../domain/webhooks.js";
import { type SendWebhook, sendWebhook, type WebhookAnswer } from "../providers/webhook-sender.js";
import { type ClaimedRow, claimDue, pruneDeliveries, recordAttempt } from "../store/webhooks.store.js";
import type { ServiceDeps } from "./context.js";
import { inTransaction } from "./transaction.js";

/** How deliveries are sent; every part injectable so that tests neither wait minutes nor reach out. */
export interface WebhookSettings {
  /** Loopback and private networks may be reached (PROMPTRAIL_WEBHOOK_PRIVATE=1). */
  allowPrivate: boolean;
  /** The waits between attempts; after the last one a delivery has failed. */
  retryDelaysMs: readonly number[];
  /** A receiver's time to answer 2xx. */
  timeoutMs: number;
  /** How long a claimed delivery is a sender's alone; longer than `timeoutMs`. */
  leaseMs: number;
  send: SendWebhook;
  random: () => number;
}

const DEFAULT_WEBHOOK_SETTINGS: WebhookSettings = {
  allowPrivate: false,
  retryDelaysMs: RETRY_DELAYS_MS,
  timeoutMs: DELIVERY_TIMEOUT_MS,
  leaseMs: 60_000,
  send: sendWebhook,
  random: Math.random,
};

/**
 * Deliveries of one webhook in flight at once (leased), in every process together. A slow
 * receiver holds up only its own webhook's queue; MAX_WEBHOOKS × PER_WEBHOOK ≤ the worker's
 * concurrency, so every webhook always has its own slot (docs/limits.md).
 */
export const PER_WEBHOOK = 2;

/** A webhook's finished deliveries kept for its log; older ones go. */
const KEPT_DELIVERIES = 1000;

export type WebhookDeps = ServiceDeps & { webhooks?: Partial<WebhookSettings> | undefined };

function webhookSettings(deps: WebhookDeps): WebhookSettings {
  return { ...DEFAULT_WEBHOOK_SETTINGS, ...deps.webhooks };
}

/** A delivery leased to one sender. */
export type Claimed = ClaimedRow;

export interface AttemptOutcome {
  delivered: boolean;
  answer: WebhookAnswer;
  /** When the next attempt is due; null when delivered or failed for good. */
  next: string | null;
}

/**
 * docs/webhooks.md, sending: claims due deliveries with a lease, POSTs each one signed, and records the
 * attempt — delivered on a 2xx, else due again after the backoff, or failed when it is used up.
 */
export function createDeliveriesService(deps: WebhookDeps) {
  const { db } = deps;
  const settings = webhookSettings(deps);
  const now = () => (deps.now ? deps.now() : new Date());
  return {
    settings,

    /**
     * Leases up to `limit` due deliveries to a fresh token, at most PER_WEBHOOK in flight per
     * webhook across every process (one transaction: the leases counted are the leases there are).
     */
    claim(limit: number): Promise<Claimed[]> {
      const at = now();
      const opts = {
        now: at.toISOString(),
        until: new Date(at.getTime() + settings.leaseMs).toISOString(),
        token: randomUUID(),
        limit,
        perWebhook: PER_WEBHOOK,
      };
      return inTransaction(db, (tx) => claimDue(tx, opts));
    },

    /** One attempt at a claimed delivery; with `retry: false` a failure is final (a test delivery). */
    async attempt(d: Claimed, options: { retry?: boolean; signal?: AbortSignal } = {}): Promise<AttemptOutcome> {
      const started = now();
      const answer = await settings.send({
        url: d.url,
        headers: deliveryHeaders(d, d.secret, Math.floor(started.getTime() / 1000)),
        body: d.body,
        timeoutMs: settings.timeoutMs,
        allowPrivate: settings.allowPrivate,
        signal: options.signal,
      });
      const delivered = answer.status !== null && answer.status >= 200 && answer.status < 300;
      const attempts = d.attempts + 1;
      const wait =
        delivered || options.retry === false ? null : retryDelay(attempts, settings.retryDelaysMs, settings.random);
      const ended = now();
      const next = wait === null ? null : new Date(ended.getTime() + wait).toISOString();
      await inTransaction(db, async (tx) => {
        await recordAttempt(tx, d.id, d.lease_token, {
          status: delivered ? "delivered" : wait === null ? "failed" : "pending",
          attempts,
          nextAttemptAt: next ?? d.next_attempt_at,
          finishedAt: delivered || wait === null ? ended.toISOString() : null,
          attempt: {
            at: started.toISOString(),
            http_status: answer.status,
            duration_ms: answer.durationMs,
            error: answer.error?.slice(0, 1000) ?? null,
            response: answer.response,
          },
        });
        if (delivered || wait === null) await pruneDeliveries(tx, d.webhook_id, KEPT_DELIVERIES);
      });
      return { delivered, answer, next };
    },
  };
}

export type DeliveriesService = ReturnType<typeof createDeliveriesService>;

/** docs/webhooks.md's headers; the signature is made at the time of each attempt. */
function deliveryHeaders(d: { type: string; uuid: string; body: string }, secret: string, unixSeconds: number) {
  return {
    "Content-Type": "application/json",
    "User-Agent": "Promptrail-Webhook/1",
    "Promptrail-Event": d.type,
    "Promptrail-Delivery": d.uuid,
    "Promptrail-Signature": signatureHeader(secret, unixSeconds, d.body),
  };
}

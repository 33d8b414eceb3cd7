import type { EventType } from "../domain/events.js";
import type { Stage } from "../domain/stage.js";

/** A receiver of changes (docs/webhooks.md). Its secret is not here: it is shown once, when created. */
export interface Webhook {
  id: number;
  url: string;
  /** Event types it takes; empty: all. */
  types: EventType[];
  /** Stages it takes (the version's stage after the change); empty: all. */
  stages: Stage[];
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

export type DeliveryStatus = "pending" | "delivered" | "failed";

/** One attempt to deliver, as the log keeps it. */
export interface DeliveryAttempt {
  at: string;
  /** The receiver's HTTP status; null when there was no answer. */
  status: number | null;
  durationMs: number;
  error: string | null;
  /** The first 1 KiB of the answer. */
  response: string | null;
}

/** One event sent (or to be sent) to one webhook, with every attempt. */
export interface Delivery {
  /** What receivers see in Promptrail-Delivery and dedupe by. */
  id: string;
  type: string;
  prompt: string | null;
  version: string | null;
  stage: string | null;
  status: DeliveryStatus;
  /** Attempts since it was queued or redelivered. */
  attempts: number;
  /** When the next attempt is due (pending only). */
  nextAttemptAt: string | null;
  createdAt: string;
  finishedAt: string | null;
  log: DeliveryAttempt[];
}

/** A webhook with how its latest delivery went (the list of webhooks). */
export interface WebhookSummary extends Webhook {
  latest: Delivery | null;
}

/** A webhook's page: the webhook and one page of its deliveries, newest first. */
export interface WebhookDetail {
  webhook: Webhook;
  deliveries: Delivery[];
  nextCursor: number | null;
}

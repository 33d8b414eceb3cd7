import {
  type AttemptOutcome,
  type Claimed,
  type DeliveriesService,
  PER_WEBHOOK,
} from "../services/deliveries.service.js";
import { MAX_WEBHOOKS } from "../services/webhooks.service.js";

/**
 * Deliveries sent at once by one worker: every webhook's share (PER_WEBHOOK) for the most
 * webhooks there may be, so a slow receiver's webhooks never use the slots of the others.
 */
export const DELIVERY_CONCURRENCY = MAX_WEBHOOKS * PER_WEBHOOK;

export interface WorkerOptions {
  deliveries: DeliveriesService;
  /** Whether any connection, in any process, committed since the last call (Db.watchCommits()). */
  changed: () => boolean;
  /** How often `changed` is asked: a committed change goes out within about this long. */
  tickMs?: number;
  /** How often the outbox is read without a commit (retries falling due). */
  pollMs?: number;
  /** Deliveries sent at once. */
  concurrency?: number;
  /** One line per attempt; never the URL (it may hold a token), the secret or the body. */
  log?: (entry: Record<string, unknown>) => void;
}

export interface WebhookWorker {
  /** Claims nothing more and waits for the attempts in flight (each bounded by the delivery timeout). */
  stop(): Promise<void>;
  /** Aborts the attempts in flight: each is logged as stopped and retried after its backoff. */
  cut(): void;
}

/**
 * docs/webhooks.md: the worker in the server that sends the outbox after commit. It reads the outbox
 * when anything commits (a cheap check every `tickMs`) and every `pollMs`, claims what is due
 * with a lease (so another process on the same database never sends the same delivery at the
 * same time), and sends up to `concurrency` at once, at most PER_WEBHOOK per webhook. All state is in the database: a worker
 * that dies leaves leases that run out, and the deliveries are sent by the next one.
 */
export function startWebhookWorker(options: WorkerOptions): WebhookWorker {
  const { deliveries, changed, tickMs = 100, pollMs = 1000, concurrency = DELIVERY_CONCURRENCY, log } = options;
  const inFlight = new Map<number, { controller: AbortController; done: Promise<void> }>();
  let stopping = false;
  let reading: Promise<void> | null = null;
  let lastRead = 0;
  let more = true;

  const tick = () => {
    if (stopping || reading) return;
    // Read when something committed, when the last read filled every free slot, or on the poll.
    const due = changed() || more || Date.now() - lastRead >= pollMs;
    if (!due || inFlight.size >= concurrency) return;
    reading = read()
      .catch((error: unknown) => log?.({ msg: "webhook worker could not read the outbox", error: String(error) }))
      .finally(() => {
        reading = null;
      });
  };

  async function read(): Promise<void> {
    lastRead = Date.now();
    const free = concurrency - inFlight.size;
    const claimed = await deliveries.claim(free);
    more = claimed.length === free;
    for (const d of claimed) send(d);
  }

  function send(d: Claimed): void {
    const controller = new AbortController();
    const done = deliveries
      .attempt(d, { signal: controller.signal })
      .then((outcome) => log?.(lineOf(d, outcome)))
      .catch((error: unknown) => log?.({ msg: "webhook attempt not recorded", delivery: d.uuid, error: String(error) }))
      .finally(() => {
        inFlight.delete(d.id);
        more = true;
      });
    inFlight.set(d.id, { controller, done });
  }

  const timer = setInterval(tick, tickMs);
  timer.unref();
  tick();

  return {
    async stop() {
      stopping = true;
      clearInterval(timer);
      await reading;
      await Promise.all([...inFlight.values()].map((f) => f.done));
    },
    cut() {
      for (const f of inFlight.values()) f.controller.abort();
    },
  };
}

function lineOf(d: Claimed, { delivered, answer, next }: AttemptOutcome): Record<string, unknown> {
  return {
    msg: delivered ? "webhook delivered" : next ? "webhook attempt failed; will retry" : "webhook delivery failed",
    webhook: d.webhook_id,
    delivery: d.uuid,
    type: d.type,
    attempt: d.attempts + 1,
    status: answer.status,
    ms: answer.durationMs,
    ...(answer.error ? { error: answer.error } : {}),
    ...(next ? { next } : {}),
  };
}

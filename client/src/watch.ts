import { PromptrailError } from "./errors.js";
import { sseParser } from "./sse.js";
import type { Change } from "./types.js";

export interface WatchOptions {
  /** Resume after this change (a `seq` seen before); without it the stream starts with the next change. */
  lastEventId?: string | number;
  /** Told of every failure (a refused or dropped connection, a change the callback threw on); never thrown. */
  onError?: (error: unknown) => void;
  /** Ends the watch, like `close()`. */
  signal?: AbortSignal;
  /** With nothing received for this long (the server sends a comment every 15 s), the connection is presumed dead. */
  idleTimeoutMs?: number;
  /** The longest wait between two attempts to reconnect. */
  maxDelayMs?: number;
}

export interface Watch {
  /** Stops following; the connection is closed and no callback runs after this. */
  close(): void;
  /** The `seq` of the last change handed to the callback, to resume with later. */
  readonly lastEventId: string | null;
}

export interface WatchConnection {
  url: string;
  headers: Record<string, string>;
  fetch: typeof fetch;
  connectTimeoutMs: number;
}

const FIRST_DELAY_MS = 500;

/**
 * Follows GET /changes: each change goes to `onChange` once, in order. A connection that is
 * refused, drops, goes silent or is cut mid-event is opened again after a delay that doubles
 * up to `maxDelayMs` (with jitter, so that many clients do not come back at once), resuming with
 * Last-Event-ID after the last complete change: nothing is missed, nothing repeated. Nothing in
 * here throws into the host application: failures and a throwing callback go to `onError`.
 */
export function watchChanges(conn: WatchConnection, onChange: (change: Change) => unknown, options: WatchOptions = {}) {
  const { idleTimeoutMs = 45_000, maxDelayMs = 30_000 } = options;
  const report = (error: unknown) => {
    try {
      options.onError?.(error);
    } catch {
      // An error handler that throws must not end the watch either.
    }
  };
  let lastEventId = options.lastEventId === undefined ? null : String(options.lastEventId);
  let closed = false;
  let current: AbortController | undefined;
  let sleeping: { timer: ReturnType<typeof setTimeout>; wake: () => void } | undefined;
  /** The connection in progress got its 200 stream: a failure after it starts the backoff over. */
  let connected = false;

  const close = () => {
    closed = true;
    current?.abort();
    if (sleeping) {
      clearTimeout(sleeping.timer);
      sleeping.wake();
    }
  };
  if (options.signal?.aborted) closed = true;
  options.signal?.addEventListener("abort", close, { once: true });

  const deliver = (data: string, id: string | null) => {
    let change: Change;
    try {
      change = JSON.parse(data) as Change;
    } catch (error) {
      report(
        new PromptrailError("bad_event", `A change that is not JSON was skipped: ${data.slice(0, 100)}`, {
          cause: error,
        }),
      );
      return;
    }
    if (id !== null) lastEventId = id;
    try {
      const result = onChange(change);
      if (result instanceof Promise) result.catch(report);
    } catch (error) {
      report(error);
    }
  };

  /** One connection, to its end. Answers whether it got through (a 200 stream), and the server's retry. */
  async function follow(): Promise<{ opened: boolean; retry?: number }> {
    const controller = new AbortController();
    current = controller;
    let retry: number | undefined;
    let idle: ReturnType<typeof setTimeout> | undefined;
    const arm = (ms: number) => {
      clearTimeout(idle);
      idle = setTimeout(
        () => controller.abort(new PromptrailError("idle", `Nothing from the change stream for ${ms} ms`)),
        ms,
      );
    };
    arm(conn.connectTimeoutMs);
    try {
      const headers = { ...conn.headers, ...(lastEventId !== null && { "last-event-id": lastEventId }) };
      const res = await conn.fetch(conn.url, { headers, signal: controller.signal });
      const type = res.headers.get("content-type") ?? "";
      if (res.status !== 200 || !type.startsWith("text/event-stream") || !res.body) {
        const text = await res.text().catch(() => "");
        // A resume point this server does not know (another registry's id): start afresh.
        if (res.status === 400 && lastEventId !== null) lastEventId = null;
        throw new PromptrailError(
          codeOf(text, res.status),
          `GET /changes answered ${res.status} ${type}: ${text.slice(0, 200)}`,
          {
            status: res.status,
          },
        );
      }
      connected = true;
      arm(idleTimeoutMs);
      const parser = sseParser({ event: (e) => deliver(e.data, e.id), retry: (ms) => (retry = ms) });
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      for (;;) {
        const { done, value } = await reader.read();
        if (done || closed) break;
        arm(idleTimeoutMs);
        parser.push(decoder.decode(value, { stream: true }));
      }
      return { opened: true, ...(retry !== undefined && { retry }) };
    } finally {
      clearTimeout(idle);
      controller.abort();
    }
  }

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      sleeping = { timer: setTimeout(resolve, ms), wake: resolve };
    });

  async function run(): Promise<void> {
    let failures = 0;
    while (!closed) {
      let wait: number;
      connected = false;
      try {
        const { opened, retry } = await follow();
        // The server ended the stream (it is stopping): come back after the delay it asked for.
        failures = opened ? 0 : failures + 1;
        wait = retry ?? FIRST_DELAY_MS;
      } catch (error) {
        if (closed) break;
        report(error);
        failures = connected ? 1 : failures + 1;
        const base = Math.min(maxDelayMs, FIRST_DELAY_MS * 2 ** (failures - 1));
        wait = base / 2 + Math.random() * (base / 2);
      }
      if (!closed) await pause(wait);
    }
  }

  run().catch(report);
  return {
    close,
    get lastEventId() {
      return lastEventId;
    },
  } satisfies Watch;
}

function codeOf(text: string, status: number): string {
  try {
    const code = (JSON.parse(text) as { error?: { code?: unknown } }).error?.code;
    if (typeof code === "string") return code;
  } catch {
    // not a Promptrail error body
  }
  return status >= 500 ? "unavailable" : "bad_answer";
}

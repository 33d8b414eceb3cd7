import { Hono } from "hono";
import { type Change, parseLastEventId, sseComment, sseEvent } from "../../domain/changes.js";
import { DomainError } from "../../domain/errors.js";
import type { ChangeFeed, ChangeSink } from "../../services/change-feed.service.js";
import type { Services } from "../../services/index.js";
import { admitReader } from "../auth.js";
import { BASE_HEADERS } from "../headers.js";
import { refuseAsJson } from "../on-error.js";
import type { RequestNotes } from "../request-notes.js";

/** How long EventSource waits before it reconnects after the stream ends (the `retry:` field). */
const RETRY_MS = 2_000;
/** Bytes a subscriber may leave unread before its stream is ended (it resumes with Last-Event-ID). */
export const MAX_UNREAD = 1024 * 1024;
/** What the stream queues before it tells a catch-up to wait for the reader. */
const HIGH_WATER = 64 * 1024;

const STREAM_HEADERS = {
  ...BASE_HEADERS,
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  // nginx buffers answers unless told not to; a buffered stream arrives late or never.
  "x-accel-buffering": "no",
};

const encoder = new TextEncoder();
/** Every subscriber gets the same Change object: its bytes are made once, whoever reads it. */
const framed = new WeakMap<Change, Uint8Array>();
function bytesOf(change: Change): Uint8Array {
  let bytes = framed.get(change);
  if (!bytes) {
    bytes = encoder.encode(sseEvent(change));
    framed.set(change, bytes);
  }
  return bytes;
}
const HEARTBEAT = encoder.encode(sseComment("keep-alive"));

/**
 * GET /changes (docs/applications.md, "The change stream"): Server-Sent Events of every committed
 * change, resumable with Last-Event-ID. The runtime read's access rules, checked here before
 * the access middleware (which would send a person without a session to the sign-in page): a
 * program gets 401 with `WWW-Authenticate`, never a redirect.
 */
export function createChangeRoutes(services: Services, notes: RequestNotes, feed: ChangeFeed, maxUnread = MAX_UNREAD) {
  return new Hono().get("/changes", async (c) => {
    try {
      await admitReader(c, services, notes);
    } catch (error) {
      return refuseAsJson(c, error);
    }
    const after = parseLastEventId(c.req.header("last-event-id"));
    if (after === undefined)
      return refuseAsJson(
        c,
        new DomainError("bad_request", "Last-Event-ID must be the id of a change this stream sent (digits only)"),
      );
    // HEAD: the headers a stream would have, and no stream that never ends.
    if (c.req.method === "HEAD") return new Response(null, { status: 200, headers: STREAM_HEADERS });
    return openStream(feed, after, maxUnread);
  });
}

/**
 * The stream: a ReadableStream the feed writes into. A subscriber that leaves more than
 * `maxUnread` bytes unread is ended rather than buffered without bound; one that goes away
 * (the socket closes, the body is cancelled) is unsubscribed.
 */
async function openStream(feed: ChangeFeed, after: number | null, maxUnread: number): Promise<Response> {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let unsubscribe: (() => void) | undefined;
  let wake: (() => void) | undefined;
  let ended = false;
  const stop = () => {
    ended = true;
    unsubscribe?.();
    wake?.();
  };
  const push = (bytes: Uint8Array) => {
    if (ended) return;
    controller.enqueue(bytes);
    // What is queued and not yet read: the high-water mark less what the stream still desires.
    if (HIGH_WATER - (controller.desiredSize ?? 0) > maxUnread) sink.end();
  };
  const sink: ChangeSink = {
    open: (seq) => push(encoder.encode(`retry: ${RETRY_MS}\n${sseComment(`changes after ${seq}`)}`)),
    send: (changes) => {
      for (const change of changes) push(bytesOf(change));
    },
    heartbeat: () => push(HEARTBEAT),
    end: () => {
      if (ended) return;
      stop();
      controller.close();
    },
    ready: () =>
      ended || (controller.desiredSize ?? 0) > 0 ? Promise.resolve() : new Promise<void>((resolve) => (wake = resolve)),
  };
  const body = new ReadableStream<Uint8Array>(
    {
      start: (ctl) => {
        controller = ctl;
      },
      pull: () => {
        const waiting = wake;
        wake = undefined;
        waiting?.();
      },
      cancel: stop,
    },
    { highWaterMark: HIGH_WATER, size: (chunk) => chunk.byteLength },
  );
  unsubscribe = await feed.subscribe(after, sink);
  if (ended) unsubscribe();
  return new Response(body, { status: 200, headers: STREAM_HEADERS });
}

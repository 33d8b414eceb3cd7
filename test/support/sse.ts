/** One Server-Sent Event as a reader sees it: its fields, or a comment. */
export interface SseMessage {
  event?: string;
  id?: string;
  data?: string;
  retry?: string;
  comment?: string;
}

/**
 * Reads a `text/event-stream` body as it arrives, message by message, for tests: `next()` waits
 * for the next message that passes `keep` (or for the stream's end: null), failing after
 * `timeoutMs` so that a missing event fails the test instead of hanging it.
 */
export function sseReader(body: ReadableStream<Uint8Array>) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  const queued: SseMessage[] = [];
  let done = false;
  /** A read still pending when a wait timed out: the next wait takes it over, so no chunk is lost. */
  let pending: Promise<ReadableStreamReadResult<Uint8Array>> | undefined;

  function parse(block: string): SseMessage {
    const message: SseMessage = {};
    for (const line of block.split("\n")) {
      if (line.startsWith(":")) message.comment = line.slice(1).trim();
      else {
        const colon = line.indexOf(":");
        const field = colon === -1 ? line : line.slice(0, colon);
        const value = colon === -1 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "event" || field === "id" || field === "data" || field === "retry") message[field] = value;
      }
    }
    return message;
  }

  async function fill(deadline: number): Promise<boolean> {
    for (;;) {
      const end = buffer.indexOf("\n\n");
      if (end !== -1) {
        queued.push(parse(buffer.slice(0, end)));
        buffer = buffer.slice(end + 2);
        return true;
      }
      if (done) return false;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no complete event within the time allowed; received so far: ${buffer}`);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), left);
      });
      pending ??= reader.read();
      const chunk = await Promise.race([pending, timeout]);
      clearTimeout(timer);
      if (chunk === "timeout") continue;
      pending = undefined;
      if (chunk.done) done = true;
      else buffer += decoder.decode(chunk.value, { stream: true });
    }
  }

  return {
    async next(keep: (m: SseMessage) => boolean = () => true, timeoutMs = 5_000): Promise<SseMessage | null> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const message = queued.shift();
        if (message) {
          if (keep(message)) return message;
          continue;
        }
        if (!(await fill(deadline))) return null;
      }
    },
    /** The next change event (comments skipped), its data parsed. */
    async change(timeoutMs = 5_000) {
      const message = await this.next((m) => m.data !== undefined, timeoutMs);
      if (!message) return null;
      return { event: message.event, id: message.id, data: JSON.parse(message.data ?? "null") };
    },
    cancel: () => reader.cancel().catch(() => undefined),
  };
}

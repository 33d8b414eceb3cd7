/** A dispatched Server-Sent Event. `id` is the last event id in force when it was dispatched. */
export interface SseEvent {
  type: string;
  data: string;
  id: string | null;
}

export interface SseHandlers {
  event(event: SseEvent): void;
  retry?(ms: number): void;
  comment?(text: string): void;
}

/**
 * An incremental `text/event-stream` parser, as the HTML standard's EventSource parses: lines end
 * with LF, CRLF or CR (also across chunks); a blank line dispatches; `data` lines join with LF;
 * an `id` with NUL is ignored; a comment line starts with ':'. An event still open when the stream
 * ends is never dispatched, so a stream cut mid-event loses nothing: its id was not reached.
 */
export function sseParser(handlers: SseHandlers) {
  let buffer = "";
  let afterCr = false;
  let type = "";
  let data: string[] = [];
  /** The `id` read in the event being parsed; it takes effect only when the event is complete. */
  let idBuffer: string | null = null;
  let id: string | null = null;

  function line(text: string): void {
    if (text === "") {
      id = idBuffer;
      if (data.length > 0) handlers.event({ type: type || "message", data: data.join("\n"), id });
      type = "";
      data = [];
      return;
    }
    if (text.startsWith(":")) {
      handlers.comment?.(text.slice(1).trimStart());
      return;
    }
    const colon = text.indexOf(":");
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? "" : text.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") type = value;
    else if (field === "data") data.push(value);
    else if (field === "id" && !value.includes("\u0000")) idBuffer = value;
    else if (field === "retry" && /^\d+$/.test(value)) handlers.retry?.(Number(value));
  }

  return {
    push(chunk: string): void {
      let text = chunk;
      if (afterCr && text.startsWith("\n")) text = text.slice(1);
      afterCr = false;
      buffer += text;
      let start = 0;
      for (let i = 0; i < buffer.length; i++) {
        const c = buffer.charCodeAt(i);
        if (c !== 10 && c !== 13) continue;
        line(buffer.slice(start, i));
        if (c === 13) {
          if (i + 1 === buffer.length) afterCr = true;
          else if (buffer.charCodeAt(i + 1) === 10) i++;
        }
        start = i + 1;
      }
      buffer = buffer.slice(start);
    },
    /** The id of the last complete event, to resume with. */
    get lastEventId(): string | null {
      return id;
    },
  };
}

import type { IncomingMessage, RequestListener } from "node:http";
import { errorFields, type RequestNotes } from "../http/request-notes.js";

export type LogFormat = "off" | "text" | "json";

/** Buffered text is written once it passes this many characters, else this many ms after its first line. */
const FLUSH_AT = 64 * 1024;
const FLUSH_MS = 10;

/**
 * The server's log on one stream (stdout): one line per request, failures, and the server's own
 * lines (start, stop, webhook attempts). Every line is one JSON object in `json`; in `text`
 * every control character is escaped, so no path, actor or error message can start a line of
 * its own. `off` silences the request lines only.
 *
 * Request and failure lines are buffered and written together at most 10 ms after the first of
 * them (or at 64 KiB); a line of the server's own is written at once, after what is buffered:
 * on a pipe, node writes synchronously, one system call a write; a call per request cost the
 * runtime read about a quarter of its throughput, and one per turn of the event loop still a
 * few percent under load (docs/performance.md). What is buffered at a crash is written by the
 * process's `exit` handler that `serve` installs (flush is synchronous).
 */
export interface ServerLog extends RequestNotes {
  /** Wraps a node:http listener: one line per request when its response closes. */
  requests(handle: RequestListener): RequestListener;
  /** A line of the server's own: `msg` and fields. */
  event(entry: Record<string, unknown>): void;
  /** Writes whatever is buffered, now. */
  flush(): void;
}

/** A line's fields, in the order they are written. */
interface RequestLine {
  time: string;
  method: string;
  path: string;
  status: number;
  ms: number;
  actor: string;
  aborted?: true;
}

export function createServerLog(format: LogFormat, write: (text: string) => void): ServerLog {
  let buffer = "";
  let scheduled = false;
  const actors = new WeakMap<IncomingMessage, string>();
  // Requests that arrive within one millisecond share their time's text.
  let shownAt = Number.NaN;
  let shown = "";
  const timeOf = (ms: number) => {
    const whole = Math.floor(ms);
    if (whole !== shownAt) {
      shownAt = whole;
      shown = new Date(whole).toISOString();
    }
    return shown;
  };

  function flush(): void {
    scheduled = false;
    if (buffer === "") return;
    const text = buffer;
    buffer = "";
    write(text);
  }

  function add(line: string): void {
    buffer += `${line}\n`;
    if (buffer.length >= FLUSH_AT) flush();
    else if (!scheduled) {
      scheduled = true;
      setTimeout(flush, FLUSH_MS);
    }
  }

  const json = format === "json";

  return {
    requests(handle) {
      if (format === "off") return handle;
      return (req, res) => {
        const started = performance.now();
        // 'close' comes once per response: `on` spares the wrapper `once` would allocate.
        res.on("close", () => {
          const ms = performance.now() - started;
          const entry: RequestLine = {
            time: timeOf(performance.timeOrigin + started),
            method: req.method ?? "",
            path: pathOf(req.url),
            status: res.statusCode,
            ms: Math.round(ms * 10) / 10,
            actor: actors.get(req) ?? "local",
          };
          if (!res.writableFinished) entry.aborted = true;
          add(json ? JSON.stringify(entry) : requestText(entry));
        });
        handle(req, res);
      };
    },
    identified(incoming, actor) {
      actors.set(incoming, actor);
    },
    failed(request, message, error) {
      const time = new Date().toISOString();
      const { error: detail } = errorFields(error);
      if (json) add(JSON.stringify({ time, level: "error", msg: message, ...request, error: detail }));
      else add(oneLine(`${time} ${request.method} ${request.path} ${message}${detail ? `: ${detail}` : ""}`));
    },
    event(entry) {
      // The server's own lines (listening, stopping) are rare and awaited by whoever started it: now.
      add(json ? JSON.stringify({ time: new Date().toISOString(), ...entry }) : textOf(entry));
      flush();
    },
    flush,
  };
}

function pathOf(url: string | undefined): string {
  const path = url ?? "";
  const query = path.indexOf("?");
  return query === -1 ? path : path.slice(0, query);
}

function requestText(e: RequestLine): string {
  return oneLine(`${e.time} ${e.method} ${e.path} ${e.status} ${e.ms}ms ${e.actor}${e.aborted ? " aborted" : ""}`);
}

/** `msg key=value …`, every value on the same line. */
function textOf({ msg, ...rest }: Record<string, unknown>): string {
  const fields = Object.entries(rest).map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`);
  return oneLine([String(msg), ...fields].join(" "));
}

/** C0 and C1 controls, DEL, the Unicode line and paragraph separators, and the backslash. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is its purpose
const UNSAFE = /[\\\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/** Makes text one line a terminal shows as it is: `\n`, `\x1b`, `\u2028`, `\\`. */
export function oneLine(text: string): string {
  return text.replace(UNSAFE, (ch) => {
    if (ch === "\\") return "\\\\";
    if (ch === "\n") return "\\n";
    if (ch === "\r") return "\\r";
    if (ch === "\t") return "\\t";
    const code = ch.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16)}`;
  });
}

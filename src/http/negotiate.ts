import type { Context } from "hono";
import { accepts } from "hono/accepts";
import { type Accept, parseAccept } from "hono/utils/accept";

/** What a request gets back: a full page, an htmx fragment, or JSON. */
export type Representation = "page" | "fragment" | "json";

/**
 * The q-value an Accept header (as hono parses it) gives a media type: its most specific
 * matching range wins; no header accepts everything.
 */
function quality(ranges: Accept[], mediaType: string): number {
  const [type, subtype] = mediaType.split("/");
  let best = -1;
  let specificity = -1;
  for (const r of ranges) {
    const [rt, rs] = r.type.toLowerCase().split("/");
    const s = rt === type && rs === subtype ? 2 : rt === type && rs === "*" ? 1 : rt === "*" ? 0 : -1;
    if (s > specificity) {
      specificity = s;
      best = r.q;
    }
  }
  return ranges.length === 0 ? 1 : Math.max(best, 0);
}

/** Whether the ranges rank `a` strictly above every type in `others`. */
function prefers(ranges: Accept[], a: string, others: string[]): boolean {
  const qa = quality(ranges, a);
  return qa > 0 && others.every((o) => qa > quality(ranges, o));
}

const JSON_TYPE = "application/json";
const HTML = "text/html";

/**
 * Which of JSON and HTML the Accept header ranks strictly above the other; "" for neither (a tie,
 * `*\/*`, no header). hono/accepts reads the header; the ranking is ours, since its default
 * match gives a tie to the type listed first and never matches `*\/*`.
 */
function preferred(c: Context): string {
  return accepts(c, {
    header: "Accept",
    supports: [JSON_TYPE, HTML],
    default: "",
    match: (ranges) =>
      prefers(ranges, JSON_TYPE, [HTML]) ? JSON_TYPE : prefers(ranges, HTML, [JSON_TYPE]) ? HTML : "",
  });
}

/**
 * docs/api.md: JSON when Accept prefers it over HTML, or when the body is JSON and Accept does not
 * prefer HTML; otherwise a fragment for htmx, a page for everyone else.
 */
export function negotiate(c: Context): Representation {
  const wanted = preferred(c);
  if (wanted === JSON_TYPE) return "json";
  const jsonBody = /^application\/(.+\+)?json\b/i.test(c.req.header("content-type") ?? "");
  if (jsonBody && wanted !== HTML) return "json";
  const htmx = c.req.header("hx-request") === "true" && c.req.header("hx-history-restore-request") !== "true";
  return htmx ? "fragment" : "page";
}

/** The runtime read and /healthz: JSON unless Accept ranks plain text or HTML higher (ties go to JSON). */
export function negotiateRead(accept: string | undefined): "json" | "text" | "html" {
  const ranges = parseAccept(accept ?? "");
  const json = quality(ranges, "application/json");
  const text = quality(ranges, "text/plain");
  const html = quality(ranges, "text/html");
  if (text > json && text >= html) return "text";
  if (html > json && html > text) return "html";
  return "json";
}

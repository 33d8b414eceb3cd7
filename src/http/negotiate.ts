import type { Context } from "hono";

/** What a request gets back: a full page, an htmx fragment, or JSON. */
export type Representation = "page" | "fragment" | "json";

interface MediaRange {
  type: string;
  subtype: string;
  q: number;
}

function parseAccept(header: string | undefined): MediaRange[] {
  if (!header) return [];
  return header.split(",").flatMap((part) => {
    const [range = "", ...params] = part.trim().split(";");
    const [type, subtype] = range.trim().toLowerCase().split("/");
    if (!type || !subtype) return [];
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    return Number.isFinite(q) ? [{ type, subtype, q }] : [];
  });
}

/** The q-value an Accept header gives a media type: its most specific matching range wins. */
function quality(ranges: MediaRange[], mediaType: string): number {
  const [type, subtype] = mediaType.split("/");
  let best = -1;
  let specificity = -1;
  for (const r of ranges) {
    const s =
      r.type === type && r.subtype === subtype ? 2 : r.type === type && r.subtype === "*" ? 1 : r.type === "*" ? 0 : -1;
    if (s > specificity) {
      specificity = s;
      best = r.q;
    }
  }
  return ranges.length === 0 ? 1 : Math.max(best, 0);
}

/** Whether the Accept header ranks `a` strictly above every type in `others`. */
export function prefers(accept: string | undefined, a: string, others: string[]): boolean {
  const ranges = parseAccept(accept);
  const qa = quality(ranges, a);
  return qa > 0 && others.every((o) => qa > quality(ranges, o));
}

/**
 * SPEC §3: JSON when Accept prefers it over HTML, or when the body is JSON and Accept does not
 * prefer HTML; otherwise a fragment for htmx, a page for everyone else.
 */
export function negotiate(c: Context): Representation {
  const accept = c.req.header("accept");
  if (prefers(accept, "application/json", ["text/html"])) return "json";
  const jsonBody = /^application\/(.+\+)?json\b/i.test(c.req.header("content-type") ?? "");
  if (jsonBody && !prefers(accept, "text/html", ["application/json"])) return "json";
  const htmx = c.req.header("hx-request") === "true" && c.req.header("hx-history-restore-request") !== "true";
  return htmx ? "fragment" : "page";
}

/** The runtime read and /healthz: JSON unless Accept ranks plain text or HTML higher (ties go to JSON). */
export function negotiateRead(accept: string | undefined): "json" | "text" | "html" {
  const ranges = parseAccept(accept);
  const json = quality(ranges, "application/json");
  const text = quality(ranges, "text/plain");
  const html = quality(ranges, "text/html");
  if (text > json && text >= html) return "text";
  if (html > json && html > text) return "html";
  return "json";
}

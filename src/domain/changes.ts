import type { Stage } from "./stage.js";

/**
 * One committed change as the change stream carries it (docs/applications.md, "The change
 * stream"): `seq` is the event's place in the log, so it only grows and a subscriber resumes
 * after the last one it saw; `stage` is the version's stage right after the change.
 */
export interface Change {
  seq: number;
  type: string;
  prompt: string;
  version: string | null;
  stage: Stage | null;
  at: string;
}

/** An event of the log as the stream reads it: its id, prompt, version and detail. */
export interface LoggedChange {
  seq: number;
  type: string;
  prompt: string;
  version: string | null;
  at: string;
  detail: string;
}

/**
 * A promotion in the log: the version it moved, at `seq`, and its detail as read from the
 * database (a JSON object; `to` names the stage it moved it to).
 */
export interface LoggedPromotion {
  seq: number;
  prompt: string;
  version: string | null;
  detail: { [key: string]: unknown };
}

/**
 * The stage of a change's version right after the change, from the log alone, so that a change
 * read long after it happened (a resumed stream) says what it said live: a version is born in
 * DEV (R2, R8) and moves only by promotion (R7), so its stage at any point of the log is the
 * target of its latest promotion up to there, else DEV. A change with no version has no stage.
 */
export function stagesAfter(changes: LoggedChange[], promotions: LoggedPromotion[]): Change[] {
  const moves = new Map<string, Array<{ seq: number; to: Stage }>>();
  for (const p of promotions) {
    const to = promotedTo(p.detail);
    if (p.version === null || to === null) continue;
    const key = `${p.prompt}\u0000${p.version}`;
    const list = moves.get(key) ?? [];
    list.push({ seq: p.seq, to });
    moves.set(key, list);
  }
  return changes.map(({ seq, type, prompt, version, at }) => {
    if (version === null) return { seq, type, prompt, version, stage: null, at };
    let stage: Stage = "DEV";
    let latest = 0;
    for (const move of moves.get(`${prompt}\u0000${version}`) ?? [])
      if (move.seq <= seq && move.seq > latest) {
        latest = move.seq;
        stage = move.to;
      }
    return { seq, type, prompt, version, stage, at };
  });
}

/**
 * The stage a promotion moved its version to; null when its detail names none (an import may
 * bring a promotion with any detail object), which the stage reading then skips.
 */
function promotedTo(detail: { [key: string]: unknown }): Stage | null {
  const to = detail.to;
  return to === "TST" || to === "PROD" ? to : null;
}

/**
 * `Last-Event-ID` as a change sequence: digits only (what the stream's `id:` lines carry). Null
 * when absent or empty (a new stream); undefined when it is not a sequence number.
 */
export function parseLastEventId(header: string | undefined): number | null | undefined {
  if (header === undefined || header.trim() === "") return null;
  const text = header.trim();
  if (!/^\d{1,15}$/.test(text)) return undefined;
  return Number(text);
}

/** One change as a Server-Sent Event: its type, `id:` equal to `data.seq`, the change as JSON. */
export function sseEvent(change: Change): string {
  return `event: ${change.type}\nid: ${change.seq}\ndata: ${JSON.stringify(change)}\n\n`;
}

/** A comment line: EventSource ignores it; it keeps proxies and idle timers from closing the stream. */
export function sseComment(text: string): string {
  return `: ${text.replace(/[\r\n]+/g, " ")}\n\n`;
}

import { formatVersion } from "../domain/version-number.js";
import type { HistoryEvent } from "../model/history.model.js";
import { listEvents } from "../store/events.store.js";
import { versionNumbers } from "../store/versions.store.js";
import { COLUMNS, readColumn } from "./columns.js";
import { requirePrompt, type ServiceDeps } from "./context.js";
import { idPageInput } from "./inputs.js";
import { parseInput } from "./parse.js";

export function createHistoryService({ db }: ServiceDeps) {
  return {
    /**
     * R11: a prompt's event log, newest first; `cursor` is the id to continue below. `existing`
     * names the versions that still exist, so that a page links no deleted draft.
     */
    async list(name: string, input: unknown = {}) {
      const { limit, cursor: before } = parseInput(idPageInput, input);
      const prompt = await requirePrompt(db, name);
      const [rows, numbers] = await Promise.all([
        listEvents(db, prompt.id, { before, limit: limit + 1 }),
        versionNumbers(db, prompt.id),
      ]);
      const page = rows.slice(0, limit);
      const events: HistoryEvent[] = page.map((e) => ({
        at: e.at,
        actor: e.actor,
        type: e.type,
        version: e.version,
        detail: readColumn(COLUMNS.detail, e.detail, "event detail"),
      }));
      const last = page.at(-1);
      const existing = new Set(numbers.map(formatVersion));
      return { events, existing, nextCursor: rows.length > limit && last ? String(last.id) : null };
    },
  };
}

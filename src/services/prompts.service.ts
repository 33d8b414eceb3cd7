import { contentHash, normalizeBody } from "../domain/content.js";
import { DomainError } from "../domain/errors.js";
import type { Stage } from "../domain/stage.js";
import { formatVersion } from "../domain/version-number.js";
import { appendEvent, currentSince as currentSinceEvents } from "../store/events.store.js";
import { findPromptByName, insertPrompt, listPrompts } from "../store/prompts.store.js";
import { insertRevision } from "../store/revisions.store.js";
import { inTransaction } from "../store/transaction.js";
import { currentNumbers, draftCounts, insertVersion, listVersions } from "../store/versions.store.js";
import { type Actor, isoNow, LOCAL, requirePrompt, type ServiceDeps } from "./context.js";
import { type CreatePromptInput, createPromptInput, type ListPromptsInput, listPromptsInput } from "./inputs.js";
import { type CurrentByStage, emptyCurrent, rowToVersion, type Version } from "./model.js";
import { parseInput } from "./parse.js";

export interface PromptSummary {
  name: string;
  description: string;
  current: CurrentByStage;
  /** DEV versions, current or not (SPEC §4: "none current · 3 drafts"). Not in the JSON. */
  drafts: number;
  updatedAt: string;
}

export interface PromptDetail extends PromptSummary {
  createdAt: string;
  /** When the prompt was archived, or null. Not in the JSON. */
  archivedAt: string | null;
  /** When each stage's current version became current there; null when the stage has none. */
  currentSince: Record<Stage, string | null>;
  versions: Version[];
}

export function createPromptsService(deps: ServiceDeps) {
  const { db } = deps;
  return {
    /** R2: a new prompt with v1.0 as its current DEV version. */
    async create(input: CreatePromptInput, by: Actor = LOCAL): Promise<Version> {
      const { name, description, body, config } = parseInput(createPromptInput, input);
      const text = normalizeBody(body);
      return inTransaction(db, async (tx) => {
        const now = isoNow(deps);
        const taken = await findPromptByName(tx, name);
        if (taken)
          throw new DomainError(
            "name_taken",
            `A prompt named "${name}" already exists${taken.archived_at ? " (archived: unarchive it to use it again)" : ""}`,
          );
        const promptId = await insertPrompt(tx, name, description, now);
        const hash = contentHash(text, config);
        const json = JSON.stringify(config);
        const id = await insertVersion(tx, {
          prompt_id: promptId,
          major: 1,
          minor: 0,
          stage: "DEV",
          is_current: 1,
          body: text,
          config: json,
          revision: 1,
          content_hash: hash,
          created_from: null,
          created_at: now,
          updated_at: now,
          edited_at: now,
        });
        await insertRevision(tx, {
          version_id: id,
          revision: 1,
          body: text,
          config: json,
          content_hash: hash,
          saved_at: now,
          actor: by.actor,
        });
        const event = { promptId, at: now, actor: by.actor, version: "1.0" };
        await appendEvent(tx, { ...event, type: "prompt.created", detail: { description } });
        await appendEvent(tx, { ...event, type: "version.created", detail: { stage: "DEV", from: null } });
        const row = (await listVersions(tx, promptId))[0];
        if (!row) throw new Error("v1.0 vanished inside its own transaction");
        return rowToVersion(name, row);
      });
    },

    /** A prompt with every version, newest first, and the current version of each stage. */
    async get(name: string): Promise<PromptDetail> {
      const prompt = await requirePrompt(db, name);
      const versions = (await listVersions(db, prompt.id)).map((row) => rowToVersion(name, row));
      const current = emptyCurrent();
      for (const v of versions) if (v.current) current[v.stage] = v.version;
      const currentSince: Record<Stage, string | null> = { DEV: null, TST: null, PROD: null };
      for (const e of await currentSinceEvents(db, prompt.id)) {
        const stage = e.stage as Stage;
        if (currentSince[stage] === null && current[stage] === e.version) currentSince[stage] = e.at;
      }
      return {
        name,
        description: prompt.description,
        current,
        drafts: versions.filter((v) => v.stage === "DEV").length,
        currentSince,
        versions,
        createdAt: prompt.created_at,
        archivedAt: prompt.archived_at,
        updatedAt: prompt.updated_at,
      };
    },

    /** Prompts in use (or with `archived`, the archived ones) by name, filtered by `q`, `limit` per page. */
    async list(input: ListPromptsInput = {}): Promise<{ prompts: PromptSummary[]; nextCursor: string | null }> {
      const { q, limit, cursor, archived } = parseInput(listPromptsInput, input);
      const rows = await listPrompts(db, { q, after: cursor, limit: limit + 1, archived });
      const page = rows.slice(0, limit);
      const ids = page.map((p) => p.id);
      const [currents, drafts] = await Promise.all([currentNumbers(db, ids), draftCounts(db, ids)]);
      const prompts = page.map((p) => {
        const current = emptyCurrent();
        for (const c of currents) if (c.prompt_id === p.id) current[c.stage] = formatVersion(c);
        const count = Number(drafts.find((d) => d.prompt_id === p.id)?.drafts ?? 0);
        return { name: p.name, description: p.description, current, drafts: count, updatedAt: p.updated_at };
      });
      const last = page.at(-1);
      return { prompts, nextCursor: rows.length > limit && last ? last.name : null };
    },
  };
}

import type { PromptType } from "../domain/chat.js";
import { storedContract } from "../domain/contract.js";
import { DomainError } from "../domain/errors.js";
import { hashOf, storedText } from "../domain/prompt-content.js";
import { formatVersion } from "../domain/version-number.js";
import type { PromptDetail, PromptRail, PromptSummary } from "../model/prompt.model.js";
import { emptyCurrent, type Version } from "../model/version.model.js";
import { appendEvent } from "../store/events.store.js";
import { findPromptByName, insertPrompt, listPrompts, promptFacts } from "../store/prompts.store.js";
import { insertMove } from "../store/reviews.store.js";
import { insertRevision } from "../store/revisions.store.js";
import {
  type CurrentVersionRow,
  currentNumbers,
  currentVersions,
  draftCounts,
  findVersionById,
  insertVersion,
  listVersionSummaries,
} from "../store/versions.store.js";
import { type Actor, eventActor, isoNow, LOCAL, requirePrompt, requireRole, type ServiceDeps } from "./context.js";
import { resolveContract } from "./contract.inputs.js";
import { createPromptInput, listPromptsInput, versionPageInput } from "./inputs.js";
import { parseInput } from "./parse.js";
import { rowToSummary, rowToVersion } from "./rows.js";
import { inTransaction } from "./transaction.js";

/** The stage rail of a prompt from its current versions (see currentVersions) and its DEV draft count. */
export function railOf(
  prompt: { name: string; type: PromptType },
  rows: CurrentVersionRow[],
  facts: { drafts: number; archivedAt: string | null },
): PromptRail {
  const rail: PromptRail = {
    name: prompt.name,
    type: prompt.type,
    current: emptyCurrent(),
    currentSince: { DEV: null, TST: null, PROD: null },
    ...facts,
  };
  for (const row of rows) {
    rail.current[row.stage] = formatVersion(row);
    rail.currentSince[row.stage] = row.since;
  }
  return rail;
}

export function createPromptsService(deps: ServiceDeps) {
  const { db } = deps;
  return {
    /** R2: a new prompt, text or chat (docs/rules.md, chat prompts, fixed from now on), with v1.0 as its current DEV version. */
    async create(input: unknown, by: Actor = LOCAL): Promise<Version> {
      requireRole(by, "edit");
      const { name, description, content, config, ...fields } = parseInput(createPromptInput, input);
      const text = storedText(content);
      const contract = resolveContract(fields, content);
      const stored = storedContract(contract);
      return inTransaction(db, async (tx) => {
        const now = isoNow(deps);
        const taken = await findPromptByName(tx, name);
        if (taken)
          throw new DomainError(
            "name_taken",
            `A prompt named "${name}" already exists${taken.archived_at ? " (archived: unarchive it to use it again)" : ""}`,
          );
        const promptId = await insertPrompt(tx, { name, description, type: content.type }, now);
        const hash = hashOf(content, config, contract);
        const json = JSON.stringify(config);
        const columns = { variables: stored.variables, tools: stored.tools, response_format: stored.responseFormat };
        const id = await insertVersion(tx, {
          ...columns,
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
          ...columns,
          version_id: id,
          revision: 1,
          body: text,
          config: json,
          content_hash: hash,
          saved_at: now,
          actor: by.actor,
        });
        const event = { promptId, at: now, ...eventActor(by), version: "1.0" };
        await appendEvent(tx, { ...event, type: "prompt.created", detail: { description, type: content.type } });
        await insertMove(tx, {
          prompt_id: promptId,
          at: now,
          stage: "DEV",
          from_version: null,
          to_version: "1.0",
          actor: by.actor,
        });
        await appendEvent(tx, { ...event, type: "version.created", detail: { stage: "DEV", from: null } });
        const row = await findVersionById(tx, id);
        if (!row) throw new Error("v1.0 vanished inside its own transaction");
        return rowToVersion({ name, type: content.type }, row);
      });
    },

    /**
     * A prompt with one page of its versions, newest first (`limit`, `cursor` as docs/api.md lists),
     * and the current version of each stage. Versions come without their content: a prompt with
     * thousands of large versions costs no more to show than one with a few.
     */
    async get(name: string, input: unknown = {}): Promise<PromptDetail> {
      const { limit, cursor } = parseInput(versionPageInput, input);
      const prompt = await requirePrompt(db, name);
      const [rows, currents, { remembered: _, ...facts }] = await Promise.all([
        listVersionSummaries(db, prompt.id, { before: cursor, limit: limit + 1 }),
        currentVersions(db, prompt.id),
        promptFacts(db, prompt.id),
      ]);
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        ...railOf(prompt, currents, facts),
        description: prompt.description,
        versions: page.map(rowToSummary),
        nextCursor: rows.length > limit && last ? formatVersion(last) : null,
        createdAt: prompt.created_at,
        updatedAt: prompt.updated_at,
      };
    },

    /** Prompts in use (or with `archived`, the archived ones) by name, filtered by `q`, `limit` per page. */
    async list(input: unknown = {}): Promise<{ prompts: PromptSummary[]; nextCursor: string | null }> {
      const { q, limit, cursor, archived } = parseInput(listPromptsInput, input);
      const rows = await listPrompts(db, { q, after: cursor, limit: limit + 1, archived });
      const page = rows.slice(0, limit);
      const ids = page.map((p) => p.id);
      const [currents, drafts] = await Promise.all([currentNumbers(db, ids), draftCounts(db, ids)]);
      const prompts = page.map((p) => {
        const current = emptyCurrent();
        for (const c of currents) if (c.prompt_id === p.id) current[c.stage] = formatVersion(c);
        const count = Number(drafts.find((d) => d.prompt_id === p.id)?.drafts ?? 0);
        return {
          name: p.name,
          type: p.type,
          description: p.description,
          current,
          drafts: count,
          updatedAt: p.updated_at,
        };
      });
      const last = page.at(-1);
      return { prompts, nextCursor: rows.length > limit && last ? last.name : null };
    },
  };
}

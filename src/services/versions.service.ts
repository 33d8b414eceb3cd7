import { type Config, contentHash, normalizeBody } from "../domain/content.js";
import { DomainError } from "../domain/errors.js";
import { parseStage, type Stage } from "../domain/stage.js";
import { formatVersion, nextVersion } from "../domain/version-number.js";
import { appendEvent } from "../store/events.store.js";
import { touchPrompt } from "../store/prompts.store.js";
import { insertRevision, listRevisions } from "../store/revisions.store.js";
import { inTransaction, type Tx } from "../store/transaction.js";
import {
  clearCurrent,
  deleteVersion,
  findCurrent,
  findVersionById,
  insertVersion,
  setStageAndCurrent,
  updateContent,
} from "../store/versions.store.js";
import { type Actor, isoNow, LOCAL, requirePrompt, requireVersion, type ServiceDeps } from "./context.js";
import {
  type NewVersionInput,
  newVersionInput,
  type PromoteInput,
  promoteInput,
  type SaveInput,
  saveInput,
} from "./inputs.js";
import { rowToVersion, type Version } from "./model.js";
import { parseInput } from "./parse.js";

export interface Revision {
  revision: number;
  body: string;
  config: Config;
  contentHash: string;
  savedAt: string;
  actor: string;
}

/** Checks run inside a promotion's transaction before anything is written (the TEST gate). */
export type PromotionCheck = (tx: Tx, version: Version, target: Stage) => Promise<void>;

export function createVersionsService(deps: ServiceDeps & { promotionChecks?: PromotionCheck[] }) {
  const { db } = deps;

  async function reload(tx: Tx, prompt: string, id: number): Promise<Version> {
    const row = await findVersionById(tx, id);
    if (!row) throw new Error(`version ${id} vanished inside its own transaction`);
    return rowToVersion(prompt, row);
  }

  return {
    async get(name: string, version: string): Promise<Version> {
      const { row } = await requireVersion(db, name, version);
      return rowToVersion(name, row);
    },

    /** R8: copies any version into a new DEV draft M.(n+1) — or (M+1).0 — that is not current. */
    async createNew(name: string, version: string, input: NewVersionInput = {}, by: Actor = LOCAL): Promise<Version> {
      const { major } = parseInput(newVersionInput, input);
      return inTransaction(db, async (tx) => {
        const now = isoNow(deps);
        const { prompt, row: source } = await requireVersion(tx, name, version);
        const number = nextVersion({ major: prompt.max_major, minor: prompt.max_minor }, major);
        const from = formatVersion(source);
        const id = await insertVersion(tx, {
          prompt_id: prompt.id,
          ...number,
          stage: "DEV",
          is_current: 0,
          body: source.body,
          config: source.config,
          revision: 1,
          content_hash: source.content_hash,
          created_from: from,
          created_at: now,
          updated_at: now,
          edited_at: now,
        });
        const saved = { version_id: id, revision: 1, body: source.body, config: source.config };
        await insertRevision(tx, { ...saved, content_hash: source.content_hash, saved_at: now, actor: by.actor });
        await touchPrompt(tx, prompt.id, now);
        const label = formatVersion(number);
        await appendEvent(tx, {
          promptId: prompt.id,
          at: now,
          actor: by.actor,
          type: "version.created",
          version: label,
          detail: { stage: "DEV", from, major },
        });
        return reload(tx, name, id);
      });
    },

    /**
     * R5/R6: saves body (LF line endings) and optionally config into the same version, revision
     * +1, keeping the new state as a stored revision. PROD is refused; so is a save based on a
     * revision the version has moved past. Saving unchanged content changes nothing.
     */
    async save(name: string, version: string, input: SaveInput, by: Actor = LOCAL): Promise<Version> {
      return inTransaction(db, async (tx) => {
        const now = isoNow(deps);
        const { prompt, row } = await requireVersion(tx, name, version);
        const current = rowToVersion(name, row);
        // A PROD version is immutable whatever the input says, so that is the answer first.
        if (!current.actions.edit.allowed)
          throw new DomainError("version_immutable", current.actions.edit.reason ?? "Cannot edit this version");
        const parsed = parseInput(saveInput, input);
        const body = normalizeBody(parsed.body);
        const based = parsed.revision ?? row.revision;
        if (based !== row.revision) {
          throw new DomainError(
            "stale_revision",
            `v${current.version} is at revision ${row.revision}; this edit was based on revision ${based}`,
          );
        }
        const config = parsed.config ?? current.config;
        const hash = contentHash(body, config);
        if (hash === row.content_hash) return current;
        const json = JSON.stringify(config);
        // The revision is stored first: the database refuses an edit whose text it has not kept.
        await insertRevision(tx, {
          version_id: row.id,
          revision: based + 1,
          body,
          config: json,
          content_hash: hash,
          saved_at: now,
          actor: by.actor,
        });
        if (!(await updateContent(tx, row.id, based, { body, config: json, contentHash: hash }, now))) {
          throw new DomainError("stale_revision", `v${current.version} changed while saving`);
        }
        await touchPrompt(tx, prompt.id, now);
        await appendEvent(tx, {
          promptId: prompt.id,
          at: now,
          actor: by.actor,
          type: "version.edited",
          version: current.version,
          detail: { revision: based + 1, contentHash: hash },
        });
        return reload(tx, name, row.id);
      });
    },

    /**
     * R7: one stage forward, current there; the version it replaces keeps its stage. With `to`,
     * refuses (invalid_transition) unless that is the next stage, so a stale "Promote to TST"
     * can never move a version that is already in TST on to PROD.
     */
    async promote(name: string, version: string, input: PromoteInput = {}, by: Actor = LOCAL): Promise<Version> {
      const { to } = parseInput(promoteInput, input);
      return inTransaction(db, async (tx) => {
        const now = isoNow(deps);
        const { prompt, row } = await requireVersion(tx, name, version);
        const current = rowToVersion(name, row);
        const target = current.actions.promote;
        if (!target)
          throw new DomainError(
            "invalid_transition",
            `v${current.version} is in PROD: production versions cannot be promoted`,
          );
        if (to && to !== target) {
          throw new DomainError(
            "invalid_transition",
            `v${current.version} is in ${current.stage} now, so it would go to ${target}, not ${to}. Nothing was changed`,
          );
        }
        for (const check of deps.promotionChecks ?? []) await check(tx, current, target);
        const replaced = await findCurrent(tx, prompt.id, target);
        await clearCurrent(tx, prompt.id, target, now);
        await setStageAndCurrent(tx, row.id, target, now);
        await touchPrompt(tx, prompt.id, now);
        await appendEvent(tx, {
          promptId: prompt.id,
          at: now,
          actor: by.actor,
          type: "version.promoted",
          version: current.version,
          detail: { from: current.stage, to: target, replaced: replaced ? formatVersion(replaced) : null },
        });
        return reload(tx, name, row.id);
      });
    },

    /** R9: removes a DEV draft that is not current, with its revisions (and test runs). */
    async delete(name: string, version: string, by: Actor = LOCAL): Promise<{ deleted: string }> {
      return inTransaction(db, async (tx) => {
        const now = isoNow(deps);
        const { prompt, row } = await requireVersion(tx, name, version);
        const current = rowToVersion(name, row);
        if (!current.actions.delete.allowed) {
          const why = row.stage === "DEV" ? "it is the current DEV version" : `it is in ${row.stage}`;
          throw new DomainError(
            "delete_forbidden",
            `v${current.version} cannot be deleted: ${why}. Only DEV drafts that are not current can be deleted`,
          );
        }
        await deleteVersion(tx, row.id);
        await touchPrompt(tx, prompt.id, now);
        await appendEvent(tx, {
          promptId: prompt.id,
          at: now,
          actor: by.actor,
          type: "version.deleted",
          version: current.version,
          detail: { contentHash: row.content_hash },
        });
        return { deleted: current.version };
      });
    },

    /** R10: points the version's stage at it (PROD: a rollback); content and stage unchanged. */
    async makeCurrent(name: string, version: string, by: Actor = LOCAL): Promise<Version> {
      return inTransaction(db, async (tx) => {
        const now = isoNow(deps);
        const { prompt, row } = await requireVersion(tx, name, version);
        const current = rowToVersion(name, row);
        if (current.current)
          throw new DomainError(
            "invalid_transition",
            `v${current.version} is already the current ${row.stage} version`,
          );
        const replaced = await findCurrent(tx, prompt.id, row.stage);
        await clearCurrent(tx, prompt.id, row.stage, now);
        await setStageAndCurrent(tx, row.id, row.stage, now);
        await touchPrompt(tx, prompt.id, now);
        await appendEvent(tx, {
          promptId: prompt.id,
          at: now,
          actor: by.actor,
          type: "version.made_current",
          version: current.version,
          detail: { stage: row.stage, replaced: replaced ? formatVersion(replaced) : null },
        });
        return reload(tx, name, row.id);
      });
    },

    /** The runtime read: the current version of a stage (case-insensitive); not_found if none. */
    async currentOf(name: string, stage: string): Promise<Version> {
      const prompt = await requirePrompt(db, name);
      const parsed = parseStage(stage);
      if (!parsed) throw new DomainError("not_found", `"${stage}" is not a stage: use DEV, TST or PROD`);
      const row = await findCurrent(db, prompt.id, parsed);
      if (!row) throw new DomainError("not_found", `${name} has no current ${parsed} version`);
      return rowToVersion(name, row);
    },

    /** Every saved state of a version, newest first, the current one included. */
    async revisions(name: string, version: string): Promise<Revision[]> {
      const { row } = await requireVersion(db, name, version);
      return (await listRevisions(db, row.id)).map((r) => ({
        revision: r.revision,
        body: r.body,
        config: JSON.parse(r.config) as Config,
        contentHash: r.content_hash,
        savedAt: r.saved_at,
        actor: r.actor,
      }));
    },
  };
}

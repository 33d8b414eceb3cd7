import type { PromptRow, VersionRow } from "../db/schema.js";
import { storedContract } from "../domain/contract.js";
import { DomainError } from "../domain/errors.js";
import { hashOf, storedText } from "../domain/prompt-content.js";
import { makeCurrentPermission, promotePermission } from "../domain/roles.js";
import { requirePromotion, type Stage } from "../domain/stage.js";
import { formatVersion, nextVersion } from "../domain/version-number.js";
import type { Revision, Version } from "../model/version.model.js";
import { appendEvent } from "../store/events.store.js";
import { touchPrompt } from "../store/prompts.store.js";
import { reviewsGoneStale } from "../store/reviews.store.js";
import { insertRevision, listRevisionRange, listRevisionSizes } from "../store/revisions.store.js";
import { deleteVersion, findVersionById, insertVersion, updateContent } from "../store/versions.store.js";
import { affordable } from "./byte-budget.js";
import { type Actor, eventActor, isoNow, LOCAL, requireRole, requireVersion, type ServiceDeps } from "./context.js";
import { resolveContract } from "./contract.inputs.js";
import { idPageInput, newVersionInput, promoteInput, saveInputFor } from "./inputs.js";
import { parseInput } from "./parse.js";
import { approvalsFor, markStale, movePointer } from "./review-steps.js";
import { rowToRevision, rowToVersion } from "./rows.js";
import { inTransaction, type Tx } from "./transaction.js";

/** A page of revisions loads whole revisions until their content reaches this size (at least one). */
export const MAX_REVISIONS_PAGE_BYTES = 2 * 1024 * 1024;

/** Checks run inside a promotion's transaction before anything is written (the TEST gate). */
export type PromotionCheck = (tx: Tx, version: Version, target: Stage) => Promise<void>;

export function createVersionsService(deps: ServiceDeps & { promotionChecks?: PromotionCheck[] }) {
  const { db } = deps;

  /**
   * R7 inside a transaction: one stage forward, current there; the version it replaces keeps its
   * stage. With `to`, refuses (invalid_transition) unless that is the next stage (see
   * promotionTarget); without it only DEV → TST happens (see requirePromotion). Into a stage that
   * needs approvals it needs the applied `review` (the reviews service opens and applies them);
   * the `version.promoted` event then names the requester as actor and lists the approvers.
   */
  async function promoteIn(
    tx: Tx,
    step: {
      prompt: PromptRow;
      row: VersionRow;
      to: Stage | undefined;
      by: Actor;
      review?: { id: number; approvers: string[] };
    },
  ): Promise<Version> {
    const { prompt, row, by, review } = step;
    const now = isoNow(deps);
    const subject = rowToVersion(prompt, row);
    // Checked on the row as it is now: a version promoted meanwhile may need a stronger role.
    if (!review) requireRole(by, promotePermission(subject.stage));
    const target = requirePromotion(subject, step.to);
    const needed = await approvalsFor(tx, target);
    if (needed > 0 && !review)
      throw new DomainError(
        "invalid_transition",
        `Promotions into ${target} need ${needed} approval${needed > 1 ? "s" : ""}: ask for a review (POST …/promote answers 202 with it)`,
      );
    for (const check of deps.promotionChecks ?? []) await check(tx, subject, target);
    const { stored, replaced } = await movePointer(tx, {
      row,
      stage: target,
      now,
      by,
      ...(review && { review: review.id }),
    });
    await appendEvent(tx, {
      promptId: row.prompt_id,
      at: now,
      ...eventActor(by),
      type: "version.promoted",
      version: subject.version,
      detail: {
        from: subject.stage,
        to: target,
        replaced,
        ...(review && { review: review.id, requestedBy: by.actor, approvers: review.approvers }),
      },
    });
    return rowToVersion(prompt, stored);
  }

  return {
    promoteIn,

    /** The checks a promotion into `target` runs (the TEST gate), without promoting. */
    async checkPromotion(tx: Tx, version: Version, target: Stage): Promise<void> {
      for (const check of deps.promotionChecks ?? []) await check(tx, version, target);
    },

    async get(name: string, version: string): Promise<Version> {
      const { prompt, row } = await requireVersion(db, name, version);
      return rowToVersion(prompt, row);
    },

    /** R8: copies any version into a new DEV draft M.(n+1) — or (M+1).0 — that is not current. */
    async createNew(name: string, version: string, input: unknown = {}, by: Actor = LOCAL): Promise<Version> {
      requireRole(by, "edit");
      const { major } = parseInput(newVersionInput, input);
      return inTransaction(db, async (tx) => {
        const now = isoNow(deps);
        const { prompt, row: source } = await requireVersion(tx, name, version);
        const number = nextVersion({ major: prompt.max_major, minor: prompt.max_minor }, major);
        const from = formatVersion(source);
        const contract = { variables: source.variables, tools: source.tools, response_format: source.response_format };
        const id = await insertVersion(tx, {
          ...contract,
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
        const saved = { ...contract, version_id: id, revision: 1, body: source.body, config: source.config };
        await insertRevision(tx, { ...saved, content_hash: source.content_hash, saved_at: now, actor: by.actor });
        await touchPrompt(tx, prompt.id, now);
        const label = formatVersion(number);
        await appendEvent(tx, {
          promptId: prompt.id,
          at: now,
          ...eventActor(by),
          type: "version.created",
          version: label,
          detail: { stage: "DEV", from, major },
        });
        const row = await findVersionById(tx, id);
        if (!row) throw new Error(`version ${id} vanished inside its own transaction`);
        return rowToVersion(prompt, row);
      });
    },

    /**
     * R5/R6: saves body — or for a chat prompt, messages — (LF line endings) and optionally
     * config into the same version, revision +1, keeping the new state as a stored revision.
     * PROD is refused; so is a save based on a revision the version has moved past, and content
     * of the other type (422). Saving unchanged content changes nothing.
     */
    async save(name: string, version: string, input: unknown, by: Actor = LOCAL): Promise<Version> {
      requireRole(by, "edit");
      return inTransaction(db, async (tx) => {
        const now = isoNow(deps);
        const { prompt, row } = await requireVersion(tx, name, version);
        const current = rowToVersion(prompt, row);
        // A PROD version is immutable whatever the input says, so that is the answer first.
        if (!current.actions.edit.allowed)
          throw new DomainError("version_immutable", current.actions.edit.reason ?? "Cannot edit this version");
        const parsed = parseInput(saveInputFor(prompt.type), input);
        const based = parsed.revision ?? row.revision;
        if (based !== row.revision) {
          throw new DomainError(
            "stale_revision",
            `v${current.version} is at revision ${row.revision}; this edit was based on revision ${based}`,
          );
        }
        const config = parsed.config ?? current.config;
        const { content, revision: _, config: __, ...fields } = parsed;
        const contract = resolveContract(fields, content, current.contract);
        const hash = hashOf(content, config, contract);
        if (hash === row.content_hash) return current;
        const json = JSON.stringify(config);
        const body = storedText(content);
        const stored = storedContract(contract);
        const columns = { variables: stored.variables, tools: stored.tools, response_format: stored.responseFormat };
        // The revision is stored first: the database refuses an edit whose text it has not kept.
        await insertRevision(tx, {
          ...columns,
          version_id: row.id,
          revision: based + 1,
          body,
          config: json,
          content_hash: hash,
          saved_at: now,
          actor: by.actor,
        });
        const saved = await updateContent(
          tx,
          row.id,
          based,
          { body, config: json, contentHash: hash, ...columns },
          now,
        );
        if (!saved) throw new DomainError("stale_revision", `v${current.version} changed while saving`);
        await touchPrompt(tx, prompt.id, now);
        await appendEvent(tx, {
          promptId: prompt.id,
          at: now,
          ...eventActor(by),
          type: "version.edited",
          version: current.version,
          detail: { revision: based + 1, contentHash: hash },
        });
        const stale = await reviewsGoneStale(tx, { versionId: row.id, contentHash: hash });
        await markStale(tx, stale, `v${current.version} was edited (revision ${based + 1})`, now, by);
        return rowToVersion(prompt, saved);
      });
    },

    /**
     * R7: one stage forward, current there; the version it replaces keeps its stage. With `to`,
     * refuses (invalid_transition) unless that is the next stage (see promotionTarget); without
     * it only DEV → TST happens (see requirePromotion).
     */
    async promote(name: string, version: string, input: unknown = {}, by: Actor = LOCAL): Promise<Version> {
      const { to } = parseInput(promoteInput, input);
      return inTransaction(db, async (tx) => {
        const { prompt, row } = await requireVersion(tx, name, version);
        return promoteIn(tx, { prompt, row, to, by });
      });
    },

    /** R9: removes a DEV draft that is not current, with its revisions (and test runs). */
    async delete(name: string, version: string, by: Actor = LOCAL): Promise<{ deleted: string }> {
      requireRole(by, "edit");
      return inTransaction(db, async (tx) => {
        const now = isoNow(deps);
        const { prompt, row } = await requireVersion(tx, name, version);
        const current = rowToVersion(prompt, row);
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
          ...eventActor(by),
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
        const subject = rowToVersion(prompt, row);
        requireRole(by, makeCurrentPermission(row.stage));
        if (subject.current)
          throw new DomainError(
            "invalid_transition",
            `v${subject.version} is already the current ${row.stage} version`,
          );
        const { stored, replaced } = await movePointer(tx, { row, stage: row.stage, now, by });
        await appendEvent(tx, {
          promptId: row.prompt_id,
          at: now,
          ...eventActor(by),
          type: "version.made_current",
          version: subject.version,
          detail: { stage: row.stage, replaced },
        });
        return rowToVersion(prompt, stored);
      });
    },

    /**
     * A version's saved states, newest first, the current one included, one page at a time
     * (`limit`, `cursor`: the revision to continue below). A page holds whole revisions up to
     * MAX_REVISIONS_PAGE_BYTES of content (at least one), so a draft with many 1 MB saves never
     * answers with all of them at once (docs/limits.md).
     */
    async revisions(
      name: string,
      version: string,
      input: unknown = {},
    ): Promise<{ revisions: Revision[]; nextCursor: string | null }> {
      const { limit, cursor: before } = parseInput(idPageInput, input);
      const { prompt, row } = await requireVersion(db, name, version);
      const sizes = await listRevisionSizes(db, row.id, { before, limit: limit + 1 });
      const page = sizes.slice(0, Math.min(limit, affordable(sizes, MAX_REVISIONS_PAGE_BYTES)));
      const [newest, oldest] = [page[0], page.at(-1)];
      const rows = newest && oldest ? await listRevisionRange(db, row.id, newest.revision, oldest.revision) : [];
      return {
        revisions: rows.map((r) => rowToRevision(prompt.type, r)),
        nextCursor: sizes.length > page.length && oldest ? String(oldest.revision) : null,
      };
    },
  };
}

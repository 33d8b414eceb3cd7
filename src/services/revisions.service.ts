import { DomainError } from "../domain/errors.js";
import { contentVariableChanges } from "../domain/prompt-content.js";
import { formatVersion } from "../domain/version-number.js";
import type { Revision, RevisionChange, Version } from "../model/version.model.js";
import { findRevision } from "../store/revisions.store.js";
import { diffContent, type Side } from "./compare.service.js";
import { type Actor, LOCAL, requireVersion, type ServiceDeps } from "./context.js";
import { restoreInput } from "./inputs.js";
import { parseInput } from "./parse.js";
import { rowToRevision } from "./rows.js";
import { createVersionsService } from "./versions.service.js";

const side = (r: Revision): Side => ({ ...r, label: `r${r.revision}` });

export function createRevisionsService(deps: ServiceDeps) {
  const versions = createVersionsService(deps);

  async function revisionBefore(name: string, version: string, revision: number): Promise<Revision | undefined> {
    const { prompt, row } = await requireVersion(deps.db, name, version);
    const stored = await findRevision(deps.db, row.id, revision - 1);
    return stored && rowToRevision(prompt.type, stored);
  }
  return {
    /**
     * A page of a version's saved states, newest first, each with its diff from the state before
     * it (the one before the page's oldest is read for that, not shown).
     */
    async changes(
      name: string,
      version: string,
      input: unknown = {},
    ): Promise<{ changes: RevisionChange[]; nextCursor: string | null }> {
      const { revisions, nextCursor } = await versions.revisions(name, version, input);
      const oldest = revisions.at(-1);
      const base = oldest && oldest.revision > 1 ? await revisionBefore(name, version, oldest.revision) : undefined;
      const changes: RevisionChange[] = [];
      for (const [i, revision] of revisions.entries()) {
        const before = revisions[i + 1] ?? base;
        if (!before) {
          changes.push({ revision, changes: null });
          continue;
        }
        const patches = await diffContent(side(before), side(revision));
        const variables = contentVariableChanges(before, revision);
        changes.push({ revision, changes: { from: before.revision, patches, variables } });
      }
      return { changes, nextCursor };
    },

    /**
     * Puts a saved revision's body, config and contract back into the version. It is a normal save (R5,
     * R6): revision +1, refused on PROD (409 version_immutable) and when `revision` says the page
     * saw an older state (409 stale_revision); restoring the current content changes nothing.
     */
    async restore(
      name: string,
      version: string,
      revision: string | number,
      input: unknown = {},
      by: Actor = LOCAL,
    ): Promise<Version> {
      const { revision: seen } = parseInput(restoreInput, input);
      const { prompt, row } = await requireVersion(deps.db, name, version);
      const number = /^[1-9]\d{0,8}$/.test(String(revision)) ? Number(revision) : null;
      const stored = number === null ? undefined : await findRevision(deps.db, row.id, number);
      if (!stored) throw new DomainError("not_found", `v${formatVersion(row)} has no revision "${revision}"`);
      const kept = rowToRevision(prompt.type, stored);
      const content = kept.type === "text" ? { body: kept.body } : { messages: kept.messages };
      return versions.save(
        name,
        version,
        { ...content, config: kept.config, ...kept.contract, ...(seen !== undefined ? { revision: seen } : {}) },
        by,
      );
    },
  };
}

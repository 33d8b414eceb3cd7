import type { Kysely } from "kysely";
import type { Database } from "../db/schema.js";
import { effectiveVariables } from "../domain/render.js";
import type { Stage } from "../domain/stage.js";
import { promotionTarget } from "../domain/stage.js";
import type { Version } from "../model/version.model.js";
import type { VersionPageData } from "../model/version-page.model.js";
import { latestComparison } from "../store/comparisons.store.js";
import { promptFacts } from "../store/prompts.store.js";
import { findOpenReview, listVotes } from "../store/reviews.store.js";
import { latestTestRun } from "../store/test-runs.store.js";
import { currentVersions } from "../store/versions.store.js";
import { itemFields } from "./comparisons.service.js";
import { requireVersion, type ServiceDeps } from "./context.js";
import { buildPreview } from "./preview.service.js";
import { railOf } from "./prompts.service.js";
import { approvalsFor, rowToReview } from "./review-steps.js";
import { currentRowToVersion, rowToVersion } from "./rows.js";
import { gateStatus } from "./test-gate.js";
import { adHocInputs, statusView } from "./test-runs.service.js";

async function loadVersion(db: ServiceDeps["db"], name: string, version: string): Promise<Version> {
  const { prompt, row } = await requireVersion(db, name, version);
  return rowToVersion(prompt, row);
}

/** The approvals `target` needs, and the version's open review into it. */
async function reviewFacts(db: Kysely<Database>, versionId: number, target: Stage) {
  const needed = await approvalsFor(db, target);
  const open = needed > 0 ? await findOpenReview(db, versionId, target) : undefined;
  return { needed, open: open ? rowToReview(open, await listVotes(db, [open.id])) : null };
}

/**
 * What the version page shows, loaded once: the rail, the version, its latest run, the ad-hoc
 * inputs, the gate and the promotion preview — about five statements, whatever the prompt's size.
 */
export function createVersionPageService({ db }: ServiceDeps) {
  return {
    /**
     * `version` is a number ("2.3") or the Version a write just returned, which is then shown as
     * it is instead of being read again.
     */
    async load(name: string, version: string | Version): Promise<VersionPageData> {
      const subject = typeof version === "string" ? await loadVersion(db, name, version) : version;
      const prompt = { name, type: subject.type };
      const promotion = promotionTarget(subject);
      const target = promotion.ok ? promotion.target : null;
      const [currents, { remembered, ...facts }, newest] = await Promise.all([
        currentVersions(db, subject.promptId, target),
        promptFacts(db, subject.promptId),
        latestTestRun(db, subject.id),
      ]);
      const [gate, comparison] = await Promise.all([
        gateStatus(db, subject, newest ?? null),
        latestComparison(db, { candidateId: subject.id, candidateHash: subject.contentHash }),
      ]);
      const review = target ? await reviewFacts(db, subject.id, target) : { needed: 0, open: null };
      const replacing = target ? currents.find((c) => c.stage === target) : undefined;
      const replaces = replacing ? currentRowToVersion(prompt, replacing) : null;
      return {
        prompt: railOf(prompt, currents, facts),
        version: subject,
        testing: {
          status: statusView(subject, newest ?? null),
          variables: adHocInputs(
            effectiveVariables(subject, subject.contract).map((v) => v.name),
            remembered,
          ),
          gate,
          comparison: comparison ? itemFields(comparison) : null,
          preview: target ? await buildPreview(subject, target, replaces, gate) : null,
        },
        review,
      };
    },
  };
}

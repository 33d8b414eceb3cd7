import { contentVariableChanges } from "../domain/prompt-content.js";
import { requirePromotionTarget, type Stage } from "../domain/stage.js";
import type { PromotionPreview } from "../model/compare.model.js";
import type { GateStatus } from "../model/testing.model.js";
import type { Version } from "../model/version.model.js";
import { currentVersions } from "../store/versions.store.js";
import { diffVersions } from "./compare.service.js";
import { requireVersion, type ServiceDeps } from "./context.js";
import { currentRowToVersion, rowToVersion } from "./rows.js";
import { gateStatus } from "./test-gate.js";

/**
 * The promotion preview (R7) from what it needs: the version, its target stage, the version it
 * would replace there (null when the stage has none), and the TEST gate's verdict. With nothing
 * to replace, every variable of the template is new to the stage.
 */
export async function buildPreview(
  version: Version,
  target: Stage,
  replaces: Version | null,
  gate: GateStatus,
): Promise<PromotionPreview> {
  const comparison = replaces ? await diffVersions(replaces, version) : null;
  const variables = comparison?.variables ?? contentVariableChanges(null, version);
  return { version, target, replaces, comparison, variables, gate } satisfies PromotionPreview;
}

export function createPreviewService({ db }: ServiceDeps) {
  return {
    /** What promoting a version would change; PROD cannot be promoted (409 invalid_transition). */
    async preview(promptName: string, version: string): Promise<PromotionPreview> {
      const { prompt, row } = await requireVersion(db, promptName, version);
      const subject = rowToVersion(prompt, row);
      const target = requirePromotionTarget(subject);
      const currents = await currentVersions(db, subject.promptId, target);
      const replacing = currents.find((c) => c.stage === target);
      const replaces = replacing ? currentRowToVersion(prompt, replacing) : null;
      return buildPreview(subject, target, replaces, await gateStatus(db, subject));
    },
  };
}

import { DomainError } from "../domain/errors.js";
import type { Stage } from "../domain/stage.js";
import { variableChanges } from "../domain/template.js";
import { findCurrent } from "../store/versions.store.js";
import { type Comparison, diffVersions } from "./compare.service.js";
import { requireVersion, type ServiceDeps } from "./context.js";
import { rowToVersion, type Version } from "./model.js";
import { type GateStatus, gateStatus } from "./test-gate.js";

/** What promoting a version would change, seen before pressing Promote. */
export interface PromotionPreview {
  /** The version to promote. */
  version: Version;
  target: Stage;
  /** The target stage's current version, which would lose its flag; null when none. */
  replaces: Version | null;
  /** `replaces` → `version` as line diffs of body and config; null when the stage has no current version. */
  comparison: Comparison | null;
  /** Template variables callers of the target stage would have to add or stop sending. */
  variables: { added: string[]; removed: string[] };
  gate: GateStatus;
}

export function createPreviewService({ db }: ServiceDeps) {
  return {
    /**
     * The promotion preview (R7): the target stage, the version it would replace there, the
     * diff against it, the variables added and removed (all of them are new to a stage with
     * no current version), and the TEST gate's verdict. PROD cannot be promoted (409
     * invalid_transition).
     */
    async preview(promptName: string, version: string): Promise<PromotionPreview> {
      const { prompt, row } = await requireVersion(db, promptName, version);
      const subject = rowToVersion(promptName, row);
      const target = subject.actions.promote;
      if (!target) {
        throw new DomainError(
          "invalid_transition",
          `v${subject.version} is in PROD: production versions cannot be promoted`,
        );
      }
      const currentRow = await findCurrent(db, prompt.id, target);
      const replaces = currentRow ? rowToVersion(promptName, currentRow) : null;
      const comparison = replaces ? await diffVersions(replaces, subject) : null;
      return {
        version: subject,
        target,
        replaces,
        comparison,
        variables: comparison?.variables ?? variableChanges("", subject.body),
        gate: await gateStatus(db, subject),
      };
    },
  };
}

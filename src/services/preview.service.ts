import { formatPatch, structuredPatch } from "diff";
import { type Config, canonicalJson } from "../domain/content.js";
import { DomainError } from "../domain/errors.js";
import type { Stage } from "../domain/stage.js";
import { variableChanges } from "../domain/template.js";
import { findCurrent } from "../store/versions.store.js";
import { requireVersion, type ServiceDeps } from "./context.js";
import { rowToVersion, type Version } from "./model.js";
import { type GateStatus, gateStatus } from "./test-gate.js";

/** What promoting a version would change, for the confirmation step. */
export interface PromotionPreview {
  /** The version to promote. */
  version: Version;
  target: Stage;
  /** The target stage's current version, which would lose its flag; null when none. */
  replaces: Version | null;
  /** Unified diff of the body, from `replaces` to `version`; "" when the bodies are equal. */
  diff: string;
  /** Unified diff of the config as sorted, indented JSON; "" when equal. */
  configDiff: string;
  /** Template variables callers of the target stage would have to add or stop sending. */
  variables: { added: string[]; removed: string[] };
  gate: GateStatus;
}

/** Line diffs of huge prompts are cut off rather than holding the server. */
const DIFF_TIMEOUT_MS = 2000;

/** Unified diff text, or "" when the two texts are equal. */
export function unifiedDiff(oldName: string, newName: string, before: string, after: string): string {
  if (before === after) return "";
  const options = { context: 3, timeout: DIFF_TIMEOUT_MS };
  const patch = structuredPatch(oldName, newName, before, after, undefined, undefined, options);
  return patch ? formatPatch(patch) : "(too large to diff in time)\n";
}

function configText(config: Config): string {
  return `${JSON.stringify(JSON.parse(canonicalJson(config)), null, 2)}\n`;
}

export function createPreviewService({ db }: ServiceDeps) {
  return {
    /**
     * The promotion preview (R7): the target stage, the version it would replace there, the
     * diffs of body and config against it (against empty text when the stage has none), the
     * variables added and removed, and the TEST gate's verdict. PROD cannot be promoted
     * (409 invalid_transition).
     */
    async preview(promptName: string, version: string): Promise<PromotionPreview> {
      const { prompt, row } = await requireVersion(db, promptName, version);
      const subject = rowToVersion(promptName, row);
      const target = subject.actions.promote;
      if (!target)
        throw new DomainError(
          "invalid_transition",
          `v${subject.version} is in PROD: production versions cannot be promoted`,
        );
      const currentRow = await findCurrent(db, prompt.id, target);
      const replaces = currentRow ? rowToVersion(promptName, currentRow) : null;
      const oldName = replaces ? `${promptName} v${replaces.version} (current ${target})` : `(no current ${target})`;
      const newName = `${promptName} v${subject.version} (${subject.stage})`;
      const oldConfig = replaces ? configText(replaces.config) : "";
      return {
        version: subject,
        target,
        replaces,
        diff: unifiedDiff(oldName, newName, replaces?.body ?? "", subject.body),
        configDiff: unifiedDiff(`${oldName} config`, `${newName} config`, oldConfig, configText(subject.config)),
        variables: variableChanges(replaces?.body ?? "", subject.body),
        gate: await gateStatus(db, subject),
      };
    },
  };
}

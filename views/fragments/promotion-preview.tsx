import type { Stage } from "../../src/domain/stage.js";
import type { Comparison } from "../../src/services/compare.service.js";
import type { Version } from "../../src/services/model.js";
import { StageBadge, VariableList, versionUrl } from "../components.js";
import { DiffView, VariableChanges } from "./diff.js";

export interface PromotionPreviewView {
  target: Stage;
  /** The version that is current in the target stage now, which the promotion would replace. */
  replaces: Version | null;
  /** The promoted version against `replaces`; null when the target stage has no current version. */
  comparison: Comparison | null;
}

/** What Promote would change, seen before pressing it: the diff and the variables callers must send. */
export function PromotionPreview({ version, preview }: { version: Version; preview: PromotionPreviewView }) {
  const { target, replaces, comparison } = preview;
  const changed = comparison?.patches?.some((p) => p.hunks.length > 0) ?? false;
  const breaking = (comparison?.variables.added.length ?? 0) > 0;
  return (
    <details class="preview" open={breaking || undefined}>
      <summary>
        Promotion preview: v{version.version} → <StageBadge stage={target} />{" "}
        {replaces ? (
          <span class="muted">
            replaces v{replaces.version}
            {comparison ? (changed ? "" : " (same content)") : ""}
            {breaking ? " — adds variables callers must send" : ""}
          </span>
        ) : (
          <span class="muted">first {target} version</span>
        )}
      </summary>
      {replaces && comparison ? (
        <>
          <p>
            Compared with <a href={versionUrl(version.prompt, replaces.version)}>v{replaces.version}</a>, the current{" "}
            {target} version:
          </p>
          <VariableChanges {...comparison.variables} />
          <DiffView comparison={comparison} />
        </>
      ) : (
        <p>
          {target} has no current version yet; callers of {target} will need the variables{" "}
          <VariableList body={version.body} />.
        </p>
      )}
    </details>
  );
}

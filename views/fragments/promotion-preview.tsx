import { variablesOf } from "../../src/domain/prompt-content.js";
import type { PromotionPreview } from "../../src/model/compare.model.js";
import type { Version } from "../../src/model/version.model.js";
import { StageBadge, VariableList, versionUrl } from "../components.js";
import { ContractChanges } from "./contract-changes.js";
import { DiffView } from "./diff.js";

/** What Promote would change, seen before pressing it: the diff and the variables callers must send. */
export function PromotionPreviewPanel({ version, preview }: { version: Version; preview: PromotionPreview }) {
  const { target, replaces, comparison } = preview;
  const changed = comparison?.patches?.some((p) => p.hunks.length > 0) ?? false;
  const breaking = comparison?.contract.some((c) => c.breaking) ?? false;
  return (
    <details class="preview" open={breaking || undefined}>
      <summary>
        Promotion preview: v{version.version} → <StageBadge stage={target} />{" "}
        {replaces ? (
          <span class="muted">
            replaces v{replaces.version}
            {comparison ? (changed ? "" : " (same content)") : ""}
            {breaking ? " — has changes that break callers" : ""}
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
          <ContractChanges changes={comparison.contract} />
          <DiffView comparison={comparison} />
        </>
      ) : (
        <p>
          {target} has no current version yet; callers of {target} will need the variables{" "}
          <VariableList names={variablesOf(version)} />.
        </p>
      )}
    </details>
  );
}

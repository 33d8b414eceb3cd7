import type { StructuredPatch } from "diff";
import type { ContractChange } from "../domain/contract-diff.js";
import type { Stage } from "../domain/stage.js";
import type { GateStatus } from "./testing.model.js";
import type { Version } from "./version.model.js";

/** Two versions of one prompt side by side. */
export interface Comparison {
  from: Version;
  to: Version;
  /** The body patch, then the config patch when the configs differ; null if too large to diff in time. */
  patches: StructuredPatch[] | null;
  /** The same as unified diff text (docs/api.md: `{from, to, diff}`). */
  diff: string;
  variables: { added: string[]; removed: string[] };
  /** The breaking-change report: what changed in the contract, breaking changes first. */
  contract: ContractChange[];
}

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

import type { PromotionPreview } from "./compare.model.js";
import type { ComparisonItem } from "./comparison.model.js";
import type { PromptRail } from "./prompt.model.js";
import type { Review } from "./review.model.js";
import type { GateStatus, TestStatusView } from "./testing.model.js";
import type { Version } from "./version.model.js";

/** What TEST adds to the version page: the last run, the ad-hoc inputs, the gate and the preview. */
export interface VersionTesting {
  /** The newest finished comparison of exactly this content, or null. */
  comparison: ComparisonItem | null;
  status: TestStatusView;
  variables: Record<string, string>;
  gate: GateStatus;
  preview: PromotionPreview | null;
}

/** Everything the version page shows, loaded by one service. */
export interface VersionPageData {
  prompt: PromptRail;
  version: Version;
  testing: VersionTesting;
  /** Review before PROD: approvals the next stage needs (0: none), and this version's open review into it. */
  review: { needed: number; open: Review | null };
}

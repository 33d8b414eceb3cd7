import type { ReviewState } from "../domain/reviews.js";
import type { Stage } from "../domain/stage.js";
import type { Comparison } from "./compare.model.js";
import type { ComparisonItem } from "./comparison.model.js";
import type { TestRun } from "./testing.model.js";
import type { Version } from "./version.model.js";

export type { ReviewState } from "../domain/reviews.js";

/** An approval or a rejection: who, when, and what they said. */
export interface ReviewVote {
  by: string;
  at: string;
  comment: string;
}

/** A request to promote a version into a stage that needs approvals (docs/reviews.md). */
export interface Review {
  id: number;
  prompt: string;
  version: string;
  from: Stage;
  to: Stage;
  state: ReviewState;
  requestedBy: string;
  requestedAt: string;
  contentHash: string;
  /** The target stage's current version when the review was asked for; null when it had none. */
  base: string | null;
  needed: number;
  approvals: ReviewVote[];
  rejections: ReviewVote[];
  appliedAt: string | null;
  /** When it left `open`, whatever the way. */
  closedAt: string | null;
}

/** What a reviewer looks at: the change against the base, and the latest test of this content. */
export interface ReviewEvidence {
  /** The version under review as it is now. */
  version: Version;
  /** base → version; null when the target stage has no current version. */
  comparison: Comparison | null;
  /** The latest test run of exactly the reviewed content, in any stage; null: not tested. */
  latestRun: TestRun | null;
  /** The newest finished comparison of exactly the reviewed content of this version; null: none yet. */
  latestComparison: ComparisonItem | null;
}

/** One move of a stage pointer: the audit. */
export interface StageMove {
  at: string;
  prompt: string;
  stage: Stage;
  from: string | null;
  to: string | null;
  actor: string;
  review: number | null;
}

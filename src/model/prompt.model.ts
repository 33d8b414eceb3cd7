import type { PromptType } from "../domain/chat.js";
import type { Stage } from "../domain/stage.js";
import type { CurrentByStage, VersionSummary } from "./version.model.js";

/** A line of the prompt list. */
export interface PromptSummary {
  name: string;
  type: PromptType;
  description: string;
  current: CurrentByStage;
  /** DEV versions, current or not (docs/ui.md: "none current · 3 drafts"). Not in the JSON. */
  drafts: number;
  updatedAt: string;
}

/** What the stage rail shows: each stage's current version and since when it is current there. */
export interface PromptRail {
  name: string;
  /** Text or chat (docs/rules.md, chat prompts), fixed when the prompt was created. */
  type: PromptType;
  current: CurrentByStage;
  /** When each stage's current version became current there; null when the stage has none. */
  currentSince: Record<Stage, string | null>;
  /** DEV versions, current or not, so that new drafts are never invisible (docs/ui.md). */
  drafts: number;
  /** When the prompt was archived, or null. Not in the JSON. */
  archivedAt: string | null;
}

/** The prompt page: the prompt and one page of its versions, newest first, without their content. */
export interface PromptDetail extends PromptRail {
  description: string;
  createdAt: string;
  updatedAt: string;
  versions: VersionSummary[];
  /** The cursor of the following page of versions, or null on the last one. */
  nextCursor: string | null;
}

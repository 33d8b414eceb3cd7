import type { StructuredPatch } from "diff";
import type { Config } from "../domain/content.js";
import type { Contract } from "../domain/contract.js";
import type { Content } from "../domain/prompt-content.js";
import type { AllowedActions, Stage } from "../domain/stage.js";

/**
 * A version as services hand it out: the API's version object (docs/api.md) before serialization. Its
 * content is the prompt's type with either `body` (text) or `messages` (chat), docs/rules.md, chat prompts.
 */
export type Version = VersionFacts & Content;

export interface VersionFacts {
  id: number;
  promptId: number;
  prompt: string;
  version: string;
  /** 1, 2, 3… in creation order within the prompt, never reused (docs/rules.md, chat prompts). */
  seq: number;
  major: number;
  minor: number;
  stage: Stage;
  current: boolean;
  config: Config;
  /** Typed variables, tools and response format (docs/contract.md). */
  contract: Contract;
  revision: number;
  contentHash: string;
  createdFrom: string | null;
  createdAt: string;
  updatedAt: string;
  /** When the current revision was saved: what "Edited … ago" shows (docs/ui.md). Not in the JSON. */
  editedAt: string;
  actions: AllowedActions;
}

/** A line of a version list: everything but the content, which lists never load. */
export interface VersionSummary {
  version: string;
  seq: number;
  stage: Stage;
  current: boolean;
  revision: number;
  createdFrom: string | null;
  updatedAt: string;
  /** When the current revision was saved ("Edited … ago", docs/ui.md). Not in the JSON. */
  editedAt: string;
}

/** One saved state of a version (R5), the current one included: its body or messages, and config. */
export type Revision = {
  revision: number;
  config: Config;
  contract: Contract;
  contentHash: string;
  savedAt: string;
  actor: string;
} & Content;

export type CurrentByStage = Record<Stage, string | null>;

export function emptyCurrent(): CurrentByStage {
  return { DEV: null, TST: null, PROD: null };
}

/** A saved revision with what it changed from the one before (null for the first). */
export interface RevisionChange {
  revision: Revision;
  changes: {
    from: number;
    /** Body and config patches; null if too large to diff in time. */
    patches: StructuredPatch[] | null;
    variables: { added: string[]; removed: string[] };
  } | null;
}

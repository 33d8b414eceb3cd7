import type { StructuredPatch } from "diff";
import type { Config } from "../domain/content.js";
import type { AllowedActions, Stage } from "../domain/stage.js";

/** A version as services hand it out: the SPEC's version object before serialization. */
export interface Version {
  id: number;
  promptId: number;
  prompt: string;
  version: string;
  major: number;
  minor: number;
  stage: Stage;
  current: boolean;
  body: string;
  config: Config;
  revision: number;
  contentHash: string;
  createdFrom: string | null;
  createdAt: string;
  updatedAt: string;
  /** When the current revision was saved: what "Edited … ago" shows (SPEC §4). Not in the JSON. */
  editedAt: string;
  actions: AllowedActions;
}

/** A line of a version list: everything but the content, which lists never load. */
export interface VersionSummary {
  version: string;
  stage: Stage;
  current: boolean;
  revision: number;
  createdFrom: string | null;
  updatedAt: string;
  /** When the current revision was saved ("Edited … ago", SPEC §4). Not in the JSON. */
  editedAt: string;
}

/** One saved state of a version (R5), the current one included. */
export interface Revision {
  revision: number;
  body: string;
  config: Config;
  contentHash: string;
  savedAt: string;
  actor: string;
}

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

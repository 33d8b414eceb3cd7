import type { VersionRow } from "../db/schema.js";
import type { Config } from "../domain/content.js";
import { type AllowedActions, allowedActions, type Stage } from "../domain/stage.js";
import { formatVersion } from "../domain/version-number.js";

/** A version as services hand it out: the SPEC's version object before serialization. */
export interface Version {
  id: number;
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

export function rowToVersion(prompt: string, row: VersionRow): Version {
  const current = row.is_current === 1;
  return {
    id: row.id,
    prompt,
    version: formatVersion(row),
    major: row.major,
    minor: row.minor,
    stage: row.stage,
    current,
    body: row.body,
    config: JSON.parse(row.config) as Config,
    revision: row.revision,
    contentHash: row.content_hash,
    createdFrom: row.created_from,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    editedAt: row.edited_at || row.created_at,
    actions: allowedActions({ stage: row.stage, current }),
  };
}

export type CurrentByStage = Record<Stage, string | null>;

export function emptyCurrent(): CurrentByStage {
  return { DEV: null, TST: null, PROD: null };
}

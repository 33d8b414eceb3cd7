import { DomainError } from "../domain/errors.js";
import { parseStage } from "../domain/stage.js";
import type { Version } from "../model/version.model.js";
import type { CurrentRow, CurrentSource, QueryCurrentSource } from "../store/runtime.store.js";
import { rowToVersion } from "./rows.js";

/**
 * Entries kept at most, and the characters of content (body and config) they may hold together:
 * with the JSON and text bytes the HTTP layer keeps beside each, about 48 MB at the most.
 */
export const MAX_ENTRIES = 10_000;
export const MAX_CHARS = 16 * 1024 * 1024;

/**
 * The runtime read as the HTTP layer uses it. A backend may answer synchronously (SQLite, from
 * memory) or not (a future PostgreSQL one); either way a missing version is a not_found throw
 * (or rejection), and the same Version object comes back while the version is unchanged.
 */
export interface RuntimeReads {
  current(name: string, stage: string): Version | Promise<Version>;
  check(): void | Promise<void>;
}

type Entry = { version: Version; chars: number } | { refusal: DomainError; chars: number };

/**
 * The runtime read, what every application calls: the current version of a stage. Answers come
 * from memory, one entry per (prompt, stage), and the same Version object while it is
 * unchanged, so callers can keep what they derive from it (bytes, ETags) next to it. Freshness
 * is exact: before each read the source is asked whether anything was committed since the last
 * read, and if so every entry is dropped, so a write is seen by the very next read whichever
 * process made it. Misses (no such prompt or stage) are remembered the same way.
 */
export function createRuntimeService(source: CurrentSource): RuntimeReads {
  const entries = new Map<string, Entry>();
  let chars = 0;

  function fresh(): void {
    if (!source.changed()) return;
    entries.clear();
    chars = 0;
  }

  function load(name: string, stageParam: string): Entry {
    const stage = parseStage(stageParam);
    if (!stage) return { refusal: notAStage(stageParam), chars: 0 };
    const row = source.current(name, stage);
    if (row) return found(name, row);
    return { refusal: missing(name, stage, source.promptExists(name)), chars: 0 };
  }

  function remember(key: string, entry: Entry): void {
    entries.set(key, entry);
    chars += entry.chars;
    // Oldest first: Map keeps insertion order.
    for (const [oldest, old] of entries) {
      if (entries.size <= MAX_ENTRIES && chars <= MAX_CHARS) break;
      if (oldest === key) break;
      entries.delete(oldest);
      chars -= old.chars;
    }
  }

  return {
    /**
     * The current version of `stage` (case-insensitive) of prompt `name`; throws not_found
     * when there is no such prompt, stage, or current version.
     */
    current(name: string, stage: string): Version {
      fresh();
      const key = `${stage}\u0000${name}`;
      let entry = entries.get(key);
      if (!entry) {
        entry = load(name, stage);
        remember(key, entry);
      }
      if ("refusal" in entry) throw entry.refusal;
      return entry.version;
    },

    /** Liveness and a database check in one statement (/healthz); throws if the file cannot be read. */
    check(): void {
      fresh();
    },
  };
}

function notAStage(stageParam: string): DomainError {
  return new DomainError("not_found", `"${stageParam}" is not a stage: use DEV, TST or PROD`);
}

function found(name: string, row: CurrentRow): { version: Version; chars: number } {
  const contractChars = row.variables.length + row.tools.length + (row.response_format?.length ?? 0);
  return {
    version: rowToVersion({ name, type: row.prompt_type }, row),
    chars: row.body.length + row.config.length + contractChars,
  };
}

function missing(name: string, stage: string, promptExists: boolean): DomainError {
  return promptExists
    ? new DomainError("not_found", `${name} has no current ${stage} version`)
    : new DomainError("not_found", `No prompt named "${name}"`);
}

/**
 * The runtime read on a database that other instances change too (PostgreSQL, SPEC §10): every
 * read asks the database, one indexed query, so a write on any instance is seen by the very
 * next read on every other. No cache means nothing to invalidate and nothing to be stale.
 */
export function createQueryRuntimeService(source: QueryCurrentSource): RuntimeReads {
  return {
    async current(name: string, stageParam: string): Promise<Version> {
      const stage = parseStage(stageParam);
      if (!stage) throw notAStage(stageParam);
      const row = await source.current(name, stage);
      if (row) return found(name, row).version;
      throw missing(name, stage, await source.promptExists(name));
    },
    check: () => source.ping(),
  };
}

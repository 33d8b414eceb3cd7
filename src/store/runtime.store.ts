import type SQLite from "better-sqlite3";
import type { VersionRow } from "../db/schema.js";
import type { Stage } from "../domain/stage.js";

/**
 * Where the runtime read ("current PROD of prompt X") comes from. A backend answers from
 * committed data and says whether anything may have changed since it last said so, so that a
 * cache in front of it is never stale: SQLite by its data_version, PostgreSQL (later) by
 * LISTEN/NOTIFY or by answering "changed" every time.
 */
export interface CurrentSource {
  /** True when any connection, in this process or another, committed since the previous call. */
  changed(): boolean;
  current(name: string, stage: Stage): VersionRow | undefined;
  promptExists(name: string): boolean;
}

/**
 * The runtime read as prepared statements on a read-only connection of the SQLite file: it
 * sees only committed data, never the middle of a transaction open on the writer. SQLite's
 * `PRAGMA data_version` on this connection changes whenever another connection — our own
 * writer or another process on the same file — commits, and costs one statement step.
 */
export function createSqliteCurrentSource(reader: SQLite.Database): CurrentSource {
  const dataVersion = reader.prepare<[], number>("PRAGMA data_version").pluck();
  const current = reader.prepare<[string, Stage], VersionRow>(
    `SELECT v.* FROM versions v JOIN prompts p ON p.id = v.prompt_id
     WHERE p.name = ? AND v.stage = ? AND v.is_current = 1`,
  );
  const promptExists = reader.prepare<[string], { id: number }>("SELECT id FROM prompts WHERE name = ?");
  let seen: number | undefined;
  return {
    changed() {
      const now = dataVersion.get();
      if (now === seen) return false;
      seen = now;
      return true;
    },
    current: (name, stage) => current.get(name, stage),
    promptExists: (name) => promptExists.get(name) !== undefined,
  };
}

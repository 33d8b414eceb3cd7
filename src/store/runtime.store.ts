import type SQLite from "better-sqlite3";
import type { VersionRow } from "../db/schema.js";
import type { Stage } from "../domain/stage.js";

/**
 * The runtime read ("current PROD of prompt X") as one prepared statement: the hot path of
 * every application that reads its prompts, so it skips the query builder.
 */
export function createCurrentReader(reader: SQLite.Database) {
  const statement = reader.prepare<[string, Stage], VersionRow>(
    `SELECT v.* FROM versions v JOIN prompts p ON p.id = v.prompt_id
     WHERE p.name = ? AND v.stage = ? AND v.is_current = 1`,
  );
  const promptExists = reader.prepare<[string], { id: number }>("SELECT id FROM prompts WHERE name = ?");
  return {
    current: (name: string, stage: Stage): VersionRow | undefined => statement.get(name, stage),
    promptExists: (name: string): boolean => promptExists.get(name) !== undefined,
  };
}

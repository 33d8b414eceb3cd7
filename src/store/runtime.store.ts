import type { Db, PostgresDb, SqliteDb } from "../db/connect.js";
import type { VersionRow } from "../db/schema.js";
import type { PromptType } from "../domain/chat.js";
import type { Stage } from "../domain/stage.js";

export type CurrentRow = VersionRow & { prompt_type: PromptType };

/**
 * Where the runtime read ("current PROD of prompt X") comes from: committed data only. Whether
 * it may have changed is src/store/changes.store.ts's to say.
 */
export interface CurrentSource {
  /** The current version of a stage, with its prompt's type (what `body` holds). */
  current(name: string, stage: Stage): Promise<CurrentRow | undefined>;
  promptExists(name: string): Promise<boolean>;
}

export function currentSourceOf(db: Db): CurrentSource {
  return db.engine === "sqlite" ? sqliteCurrentSource(db) : postgresCurrentSource(db);
}

/**
 * SQLite: prepared statements on the read-only connection of the file, which sees only committed
 * data, never the middle of a transaction open on the writer.
 */
function sqliteCurrentSource(db: SqliteDb): CurrentSource {
  const reader = db.reader();
  const current = reader.prepare<[string, Stage], CurrentRow>(
    `SELECT v.*, p.type AS prompt_type FROM versions v JOIN prompts p ON p.id = v.prompt_id
     WHERE p.name = ? AND v.stage = ? AND v.is_current = 1`,
  );
  const promptExists = reader.prepare<[string], { id: number }>("SELECT id FROM prompts WHERE name = ?");
  return {
    current: async (name, stage) => current.get(name, stage),
    promptExists: async (name) => promptExists.get(name) !== undefined,
  };
}

/**
 * PostgreSQL: named prepared statements on the pool: each connection parses and plans them once
 * (an unnamed query is planned at every call, about twice the database's time per read).
 */
function postgresCurrentSource(db: PostgresDb): CurrentSource {
  const current = {
    name: "promptrail_runtime_current",
    text: `SELECT v.*, p.type AS prompt_type FROM versions v JOIN prompts p ON p.id = v.prompt_id
           WHERE p.name = $1 AND v.stage = $2 AND v.is_current = 1`,
  };
  const exists = { name: "promptrail_runtime_exists", text: "SELECT id FROM prompts WHERE name = $1" };
  return {
    current: async (name, stage) => (await db.pool.query<CurrentRow>({ ...current, values: [name, stage] })).rows[0],
    promptExists: async (name) => (await db.pool.query({ ...exists, values: [name] })).rowCount !== 0,
  };
}

import type { PostgresDb, SqliteDb } from "../db/connect.js";
import type { VersionRow } from "../db/schema.js";
import type { PromptType } from "../domain/chat.js";
import type { Stage } from "../domain/stage.js";

export type CurrentRow = VersionRow & { prompt_type: PromptType };

/**
 * Where the runtime read ("current PROD of prompt X") comes from. A backend answers from
 * committed data and says whether anything may have changed since it last said so, so that a
 * cache in front of it is never stale: SQLite by its data_version. PostgreSQL, shared by many
 * instances, has no cache in front of it: see `createQueryCurrentSource`.
 */
export interface CurrentSource {
  /** True when any connection, in this process or another, committed since the previous call. */
  changed(): boolean;
  /** The current version of a stage, with its prompt's type (what `body` holds). */
  current(name: string, stage: Stage): CurrentRow | undefined;
  promptExists(name: string): boolean;
}

/**
 * The runtime read as prepared statements on the read-only connection of the SQLite file: it
 * sees only committed data, never the middle of a transaction open on the writer. Whether
 * anyone committed — our writer or another process on the file — comes from db.watchCommits.
 */
export function createSqliteCurrentSource(db: SqliteDb): CurrentSource {
  const reader = db.reader();
  const current = reader.prepare<[string, Stage], CurrentRow>(
    `SELECT v.*, p.type AS prompt_type FROM versions v JOIN prompts p ON p.id = v.prompt_id
     WHERE p.name = ? AND v.stage = ? AND v.is_current = 1`,
  );
  const promptExists = reader.prepare<[string], { id: number }>("SELECT id FROM prompts WHERE name = ?");
  return {
    changed: db.watchCommits(),
    current: (name, stage) => current.get(name, stage),
    promptExists: (name) => promptExists.get(name) !== undefined,
  };
}

/** The same reads as queries, answered by the server each time (PostgreSQL: SPEC §10). */
export interface QueryCurrentSource {
  current(name: string, stage: Stage): Promise<CurrentRow | undefined>;
  promptExists(name: string): Promise<boolean>;
  /** One round trip to the database: /healthz. */
  ping(): Promise<void>;
}

/**
 * On PostgreSQL, as named prepared statements on the pool: each connection parses and plans them
 * once (an unnamed query is planned at every call, about twice the database's time per read).
 */
export function createQueryCurrentSource(db: PostgresDb): QueryCurrentSource {
  const current = {
    name: "promptrail_runtime_current",
    text: `SELECT v.*, p.type AS prompt_type FROM versions v JOIN prompts p ON p.id = v.prompt_id
           WHERE p.name = $1 AND v.stage = $2 AND v.is_current = 1`,
  };
  const exists = { name: "promptrail_runtime_exists", text: "SELECT id FROM prompts WHERE name = $1" };
  return {
    current: async (name, stage) => (await db.pool.query<CurrentRow>({ ...current, values: [name, stage] })).rows[0],
    promptExists: async (name) => (await db.pool.query({ ...exists, values: [name] })).rowCount !== 0,
    ping: async () => {
      await db.pool.query("SELECT 1");
    },
  };
}

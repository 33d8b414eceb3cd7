import type { Kysely } from "kysely";
import type { Database } from "../db/schema.js";
import type { LoggedChange, LoggedPromotion } from "../domain/changes.js";
import { readColumn, STORED } from "./columns.js";

type Db = Kysely<Database>;

/**
 * The newest event's id (0 for an empty log): where a new change stream starts. Every event
 * counts, so a stream opened now never replays a change committed before it.
 */
export async function latestSeq(db: Db): Promise<number> {
  const row = await db
    .selectFrom("events")
    .select((eb) => eb.fn.max("id").as("seq"))
    .executeTakeFirst();
  return Number(row?.seq ?? 0);
}

/**
 * The changes to prompts committed after `seq`, oldest first, at most `limit`: the event log's
 * rows with their prompt's name. `settings.changed` (no prompt: users, tokens, environments) is
 * not a change to what applications read, and stays off the stream.
 */
export async function changesAfter(db: Db, seq: number, limit: number): Promise<LoggedChange[]> {
  const rows = await db
    .selectFrom("events as e")
    .innerJoin("prompts as p", "p.id", "e.prompt_id")
    .select(["e.id", "e.type", "p.name", "e.version", "e.at", "e.detail"])
    .where("e.id", ">", seq)
    .orderBy("e.id")
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    seq: Number(r.id),
    type: r.type,
    prompt: r.name,
    version: r.version,
    at: r.at,
    detail: r.detail,
  }));
}

/**
 * Every promotion up to `upTo` of the versions these changes name (the (prompt, version)
 * index serves it): what `stagesAfter` needs to say each change's stage.
 */
export async function promotionsOf(db: Db, changes: LoggedChange[], upTo: number): Promise<LoggedPromotion[]> {
  const versions = [...new Set(changes.flatMap((c) => (c.version === null ? [] : [c.version])))];
  const prompts = [...new Set(changes.map((c) => c.prompt))];
  if (versions.length === 0) return [];
  const rows = await db
    .selectFrom("events as e")
    .innerJoin("prompts as p", "p.id", "e.prompt_id")
    .select(["e.id", "p.name", "e.version", "e.detail"])
    .where("p.name", "in", prompts)
    .where("e.version", "in", versions)
    .where("e.type", "=", "version.promoted")
    .where("e.id", "<=", upTo)
    .execute();
  return rows.map((r) => ({
    seq: Number(r.id),
    prompt: r.name,
    version: r.version,
    detail: readColumn(STORED.detail, r.detail, "event detail"),
  }));
}

import { type Kysely, sql } from "kysely";
import type { Database, NewVersionRow, PromptRow, VersionRow } from "../db/schema.js";
import type { Stage } from "../domain/stage.js";
import type { VersionNumber } from "../domain/version-number.js";

type Db = Kysely<Database>;

/**
 * Inserts a version and answers its id. The database gives it the prompt's next `seq`
 * (docs/rules.md, chat prompts) unless one is given (an import keeps the numbers it carries), and refuses a used one.
 */
export async function insertVersion(db: Db, row: NewVersionRow): Promise<number> {
  const inserted = await db.insertInto("versions").values(row).returning("id").executeTakeFirstOrThrow();
  return inserted.id;
}

/** A prompt by name and one of its versions, in one statement; undefined if either is missing. */
export async function findPromptVersion(
  db: Db,
  name: string,
  n: VersionNumber,
): Promise<{ prompt: PromptRow; version: VersionRow } | undefined> {
  const row = await db
    .selectFrom("versions as v")
    .innerJoin("prompts as p", "p.id", "v.prompt_id")
    .selectAll("v")
    .select([
      "p.name as p_name",
      "p.description as p_description",
      "p.max_major as p_max_major",
      "p.max_minor as p_max_minor",
      "p.current_dev as p_current_dev",
      "p.current_tst as p_current_tst",
      "p.current_prod as p_current_prod",
      "p.archived_at as p_archived_at",
      "p.type as p_type",
      "p.max_seq as p_max_seq",
      "p.created_at as p_created_at",
      "p.updated_at as p_updated_at",
    ])
    .where("p.name", "=", name)
    .where("v.major", "=", n.major)
    .where("v.minor", "=", n.minor)
    .executeTakeFirst();
  if (!row) return undefined;
  const {
    p_name,
    p_description,
    p_max_major,
    p_max_minor,
    p_current_dev,
    p_current_tst,
    p_current_prod,
    p_archived_at,
    p_type,
    p_max_seq,
    p_created_at,
    p_updated_at,
    ...version
  } = row;
  const prompt = {
    id: version.prompt_id,
    name: p_name,
    description: p_description,
    max_major: p_max_major,
    max_minor: p_max_minor,
    current_dev: p_current_dev,
    current_tst: p_current_tst,
    current_prod: p_current_prod,
    archived_at: p_archived_at,
    type: p_type,
    max_seq: p_max_seq,
    created_at: p_created_at,
    updated_at: p_updated_at,
  };
  return { prompt, version };
}

export function findVersionById(db: Db, id: number): Promise<VersionRow | undefined> {
  return db.selectFrom("versions").selectAll().where("id", "=", id).executeTakeFirst();
}

/** Every version of a prompt, newest number first, content included (export; pages use summaries). */
export function listVersions(db: Db, promptId: number): Promise<VersionRow[]> {
  return db
    .selectFrom("versions")
    .selectAll()
    .where("prompt_id", "=", promptId)
    .orderBy("major", "desc")
    .orderBy("minor", "desc")
    .execute();
}

/** The columns of a version list: never the content, which a list does not show. */
const SUMMARY = [
  "seq",
  "major",
  "minor",
  "stage",
  "is_current",
  "revision",
  "created_from",
  "updated_at",
  "edited_at",
] as const;

/** One page of a prompt's versions, newest number first, below `before` when given (keyset). */
export function listVersionSummaries(
  db: Db,
  promptId: number,
  opts: { before?: VersionNumber | undefined; limit: number },
) {
  let query = db
    .selectFrom("versions")
    .select(SUMMARY)
    .where("prompt_id", "=", promptId)
    .orderBy("major", "desc")
    .orderBy("minor", "desc")
    .limit(opts.limit);
  const { before } = opts;
  if (before)
    query = query.where((eb) =>
      eb.or([eb("major", "<", before.major), eb.and([eb("major", "=", before.major), eb("minor", "<", before.minor)])]),
    );
  return query.execute();
}

/** The body of a prompt's newest version (the highest number). */
export async function newestBody(db: Db, promptId: number): Promise<string | null> {
  const row = await db
    .selectFrom("versions")
    .select("body")
    .where("prompt_id", "=", promptId)
    .orderBy("major", "desc")
    .orderBy("minor", "desc")
    .limit(1)
    .executeTakeFirst();
  return row?.body ?? null;
}

/** The body and declared variables (JSON text) of a prompt's newest version. */
export function newestContent(db: Db, promptId: number) {
  return db
    .selectFrom("versions")
    .select(["body", "variables"])
    .where("prompt_id", "=", promptId)
    .orderBy("major", "desc")
    .orderBy("minor", "desc")
    .limit(1)
    .executeTakeFirst();
}

/** The newest `limit` version numbers of a prompt, newest first (pickers). */
export function listVersionNumbers(db: Db, promptId: number, limit: number) {
  return db
    .selectFrom("versions")
    .select(["major", "minor"])
    .where("prompt_id", "=", promptId)
    .orderBy("major", "desc")
    .orderBy("minor", "desc")
    .limit(limit)
    .execute();
}

/** A current version as the rail reads it: `body` only for the stage asked for, `since` from the log. */
export type CurrentVersionRow = Omit<VersionRow, "body"> & { body: string | null; since: string | null };

/**
 * Each stage's current version of a prompt, with when it became current there: the newest event
 * that made it current (creation of v1.0, a promotion, a make-current). A current version's
 * newest such event is always the one for its current stage, so no event detail is parsed.
 * The body comes only for `bodyOf`'s stage (the one a promotion preview diffs against).
 */
export function currentVersions(db: Db, promptId: number, bodyOf: Stage | null = null): Promise<CurrentVersionRow[]> {
  return db
    .selectFrom("versions as v")
    .select([
      "v.id",
      "v.prompt_id",
      "v.seq",
      "v.major",
      "v.minor",
      "v.stage",
      "v.is_current",
      "v.config",
      "v.revision",
      "v.content_hash",
      "v.created_from",
      "v.created_at",
      "v.updated_at",
      "v.edited_at",
      "v.variables",
      "v.tools",
      "v.response_format",
    ])
    .select((eb) => [
      bodyOf
        ? eb.case().when("v.stage", "=", bodyOf).then(eb.ref("v.body")).end().as("body")
        : sql<null>`NULL`.as("body"),
      eb
        .selectFrom("events as e")
        .select((e) => e.fn.max("e.at").as("at"))
        .whereRef("e.prompt_id", "=", "v.prompt_id")
        .where("e.version", "=", sql<string>`v.major || '.' || v.minor`)
        .where("e.type", "in", ["prompt.created", "version.promoted", "version.made_current"])
        .as("since"),
    ])
    .where("v.prompt_id", "=", promptId)
    .where("v.is_current", "=", 1)
    .execute() as Promise<CurrentVersionRow[]>;
}

/** The numbers of a prompt's versions that exist now (deleted drafts are gone). */
export function versionNumbers(db: Db, promptId: number) {
  return db.selectFrom("versions").select(["major", "minor"]).where("prompt_id", "=", promptId).execute();
}

export function findCurrent(db: Db, promptId: number, stage: Stage): Promise<VersionRow | undefined> {
  return db
    .selectFrom("versions")
    .selectAll()
    .where("prompt_id", "=", promptId)
    .where("stage", "=", stage)
    .where("is_current", "=", 1)
    .executeTakeFirst();
}

/** The current version number of each stage for several prompts at once (list pages). */
export function currentNumbers(db: Db, promptIds: number[]) {
  if (promptIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom("versions")
    .select(["prompt_id", "stage", "major", "minor"])
    .where("prompt_id", "in", promptIds)
    .where("is_current", "=", 1)
    .execute();
}

/** How many DEV versions (drafts, current or not) each of several prompts has; absent means none. */
export function draftCounts(db: Db, promptIds: number[]) {
  if (promptIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom("versions")
    .select((eb) => ["prompt_id", eb.fn.countAll<number>().as("drafts")])
    .where("prompt_id", "in", promptIds)
    .where("stage", "=", "DEV")
    .groupBy("prompt_id")
    .execute();
}

/** The prompt column that points at the current version of each stage. */
const POINTER = { DEV: "current_dev", TST: "current_tst", PROD: "current_prod" } as const;

/**
 * Points `stage` of a prompt at version `id` (or at none), touching the prompt. The pointer is
 * the truth of "current"; a trigger keeps versions.is_current, and R4's index, in step with it.
 */
async function pointStage(db: Db, promptId: number, stage: Stage, id: number | null, now: string): Promise<void> {
  await db
    .updateTable("prompts")
    .set({ [POINTER[stage]]: id, updated_at: now })
    .where("id", "=", promptId)
    .execute();
}

/**
 * The stage's current version is about to be replaced: touches it and answers its number, or
 * null when the stage has none. The flag itself moves when setStageAndCurrent points the stage
 * at the new version.
 */
export async function touchCurrent(db: Db, promptId: number, stage: Stage, now: string): Promise<VersionNumber | null> {
  const replaced = await db
    .updateTable("versions")
    .set({ updated_at: now })
    .where("prompt_id", "=", promptId)
    .where("stage", "=", stage)
    .where("is_current", "=", 1)
    .returning(["major", "minor"])
    .executeTakeFirst();
  return replaced ?? null;
}

/**
 * Leaves `stage` with no current version; answers the number of the one that was. PROD is never
 * left without one (the database refuses it): for PROD the flag stays until setStageAndCurrent
 * swaps the pointer to another version.
 */
export async function clearCurrent(db: Db, promptId: number, stage: Stage, now: string): Promise<VersionNumber | null> {
  const replaced = await touchCurrent(db, promptId, stage, now);
  if (replaced && stage !== "PROD") await pointStage(db, promptId, stage, null, now);
  return replaced;
}

/**
 * Moves `version` into `stage` (or keeps it there) as the stage's current version, and answers
 * the row as stored. A version current in the stage it leaves stops being current there first
 * (R7); the version it replaces in `stage` keeps its stage and loses only the flag.
 */
export async function setStageAndCurrent(
  db: Db,
  version: Pick<VersionRow, "id" | "prompt_id" | "stage" | "is_current">,
  stage: Stage,
  now: string,
): Promise<VersionRow> {
  const { id, prompt_id: promptId } = version;
  if (version.stage !== stage && version.is_current === 1) await pointStage(db, promptId, version.stage, null, now);
  const stored = await db
    .updateTable("versions")
    .set({ stage, updated_at: now })
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await pointStage(db, promptId, stage, id, now);
  // The pointer's trigger has just set the flag on this row.
  return { ...stored, is_current: 1 };
}

/**
 * Writes new content only if the version is still at `expectedRevision` (R6); answers the row
 * as stored, or undefined when it had moved on, so a concurrent save is detected inside the
 * same transaction.
 */
export async function updateContent(
  db: Db,
  id: number,
  expectedRevision: number,
  content: {
    body: string;
    config: string;
    contentHash: string;
    editedAt?: string;
    /** The contract's columns; left out, they stay as they are. */
    variables?: string;
    tools?: string;
    response_format?: string | null;
  },
  now: string,
): Promise<VersionRow | undefined> {
  return db
    .updateTable("versions")
    .set({
      body: content.body,
      config: content.config,
      content_hash: content.contentHash,
      ...(content.variables !== undefined && { variables: content.variables }),
      ...(content.tools !== undefined && { tools: content.tools }),
      ...(content.response_format !== undefined && { response_format: content.response_format }),
      revision: expectedRevision + 1,
      updated_at: now,
      // The time of the saved revision (an import replays old ones); "Edited … ago" shows it.
      edited_at: content.editedAt ?? now,
    })
    .where("id", "=", id)
    .where("revision", "=", expectedRevision)
    .returningAll()
    .executeTakeFirst();
}

export async function deleteVersion(db: Db, id: number): Promise<void> {
  await db.deleteFrom("versions").where("id", "=", id).execute();
}

/** A version by its `seq` (docs/rules.md, chat prompts: Langfuse's `version`). */
export function findVersionBySeq(db: Db, promptId: number, seq: number): Promise<VersionRow | undefined> {
  return db
    .selectFrom("versions")
    .selectAll()
    .where("prompt_id", "=", promptId)
    .where("seq", "=", seq)
    .executeTakeFirst();
}

/** The version with the highest `seq` that still exists: Langfuse's `latest` label. */
export function findLatestBySeq(db: Db, promptId: number): Promise<VersionRow | undefined> {
  return db
    .selectFrom("versions")
    .selectAll()
    .where("prompt_id", "=", promptId)
    .orderBy("seq", "desc")
    .limit(1)
    .executeTakeFirst();
}

/** The highest `seq` among a prompt's versions that still exist. */
export async function latestSeq(db: Db, promptId: number): Promise<number | null> {
  const row = await db
    .selectFrom("versions")
    .select((eb) => eb.fn.max("seq").as("seq"))
    .where("prompt_id", "=", promptId)
    .executeTakeFirst();
  return row?.seq ?? null;
}

/** Every `seq` of several prompts, oldest first, with the config of each (the newest one's is wanted). */
export function seqsOf(db: Db, promptIds: number[]) {
  if (promptIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom("versions")
    .select(["prompt_id", "seq", "config", "tools", "response_format"])
    .where("prompt_id", "in", promptIds)
    .orderBy("prompt_id")
    .orderBy("seq")
    .execute();
}

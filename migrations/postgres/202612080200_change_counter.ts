import { type Kysely, sql } from "kysely";

/**
 * The change counter: one row whose `n` every transaction that changes prompts, versions, users,
 * sessions or API tokens bumps, by statement triggers, in that same transaction, whoever runs it
 * (an instance, the command line, psql). Instances keep the runtime read's answers and who each
 * credential is in memory while `n` stays the same, and read it before answering, so a change
 * committed anywhere is what the very next read on any instance sees (docs/performance.md).
 * Its row cannot be deleted: without it nothing could tell a cache that it is stale.
 */
const WATCHED = ["prompts", "versions", "users", "sessions", "api_tokens"];

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of [
    `CREATE TABLE promptrail_changes (
       id integer PRIMARY KEY CONSTRAINT promptrail_changes_one_row CHECK (id = 1),
       n bigint NOT NULL
     )`,
    "INSERT INTO promptrail_changes (id, n) VALUES (1, 0)",
    `CREATE FUNCTION promptrail_bump_changes() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       UPDATE promptrail_changes SET n = n + 1 WHERE id = 1;
       RETURN NULL;
     END $$`,
    `CREATE FUNCTION promptrail_changes_kept() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       RAISE EXCEPTION 'The change counter is kept: it tells every instance when its cached answers are stale'
         USING CONSTRAINT = TG_NAME;
     END $$`,
    `CREATE TRIGGER promptrail_changes_kept BEFORE DELETE OR TRUNCATE ON promptrail_changes
       FOR EACH STATEMENT EXECUTE FUNCTION promptrail_changes_kept()`,
    ...WATCHED.map(
      (table) => `CREATE TRIGGER ${table}_bump_changes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${table}
         FOR EACH STATEMENT EXECUTE FUNCTION promptrail_bump_changes()`,
    ),
  ])
    await sql.raw(statement).execute(db);
}

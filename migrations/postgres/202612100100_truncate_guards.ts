import { type Kysely, sql } from "kysely";

/**
 * TRUNCATE removes rows without firing a single row trigger, so every rule that guards a DELETE
 * (R9's drafts only, R11's log, R5's revisions, the latest test runs, the environments, the
 * users) would be skipped by `TRUNCATE versions CASCADE`. Each table whose rows a delete rule
 * guards refuses TRUNCATE outright, by a statement trigger named `<table>_no_truncate` that
 * raises as every trigger of this schema does (the rule's text, CONSTRAINT = the trigger's
 * name). A TRUNCATE … CASCADE fires the trigger of every table it would empty, so truncating an
 * unguarded table that reaches a guarded one is refused too. SQLite has no TRUNCATE (its
 * `DELETE FROM t` without WHERE fires the delete triggers), so these have no SQLite twin; the
 * schema parity test lists them by name.
 */
const TRUNCATE_GUARDS: Record<string, string> = {
  prompts: "prompts are never truncated: a prompt with versions is never deleted",
  versions: "versions are never truncated: only DEV drafts that are not current can be deleted",
  revisions: "saved revisions are never changed",
  events: "the event log is append-only",
  test_runs: "test runs are deleted only with their version, or past its latest 100",
  environments: "stage environments are never inserted or deleted",
  users: "users are disabled, never deleted",
};

export async function up(db: Kysely<any>): Promise<void> {
  await sql
    .raw(
      `CREATE FUNCTION promptrail_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         RAISE EXCEPTION USING MESSAGE = TG_ARGV[0], CONSTRAINT = TG_NAME;
       END $$`,
    )
    .execute(db);
  for (const [table, message] of Object.entries(TRUNCATE_GUARDS))
    await sql
      .raw(
        `CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table}
         FOR EACH STATEMENT EXECUTE FUNCTION promptrail_no_truncate('${message.replaceAll("'", "''")}')`,
      )
      .execute(db);
}

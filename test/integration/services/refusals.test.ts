import { sql } from "kysely";
import { describe, expect, test } from "vitest";
import { DomainError } from "../../../src/domain/errors.js";
import { domainErrorOf } from "../../../src/services/refusals.js";
import { inTransaction as useCase } from "../../../src/services/transaction.js";
import { DatabaseRefusal } from "../../../src/store/refusals.js";
import { inTransaction } from "../../../src/store/transaction.js";
import { freshServices, TEST_ENGINE, type TestServices } from "../../support/db.js";

/**
 * When the database is the one to refuse (R12: the last line, even for code that skipped a
 * check), the refusal is known by the rule's name — trigger, CHECK constraint, or a UNIQUE
 * constraint's columns — and reaches the caller as the matching DomainError.
 */
async function ladder(): Promise<TestServices> {
  const s = await freshServices();
  await s.prompts.create({ name: "p", body: "one" });
  await s.versions.promote("p", "1.0");
  await s.versions.promote("p", "1.0", { to: "PROD" });
  await s.versions.createNew("p", "1.0");
  await s.versions.promote("p", "1.1");
  await s.versions.createNew("p", "1.1");
  await s.versions.createNew("p", "1.2");
  await s.versions.makeCurrent("p", "1.2");
  return s;
}

async function refused(s: TestServices, statement: string): Promise<DatabaseRefusal> {
  const error = await inTransaction(s.db.kysely, (tx) => sql.raw(statement).execute(tx)).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DatabaseRefusal);
  return error as DatabaseRefusal;
}

describe("database refusals by rule name", () => {
  test.each([
    [
      "a taken prompt name",
      "INSERT INTO prompts (name, created_at, updated_at) VALUES ('p', 'x', 'x')",
      // A BEFORE trigger speaks before the UNIQUE constraint, so that OR REPLACE is refused too.
      "prompts_insert_name_fresh",
      "name_taken",
    ],
    [
      "editing PROD",
      "UPDATE versions SET body = 'changed' WHERE stage = 'PROD'",
      // SQLite names the first trigger by name of those that share its text (and so its meaning);
      // PostgreSQL names the trigger that raised it.
      TEST_ENGINE === "postgres" ? "versions_prod_immutable" : "revisions_insert_not_prod",
      "version_immutable",
    ],
    ["deleting TST", "DELETE FROM versions WHERE stage = 'TST'", "versions_delete_dev_only", "delete_forbidden"],
    [
      "a second current version in a stage",
      "UPDATE versions SET is_current = 1 WHERE major = 1 AND minor = 3",
      // The flag follows the prompt's pointer: a direct change that disagrees is refused first.
      "versions_current_mirrors_pointer",
      "invalid_transition",
    ],
    [
      "a stage moving back",
      "UPDATE versions SET stage = 'DEV' WHERE stage = 'TST'",
      "versions_stage_forward",
      "invalid_transition",
    ],
    [
      "a new version outside DEV",
      "INSERT INTO versions (prompt_id, major, minor, stage, body, content_hash, created_at, updated_at) SELECT id, 9, 0, 'TST', '', '', 'x', 'x' FROM prompts",
      "versions_new_is_dev",
      "invalid_transition",
    ],
    [
      "an oversized body",
      `UPDATE versions SET body = ${TEST_ENGINE === "postgres" ? "repeat('x', 1000001)" : "zeroblob(1000001)"} WHERE minor = 3`,
      "versions_body_size",
      "validation_failed",
    ],
  ])("%s: rule %s, %s", async (_label, statement, rule, code) => {
    const s = await ladder();
    const refusal = await refused(s, statement);
    expect(refusal.rule).toBe(rule);
    expect(domainErrorOf(refusal)?.code).toBe(code);
  });

  test("a failure that is no rule passes through unchanged", async () => {
    const s = await ladder();
    const error = await inTransaction(s.db.kysely, (tx) => sql.raw("SELECT * FROM no_such_table").execute(tx)).catch(
      (e: unknown) => e,
    );
    expect(error).not.toBeInstanceOf(DatabaseRefusal);
    expect(domainErrorOf(error)).toBeNull();
  });

  test("a use case's transaction hands the refusal out as its DomainError, for the web app and the command line alike", async () => {
    const s = await ladder();
    const insert = "INSERT INTO prompts (name, created_at, updated_at) VALUES ('p', 'x', 'x')";
    const error = await useCase(s.db.kysely, (tx) => sql.raw(insert).execute(tx)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: "name_taken", message: "A prompt with that name already exists" });
    const broken = await useCase(s.db.kysely, (tx) => sql.raw("SELECT * FROM no_such_table").execute(tx)).catch(
      (e: unknown) => e,
    );
    expect(broken).not.toBeInstanceOf(DomainError);
  });
});

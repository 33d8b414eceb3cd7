import { type Kysely, sql } from "kysely";
import { engineOf } from "../db/connect.js";
import type { Database } from "../db/schema.js";

/**
 * A change the database refused because one of its own rules forbids it (R12). `rule` names
 * the rule: the trigger, the CHECK constraint, or the table columns a UNIQUE constraint covers
 * (`prompts.name`), so callers map refusals by identity, never by the wording of a message.
 */
export class DatabaseRefusal extends Error {
  override readonly name = "DatabaseRefusal";
  constructor(
    readonly rule: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

const CONSTRAINT = "SQLITE_CONSTRAINT";

/**
 * The refusal behind a SQLite error, or null for any other failure. SQLite names a CHECK
 * constraint and a UNIQUE constraint's columns after a fixed "… constraint failed: " prefix; a
 * trigger says only its RAISE text, so the trigger is found in the schema by that exact literal.
 */
export async function refusalOf(db: Kysely<Database>, error: unknown): Promise<DatabaseRefusal | null> {
  if (!(error instanceof Error)) return null;
  if (engineOf(db) === "postgres") return postgresRefusalOf(error);
  const code = (error as { code?: unknown }).code;
  if (typeof code !== "string" || !code.startsWith(CONSTRAINT)) return null;
  const subject = error.message.slice(error.message.indexOf(": ") + 2);
  if (code === `${CONSTRAINT}_UNIQUE` || code === `${CONSTRAINT}_CHECK`)
    return new DatabaseRefusal(subject, error.message, { cause: error });
  if (code === `${CONSTRAINT}_TRIGGER`) {
    const rule = await triggerRaising(db, error.message);
    return new DatabaseRefusal(rule ?? "trigger", error.message, { cause: error });
  }
  return new DatabaseRefusal(code, error.message, { cause: error });
}

async function triggerRaising(db: Kysely<Database>, message: string): Promise<string | null> {
  const literal = `'${message.replaceAll("'", "''")}'`;
  const { rows } = await sql<{ name: string; sql: string }>`
    SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name`.execute(db);
  return rows.find((trigger) => trigger.sql.includes(literal))?.name ?? null;
}

/**
 * PostgreSQL names the rule itself: a constraint's or unique index's name in `constraint` (the
 * schema names them as SQLite reports them, `prompts.name`), and a trigger's RAISE sets it to the
 * trigger's name (migrations/postgres). Integrity violations (class 23) and RAISEs (P0001) are
 * refusals; a refusal without a name keeps its code.
 */
function postgresRefusalOf(error: Error): DatabaseRefusal | null {
  const { code, constraint } = error as { code?: unknown; constraint?: unknown };
  if (typeof code !== "string" || !(code.startsWith("23") || code === "P0001")) return null;
  return new DatabaseRefusal(typeof constraint === "string" && constraint ? constraint : code, error.message, {
    cause: error,
  });
}

import { type Kysely, sql } from "kysely";
import { migrations as sqliteMigrations } from "../../migrations/index.js";
import { postgresMigrations } from "../../migrations/postgres/index.js";
import { engineOf } from "./connect.js";
import type { Database } from "./schema.js";
import { underWriteLock } from "./write-lock.js";

/** Kysely's bookkeeping table, kept so that databases migrated by its Migrator carry on. */
const LEDGER = "kysely_migration";
/** The advisory lock key PostgreSQL migrations take (any constant of ours). */
const MIGRATION_LOCK = 0x7072_746d; // "prtm"

/**
 * Applies every pending migration; running it again changes nothing. Throws on failure.
 *
 * All pending migrations run in ONE transaction taken with BEGIN IMMEDIATE. Kysely's Migrator
 * runs SQLite migrations outside any transaction and takes no lock, so two servers starting on
 * one new file both tried to create the tables (one died: `table "prompts" already exists`), and a
 * crash half-way left a half-built schema for good. Here the second process waits for the write
 * lock (busy_timeout), then reads the ledger the first one committed and finds nothing to do;
 * a crash rolls the whole step back. PostgreSQL has its own migrations (migrations/postgres: the
 * same schema, its rules in PL/pgSQL), run the same way under an advisory lock that every
 * instance starting at once queues on, with DDL inside the transaction. Which migrations run is
 * the engine connect() decided for `db` (engineOf), never a parameter a caller could forget.
 */
export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  const migrations = engineOf(db) === "postgres" ? postgresMigrations : sqliteMigrations;
  return underWriteLock(db, MIGRATION_LOCK, async (conn) => {
    await sql`CREATE TABLE IF NOT EXISTS ${sql.table(LEDGER)} (name varchar(255) NOT NULL PRIMARY KEY, timestamp varchar(255) NOT NULL)`.execute(
      conn,
    );
    const done = new Set(
      (await sql<{ name: string }>`SELECT name FROM ${sql.table(LEDGER)}`.execute(conn)).rows.map((r) => r.name),
    );
    const unknown = [...done].filter((name) => !Object.hasOwn(migrations, name));
    if (unknown.length > 0)
      throw new Error(
        `This database was migrated by a newer Promptrail (unknown migration ${unknown.join(", ")}); use that version`,
      );
    const applied: string[] = [];
    for (const name of Object.keys(migrations).sort()) {
      if (done.has(name)) continue;
      await migrations[name]?.up(conn);
      await sql`INSERT INTO ${sql.table(LEDGER)} (name, timestamp) VALUES (${name}, ${new Date().toISOString()})`.execute(
        conn,
      );
      applied.push(name);
    }
    return applied;
  });
}

import { randomBytes } from "node:crypto";
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import { postgresMigrations } from "../../migrations/postgres/index.js";
import type { Database } from "../../src/db/schema.js";

const ADMIN_URL = process.env.PROMPTRAIL_TEST_PG_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** Runs one statement on the admin database (CREATE/DROP DATABASE cannot run in a transaction). */
async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** A fresh, empty database of its own on the test server; drop() removes it, connections and all. */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `promptrail_t_${randomBytes(8).toString("hex")}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      await admin(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}' AND pid <> pg_backend_pid()`,
      );
      await admin(`DROP DATABASE IF EXISTS ${name}`);
    },
  };
}

/** The query builder over a pool of connections to `url`, typed as the app's stores expect it. */
export function postgresKysely(url: string): Kysely<Database> {
  return new Kysely<Database>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 4 }) }),
  });
}

/** Every PostgreSQL migration in order, in one transaction (until the app's own runner takes over). */
export async function applyPostgresSchema(db: Kysely<Database>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const name of Object.keys(postgresMigrations).sort()) await postgresMigrations[name]?.up(trx);
  });
}

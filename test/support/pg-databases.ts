import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";

/** The server the PostgreSQL tests create their databases on (trust authentication, docs/postgresql.md). */
export const PG_ADMIN_URL = process.env.PROMPTRAIL_TEST_PG_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** The URL of database `name` on the test server. */
export function pgUrl(name: string): string {
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Runs statements on the server's admin database (CREATE/DROP DATABASE cannot run in a transaction). */
export async function onAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** A new, empty database, and how to drop it (connections and all). */
export async function createTestDatabase(
  template?: string,
): Promise<{ name: string; url: string; drop: () => Promise<void> }> {
  const name = `promptrail_t_${randomBytes(6).toString("hex")}`;
  await onAdmin((admin) =>
    admin.query(`CREATE DATABASE ${quote(name)}${template ? ` TEMPLATE ${quote(template)}` : ""}`),
  );
  return {
    name,
    url: pgUrl(name),
    drop: () =>
      onAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS ${quote(name)} WITH (FORCE)`)).then(() => undefined),
  };
}

/** The tables and rows a database has right after migrating (the ledger, the stage environments). */
type Snapshot = Array<{ table: string; rows: Record<string, unknown>[] }>;

/** Databases of this worker that a finished test gave back, emptied to the migrated state. */
const free: Array<{ name: string; url: string }> = [];
let snapshot: Promise<Snapshot> | undefined;

/**
 * A database with the whole schema and nothing else, for one test. Each is first copied from the
 * template that the `postgres` project's global setup migrated once with the real runner
 * (test/support/pg-global-setup.ts); when its test is done it goes back to this worker's free
 * list emptied to exactly the migrated state (every table truncated, identities restarted, the
 * migrated rows put back), which costs a fraction of CREATE DATABASE (~0.5 s with fsync on) or of
 * migrating again. The global setup drops them all when the run ends.
 */
export async function createMigratedTestDatabase(): Promise<{ name: string; url: string; drop: () => Promise<void> }> {
  const template = inject("pgTemplate");
  const leased = free.pop() ?? (await copyOf(template));
  snapshot ??= snapshotOf(pgUrl(template));
  const rows = await snapshot;
  return { ...leased, drop: () => reset(leased.url, rows).then(() => void free.push(leased)) };
}

async function copyOf(template: string): Promise<{ name: string; url: string }> {
  const name = `${template}_${randomBytes(4).toString("hex")}`;
  await onAdmin((admin) => admin.query(`CREATE DATABASE ${quote(name)} TEMPLATE ${quote(template)}`));
  return { name, url: pgUrl(name) };
}

async function onDatabase<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function snapshotOf(url: string): Promise<Snapshot> {
  return onDatabase(url, async (client) => {
    const { rows: tables } = await client.query<{ name: string }>(
      "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
    );
    const taken: Snapshot = [];
    for (const { name } of tables)
      taken.push({ table: name, rows: (await client.query(`SELECT * FROM ${quote(name)}`)).rows });
    return taken;
  });
}

/**
 * Back to the migrated state in one transaction, with triggers off (their rules guard data, not
 * resets; foreign keys are triggers too, so the order of the deletes does not matter): every row
 * deleted, every identity restarted, the migrated rows put back. DELETE, not TRUNCATE: on tables
 * this small it is much cheaper than TRUNCATE's new files.
 */
function reset(url: string, taken: Snapshot): Promise<void> {
  return onDatabase(url, async (client) => {
    await client.query("BEGIN");
    await client.query("SET LOCAL session_replication_role = replica");
    for (const { table } of taken) await client.query(`DELETE FROM ${quote(table)}`);
    await client.query(`SELECT setval(pg_get_serial_sequence(quote_ident(table_name), column_name), 1, false)
      FROM information_schema.columns WHERE table_schema = 'public' AND is_identity = 'YES'`);
    for (const { table, rows } of taken)
      for (const row of rows) {
        const columns = Object.keys(row);
        await client.query(
          `INSERT INTO ${quote(table)} (${columns.map(quote).join(", ")}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(", ")})`,
          Object.values(row),
        );
      }
    await client.query("COMMIT");
  });
}

/** Drops the template's copies and then the template (the global setup's teardown). */
export async function dropCopiesOf(template: string): Promise<void> {
  await onAdmin(async (admin) => {
    const { rows } = await admin.query<{ name: string }>(
      "SELECT datname AS name FROM pg_database WHERE datname LIKE $1 || '\\_%'",
      [template],
    );
    for (const { name } of rows) await admin.query(`DROP DATABASE IF EXISTS ${quote(name)} WITH (FORCE)`);
    await admin.query(`DROP DATABASE IF EXISTS ${quote(template)} WITH (FORCE)`);
  });
}

declare module "vitest" {
  export interface ProvidedContext {
    pgTemplate: string;
  }
}

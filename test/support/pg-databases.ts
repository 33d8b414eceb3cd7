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

/**
 * The statements that put a copy back to the migrated state, as one script: read once from the
 * first fresh copy (its tables, its identity sequences, its rows as JSON in PostgreSQL's own text forms).
 */
type Reset = string;

/** Databases of this worker that a finished test gave back, emptied to the migrated state. */
const free: Array<{ name: string; url: string }> = [];
let resetScript: Promise<Reset> | undefined;

/**
 * A database with the whole schema and nothing else, for one test. Each is first copied from the
 * template that the `postgres` project's global setup migrated once with the real runner
 * (test/support/pg-global-setup.ts); when its test is done it goes back to this worker's free
 * list emptied to exactly the migrated state (every table emptied, identities restarted, the
 * migrated rows put back), which costs a fraction of CREATE DATABASE (~0.5 s with fsync on) or of
 * migrating again. The global setup drops them all when the run ends.
 */
export async function createMigratedTestDatabase(): Promise<{ name: string; url: string; drop: () => Promise<void> }> {
  const template = inject("pgTemplate");
  const leased = free.pop() ?? (await copyOf(template));
  // Read from a fresh copy, before its test: the migrated state, without a connection to the
  // template (CREATE DATABASE … TEMPLATE refuses a template someone is connected to).
  resetScript ??= resetScriptOf(leased.url);
  const script = await resetScript;
  return { ...leased, drop: () => reset(leased.url, script).then(() => void free.push(leased)) };
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

/**
 * Back to the migrated state in one transaction, with triggers off (their rules guard data, not
 * resets; foreign keys are triggers too, so the order of the deletes does not matter): every row
 * deleted, every identity restarted, the migrated rows put back. DELETE, not TRUNCATE: on tables
 * this small it is much cheaper than TRUNCATE's new files, and the truncate guards stay as they
 * are. One script, so one round trip (a statement each, as it was, cost a round trip per table
 * and per migrated row).
 */
function resetScriptOf(url: string): Promise<Reset> {
  return onDatabase(url, async (client) => {
    const { rows: tables } = await client.query<{ name: string; columns: string[] }>(
      `SELECT t.tablename AS name,
         ARRAY(SELECT a.attname::text FROM pg_attribute a
           WHERE a.attrelid = format('%I.%I', t.schemaname, t.tablename)::regclass AND a.attnum > 0
             AND NOT a.attisdropped AND a.attgenerated = '' ORDER BY a.attnum) AS columns
       FROM pg_tables t WHERE t.schemaname = 'public' ORDER BY t.tablename`,
    );
    const { rows: sequences } = await client.query<{ name: string }>(
      `SELECT pg_get_serial_sequence(format('%I', table_name), column_name) AS name
       FROM information_schema.columns WHERE table_schema = 'public' AND is_identity = 'YES'`,
    );
    const statements = ["BEGIN", "SET LOCAL session_replication_role = replica"];
    for (const { name } of tables) statements.push(`DELETE FROM ${quote(name)}`);
    for (const { name } of sequences) statements.push(`SELECT setval(${client.escapeLiteral(name)}, 1, false)`);
    for (const { name, columns } of tables) {
      const { rows } = await client.query<{ json: string | null }>(
        `SELECT json_agg(t)::text AS json FROM ${quote(name)} t`,
      );
      const json = rows[0]?.json;
      if (!json) continue;
      const list = columns.map(quote).join(", ");
      statements.push(
        `INSERT INTO ${quote(name)} (${list}) OVERRIDING SYSTEM VALUE SELECT ${list} FROM json_populate_recordset(NULL::${quote(name)}, ${client.escapeLiteral(json)})`,
      );
    }
    statements.push("COMMIT");
    return statements.join(";\n");
  });
}

function reset(url: string, script: Reset): Promise<void> {
  return onDatabase(url, async (client) => {
    await client.query(script);
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

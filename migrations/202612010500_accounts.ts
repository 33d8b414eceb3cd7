import { type Kysely, sql } from "kysely";

/**
 * docs/accounts.md: users, their sessions and API tokens, and failed sign-ins (for the limit). The
 * database keeps only hashes: a password as `scrypt$…`, a session cookie or token as the sha256
 * hex of its secret — CHECKs refuse anything else, so a raw secret can never be stored by
 * mistake. Users are disabled, never deleted or renamed (their names are the actors in the event
 * log). Once there is an active user there is always an active admin: the first active user
 * must be one, and the last active admin can be neither disabled nor given another role — so a
 * secured registry can never fall back to open mode, nor lose the only person who manages it.
 */
const HASH = (column: string) => `length(${column}) = 64 AND ${column} NOT GLOB '*[^0-9a-f]*'`;

const TABLES = [
  `CREATE TABLE users (
    id integer PRIMARY KEY AUTOINCREMENT,
    name text NOT NULL UNIQUE,
    role text NOT NULL,
    disabled integer NOT NULL DEFAULT 0,
    password_hash text NOT NULL,
    created_at text NOT NULL,
    updated_at text NOT NULL,
    last_seen_at text,
    CONSTRAINT users_name_format CHECK (length(name) BETWEEN 1 AND 64 AND name NOT GLOB '*[^a-z0-9._-]*'),
    CONSTRAINT users_role CHECK (role IN ('viewer', 'editor', 'releaser', 'admin')),
    CONSTRAINT users_disabled CHECK (disabled IN (0, 1)),
    CONSTRAINT users_password_hashed CHECK (password_hash GLOB 'scrypt$*')
  )`,
  `CREATE TABLE sessions (
    id integer PRIMARY KEY AUTOINCREMENT,
    user_id integer NOT NULL REFERENCES users (id),
    secret_hash text NOT NULL UNIQUE,
    created_at text NOT NULL,
    last_used_at text NOT NULL,
    CONSTRAINT sessions_secret_hashed CHECK (${HASH("secret_hash")})
  )`,
  "CREATE INDEX sessions_by_user ON sessions (user_id)",
  `CREATE TABLE api_tokens (
    id integer PRIMARY KEY AUTOINCREMENT,
    user_id integer NOT NULL REFERENCES users (id),
    label text NOT NULL,
    secret_hash text NOT NULL UNIQUE,
    read_only integer NOT NULL DEFAULT 0,
    created_at text NOT NULL,
    last_used_at text,
    revoked_at text,
    CONSTRAINT api_tokens_label CHECK (length(label) BETWEEN 1 AND 100),
    CONSTRAINT api_tokens_read_only CHECK (read_only IN (0, 1)),
    CONSTRAINT api_tokens_secret_hashed CHECK (${HASH("secret_hash")})
  )`,
  "CREATE INDEX api_tokens_by_user ON api_tokens (user_id)",
  `CREATE TABLE sign_in_failures (
    id integer PRIMARY KEY AUTOINCREMENT,
    name text NOT NULL,
    address text NOT NULL,
    at text NOT NULL
  )`,
  "CREATE INDEX sign_in_failures_by_name ON sign_in_failures (name, at)",
  "CREATE INDEX sign_in_failures_by_address ON sign_in_failures (address, at)",
];

const ACTIVE_ADMIN_BUT = (id: string) =>
  `EXISTS (SELECT 1 FROM users WHERE id <> ${id} AND disabled = 0 AND role = 'admin')`;

const TRIGGERS = [
  // INSERT OR REPLACE would delete the row it conflicts with without firing delete triggers.
  `CREATE TRIGGER users_insert_fresh BEFORE INSERT ON users
   WHEN EXISTS (SELECT 1 FROM users WHERE name = NEW.name OR id = NEW.id)
   BEGIN SELECT RAISE(ABORT, 'a user with that name already exists'); END`,
  // Active users need an active admin: the first one must be, and none may be enabled before.
  ...["INSERT", "UPDATE"].map(
    (event) => `CREATE TRIGGER users_need_an_admin_${event.toLowerCase()} AFTER ${event} ON users
   WHEN EXISTS (SELECT 1 FROM users WHERE disabled = 0)
     AND NOT EXISTS (SELECT 1 FROM users WHERE disabled = 0 AND role = 'admin')
   BEGIN SELECT RAISE(ABORT, 'active users need an active admin: the first user must be an admin'); END`,
  ),
  `CREATE TRIGGER users_keep_an_admin BEFORE UPDATE ON users
   WHEN OLD.disabled = 0 AND OLD.role = 'admin' AND (NEW.disabled <> 0 OR NEW.role <> 'admin')
     AND NOT ${ACTIVE_ADMIN_BUT("OLD.id")}
   BEGIN SELECT RAISE(ABORT, 'the last active admin cannot be disabled or lose the admin role'); END`,
  `CREATE TRIGGER users_name_fixed BEFORE UPDATE OF id, name ON users
   WHEN NEW.id <> OLD.id OR NEW.name <> OLD.name
   BEGIN SELECT RAISE(ABORT, 'a user keeps its name: it is the actor of its changes'); END`,
  `CREATE TRIGGER users_never_deleted BEFORE DELETE ON users
   BEGIN SELECT RAISE(ABORT, 'users are disabled, never deleted'); END`,
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of [...TABLES, ...TRIGGERS]) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ["sign_in_failures", "api_tokens", "sessions", "users"])
    await sql.raw(`DROP TABLE ${table}`).execute(db);
}

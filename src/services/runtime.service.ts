import type { Kysely } from "kysely";
import type { Database } from "../db/schema.js";
import { needsTouch, sessionExpired } from "../domain/accounts.js";
import { DomainError } from "../domain/errors.js";
import { effectiveRole } from "../domain/roles.js";
import { parseStage } from "../domain/stage.js";
import type { Version } from "../model/version.model.js";
import type { Changes } from "../store/changes.store.js";
import type { CurrentRow, CurrentSource } from "../store/runtime.store.js";
import { deleteSession, findSession, touchSession } from "../store/sessions.store.js";
import { findActiveToken, touchToken } from "../store/tokens.store.js";
import { hasActiveUser, touchUser } from "../store/users.store.js";
import { type Actor, LOCAL } from "./context.js";
import { rowToVersion } from "./rows.js";
import { hashSecret } from "./secrets.js";
import { inTransaction } from "./transaction.js";

export type Mode = "open" | "secured";

/** What a request showed: a session cookie's value or an API token (`prt_…`). */
export interface Credential {
  kind: "session" | "token";
  secret: string;
}

/** Who a request is: open mode acts as `local`; in secured mode the credential's actor, or null. */
export type Who = { mode: "open"; actor: Actor } | { mode: "secured"; actor: Actor | null };

/**
 * Versions kept at most, and the characters of content (body and config) they may hold together:
 * with the JSON and text bytes the HTTP layer keeps beside each, about 48 MB at the most.
 */
export const MAX_ENTRIES = 10_000;
export const MAX_CHARS = 16 * 1024 * 1024;

/** A version, or why there is none; `chars` is what it holds of content. */
type Current = { version: Version; chars: number } | { refusal: DomainError; chars: number };

interface Identity {
  kind: Credential["kind"];
  /** The session's or token's id. */
  id: number;
  actor: Actor;
  lastUsedAt: string | null;
}

export interface RuntimeDeps {
  db: Kysely<Database>;
  /** When anything cached here may have changed (src/store/changes.store.ts). */
  changes: Changes;
  /** The current versions, from committed data. */
  source: CurrentSource;
  now?: () => Date;
}

/**
 * What the server answers at volume, from memory: who a request is (the access check of every
 * route) and the runtime read, the current version of a stage. Everything kept here is exact:
 * before each answer the change counter is read once (`Changes`: on SQLite the wal-index, on
 * PostgreSQL one query shared by every read waiting for it), and when it moved, everything is
 * dropped. So a write, a revoked token or a disabled user is what the very next request sees, on
 * any instance. While a version is unchanged the same `Version` object comes back, so the HTTP
 * layer can keep its bytes and ETags beside it.
 *
 * Last-use times of sessions and tokens are written at most once a minute per credential, after
 * the answer, never waited for (each is a change, which empties these caches).
 */
export function createRuntimeService(deps: RuntimeDeps) {
  const { db, changes, source } = deps;
  const now = () => (deps.now ? deps.now() : new Date());
  const versions = new Map<string, Current>();
  const identities = new Map<string, Identity | null>();
  let chars = 0;
  let secured: boolean | undefined;
  let generation: number | undefined;

  /** Brings the caches to the database's state at a moment after this call: answers the generation. */
  const fresh = (): Promise<number> => changes.read().then(settle);

  function settle(seen: number): number {
    if (seen !== generation) {
      versions.clear();
      identities.clear();
      chars = 0;
      // Secured stays secured: the database keeps an active admin once there is one, and should
      // the users vanish anyway (raw SQL), failing closed beats opening the registry to everyone.
      if (secured === false) secured = undefined;
      generation = seen;
    }
    return seen;
  }

  /** Keeps what was loaded under generation `at` only if nothing moved since. */
  const still = (at: number) => at === generation;

  /** Who, from memory alone when it can be (open mode, or a credential seen since the last change). */
  function knownWho(credential: Credential | null): Who | undefined {
    if (secured === false) return OPEN;
    if (secured === undefined) return undefined;
    if (credential === null) return NOBODY;
    const key = `${credential.kind}:${hashSecret(credential.secret)}`;
    const identity = identities.get(key);
    return identity === undefined ? undefined : { mode: "secured", actor: use(key, identity) };
  }

  async function who(at: number, credential: Credential | null): Promise<Who> {
    if (secured === undefined) {
      const value = await hasActiveUser(db);
      if (still(at)) secured = value;
      if (!value) return OPEN;
    } else if (!secured) return OPEN;
    if (credential === null) return NOBODY;
    const key = `${credential.kind}:${hashSecret(credential.secret)}`;
    let identity = identities.get(key);
    if (identity === undefined) {
      identity = await identify(credential.kind, key.slice(credential.kind.length + 1));
      if (still(at)) {
        if (identities.size >= MAX_ENTRIES) identities.clear();
        identities.set(key, identity);
      }
    }
    return { mode: "secured", actor: use(key, identity) };
  }

  async function identify(kind: Credential["kind"], hash: string): Promise<Identity | null> {
    if (kind === "session") {
      const row = await findSession(db, hash);
      if (!row || row.disabled === 1) return null;
      const actor: Actor = { actor: row.name, role: row.role, userId: row.user_id };
      return { kind, id: row.id, actor, lastUsedAt: row.last_used_at };
    }
    const row = await findActiveToken(db, hash);
    if (!row || row.disabled === 1) return null;
    const readOnly = row.read_only === 1;
    const actor: Actor = {
      actor: row.name,
      role: effectiveRole(row.role, readOnly),
      userId: row.user_id,
      token: { id: row.id, label: row.label, readOnly },
    };
    return { kind, id: row.id, actor, lastUsedAt: row.last_used_at };
  }

  /** Writes happen after the answer and are never waited for; a failed one only loses a time. */
  function later(work: () => Promise<unknown>): void {
    work().catch(() => undefined);
  }

  function use(key: string, identity: Identity | null): Actor | null {
    if (!identity) return null;
    const at = now();
    if (identity.kind === "session" && identity.lastUsedAt !== null && sessionExpired(identity.lastUsedAt, at)) {
      identities.set(key, null);
      later(() => inTransaction(db, (tx) => deleteSession(tx, identity.id)));
      return null;
    }
    if (needsTouch(identity.lastUsedAt, at)) {
      const iso = at.toISOString();
      identity.lastUsedAt = iso;
      const userId = identity.actor.userId as number;
      later(() =>
        inTransaction(db, async (tx) => {
          await (identity.kind === "session" ? touchSession(tx, identity.id, iso) : touchToken(tx, identity.id, iso));
          await touchUser(tx, userId, iso);
        }),
      );
    }
    return identity.actor;
  }

  const keyOf = (name: string, stageParam: string) => `${stageParam}\u0000${name}`;

  async function current(at: number, name: string, stageParam: string): Promise<Current> {
    const key = keyOf(name, stageParam);
    const kept = versions.get(key);
    if (kept) return kept;
    const entry = await load(name, stageParam);
    if (still(at)) remember(key, entry);
    return entry;
  }

  async function load(name: string, stageParam: string): Promise<Current> {
    const stage = parseStage(stageParam);
    if (!stage) return { refusal: notAStage(stageParam), chars: 0 };
    const row = await source.current(name, stage);
    if (row) return found(name, row);
    return { refusal: missing(name, stage, await source.promptExists(name)), chars: 0 };
  }

  function remember(key: string, entry: Current): void {
    versions.set(key, entry);
    chars += entry.chars;
    // Oldest first: Map keeps insertion order.
    for (const [oldest, old] of versions) {
      if (versions.size <= MAX_ENTRIES && chars <= MAX_CHARS) break;
      if (oldest === key) break;
      versions.delete(oldest);
      chars -= old.chars;
    }
  }

  const versionOf = (entry: Current): Version => {
    if ("refusal" in entry) throw entry.refusal;
    return entry.version;
  };

  return {
    /** Who a request with `credential` is (open mode, or its actor): the access check of every route. */
    async who(credential: Credential | null): Promise<Who> {
      const at = await fresh();
      return knownWho(credential) ?? who(at, credential);
    },

    /**
     * The current version of `stage` (case-insensitive) of prompt `name`; throws not_found when
     * there is no such prompt, stage, or current version.
     */
    async current(name: string, stage: string): Promise<Version> {
      return versionOf(await current(await fresh(), name, stage));
    },

    /**
     * The runtime read as the route makes it: who asks and the version, both as of one reading of
     * the change counter. `version()` throws the not_found refusal, to be raised only once the
     * caller may know it.
     */
    async read(credential: Credential | null, name: string, stage: string) {
      const at = await fresh();
      // From memory without a further await when both are there: the read at volume.
      const asker = knownWho(credential) ?? (await who(at, credential));
      const entry = versions.get(keyOf(name, stage)) ?? (await current(at, name, stage));
      return { who: asker, version: () => versionOf(entry) };
    },

    /** /healthz: the database answers (on PostgreSQL, the counter's query). */
    async check(): Promise<void> {
      await fresh();
    },
  };
}

export type RuntimeService = ReturnType<typeof createRuntimeService>;

const OPEN: Who = { mode: "open", actor: LOCAL };
const NOBODY: Who = { mode: "secured", actor: null };

function notAStage(stageParam: string): DomainError {
  return new DomainError("not_found", `"${stageParam}" is not a stage: use DEV, TST or PROD`);
}

function found(name: string, row: CurrentRow): { version: Version; chars: number } {
  const contractChars = row.variables.length + row.tools.length + (row.response_format?.length ?? 0);
  return {
    version: rowToVersion({ name, type: row.prompt_type }, row),
    chars: row.body.length + row.config.length + contractChars,
  };
}

function missing(name: string, stage: string, promptExists: boolean): DomainError {
  return promptExists
    ? new DomainError("not_found", `${name} has no current ${stage} version`)
    : new DomainError("not_found", `No prompt named "${name}"`);
}

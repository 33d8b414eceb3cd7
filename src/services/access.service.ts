import type { CommitWatch } from "../db/commit-watch.js";
import { needsTouch, sessionExpired } from "../domain/accounts.js";
import { effectiveRole } from "../domain/roles.js";
import { deleteSession, findSession, touchSession } from "../store/sessions.store.js";
import { findActiveToken, touchToken } from "../store/tokens.store.js";
import { inTransaction } from "../store/transaction.js";
import { hasActiveUser, touchUser } from "../store/users.store.js";
import type { Actor, ServiceDeps } from "./context.js";
import { hashSecret } from "./secrets.js";

export type Mode = "open" | "secured";

/** What a request showed: a session cookie's value or an API token (`prt_…`). */
export interface Credential {
  kind: "session" | "token";
  secret: string;
}

interface Entry {
  kind: Credential["kind"];
  /** The session's or token's id. */
  id: number;
  actor: Actor;
  lastUsedAt: string | null;
}

/** Entries kept at most; past that the cache starts again (unknown secrets are remembered too). */
const MAX_ENTRIES = 10_000;

export interface AccessDeps extends ServiceDeps {
  /** A new watcher of commits by any connection (Db.watchCommits): the cache's freshness. */
  commits: () => CommitWatch;
}

/**
 * Who a request is (SPEC §5), fast enough for the runtime read: the mode and each credential's
 * actor are kept in memory, keyed by the sha256 of the secret, and all of it is dropped whenever
 * any connection — this server, the `promptrail user|token` command line, another instance —
 * commits. So a revoked token, a disabled user or an ended session is refused by the very next
 * request, while a steady stream of reads with one token costs one sha256 and a map lookup.
 * Last-use times are written at most once a minute per credential (each write is a commit, which
 * empties this cache and the runtime read's), after the answer, never waited for.
 */
export function createAccessService(deps: AccessDeps) {
  const { db } = deps;
  const entries = new Map<string, Entry | null>();
  let watch: CommitWatch | undefined;
  let secured: boolean | undefined;
  let generation = 0;
  const now = () => (deps.now ? deps.now() : new Date());

  function fresh(): void {
    watch ??= deps.commits();
    if (!watch()) return;
    entries.clear();
    // Secured stays secured: the database keeps an active admin once there is one, and should
    // the users vanish anyway (raw SQL), failing closed beats opening the registry to everyone.
    if (secured === false) secured = undefined;
    generation += 1;
  }

  /** A value read while nothing committed is kept; one read across a commit may be stale, so it is not. */
  function keep<T>(load: Promise<T>, store: (value: T) => void): Promise<T> {
    const seen = generation;
    return load.then((value) => {
      if (seen === generation) store(value);
      return value;
    });
  }

  async function load(kind: Credential["kind"], hash: string): Promise<Entry | null> {
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

  function use(key: string, entry: Entry | null): Actor | null {
    if (!entry) return null;
    const at = now();
    if (entry.kind === "session" && entry.lastUsedAt !== null && sessionExpired(entry.lastUsedAt, at)) {
      entries.set(key, null);
      later(() => inTransaction(db, (tx) => deleteSession(tx, entry.id)));
      return null;
    }
    if (needsTouch(entry.lastUsedAt, at)) {
      const iso = at.toISOString();
      entry.lastUsedAt = iso;
      const userId = entry.actor.userId as number;
      later(() =>
        inTransaction(db, async (tx) => {
          await (entry.kind === "session" ? touchSession(tx, entry.id, iso) : touchToken(tx, entry.id, iso));
          await touchUser(tx, userId, iso);
        }),
      );
    }
    return entry.actor;
  }

  return {
    /** Open while no user is active, secured from the first one on (SPEC §5). */
    mode(): Mode | Promise<Mode> {
      fresh();
      if (secured !== undefined) return secured ? "secured" : "open";
      return keep(hasActiveUser(db), (value) => {
        secured = value;
      }).then((value) => (value ? "secured" : "open"));
    },

    /**
     * The actor a credential stands for — its user's name and role (a read-only token's capped
     * at viewer) — or null for an unknown, revoked or expired one, or a disabled user's.
     * Synchronous when the answer is in memory.
     */
    identify(credential: Credential): Actor | null | Promise<Actor | null> {
      fresh();
      const key = `${credential.kind}:${hashSecret(credential.secret)}`;
      const known = entries.get(key);
      if (known !== undefined) return use(key, known);
      const hash = key.slice(credential.kind.length + 1);
      return keep(load(credential.kind, hash), (entry) => {
        if (entries.size >= MAX_ENTRIES) entries.clear();
        entries.set(key, entry);
      }).then((entry) => use(key, entry));
    },
  };
}

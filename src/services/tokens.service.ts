import { TOKEN_PREFIX } from "../domain/accounts.js";
import { DomainError } from "../domain/errors.js";
import { roleAllows } from "../domain/roles.js";
import type { ApiToken } from "../model/account.model.js";
import { appendSettingsEvent } from "../store/events.store.js";
import { findToken, insertToken, listTokens, revokeToken, type TokenListRow } from "../store/tokens.store.js";
import { createTokenInput } from "./accounts.inputs.js";
import { type Actor, eventActor, isoNow, LOCAL, requireRole, type ServiceDeps } from "./context.js";
import { parseInput } from "./parse.js";
import { hashSecret, newSecret } from "./secrets.js";
import { inTransaction } from "./transaction.js";
import { requireUser } from "./users.service.js";

function rowToToken(row: TokenListRow): ApiToken {
  return {
    id: row.id,
    user: row.user_name,
    label: row.label,
    readOnly: row.read_only === 1,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

/** Managing another user's tokens is an admin's; one's own, anyone's (docs/accounts.md). */
function requireOwnerOrAdmin(by: Actor, owner: string): void {
  requireRole(by, by.userId !== undefined && by.actor === owner ? "self" : "admin");
}

/**
 * API tokens (docs/accounts.md): `prt_…` secrets shown once, stored as their sha256; a read-only token
 * acts as a viewer. Creating and revoking are `settings.changed` events (label and id, never the
 * secret).
 */
export function createTokensService(deps: ServiceDeps) {
  const { db } = deps;
  return {
    /**
     * A new token for `user` (default: the caller). A read-only token can only make read-only
     * tokens, so that it can never mint itself more power than it has.
     */
    async create(input: unknown, by: Actor = LOCAL): Promise<{ token: ApiToken; secret: string }> {
      const { label, readOnly, user } = parseInput(createTokenInput, input);
      const owner = user ?? (by.userId !== undefined ? by.actor : undefined);
      if (owner === undefined) {
        const message = "Name the user the token belongs to";
        throw new DomainError("validation_failed", message, [{ path: "user", message }]);
      }
      requireOwnerOrAdmin(by, owner);
      if (by.token?.readOnly && !readOnly)
        throw new DomainError("forbidden", "A read-only token may create only read-only tokens");
      const secret = newSecret(TOKEN_PREFIX);
      return inTransaction(db, async (tx) => {
        const row = await requireUser(tx, owner);
        if (row.disabled === 1) throw new DomainError("invalid_transition", `${owner} is disabled`);
        const at = isoNow(deps);
        const id = await insertToken(tx, { userId: row.id, label, secretHash: hashSecret(secret), readOnly, at });
        const detail = { setting: "token", change: "created", id, user: owner, label, readOnly };
        await appendSettingsEvent(tx, { at, ...eventActor(by), detail });
        const stored = await findToken(tx, id);
        if (!stored) throw new Error(`token ${id} vanished inside its own transaction`);
        return { token: rowToToken(stored), secret };
      });
    },

    /** Tokens newest first: the caller's own, or (admins, and the command line) anyone's or one user's. */
    async list(by: Actor = LOCAL, user?: string): Promise<ApiToken[]> {
      const owner = user ?? (roleAllows(by.role, "admin").allowed ? undefined : by.actor);
      if (owner !== undefined) requireOwnerOrAdmin(by, owner);
      else requireRole(by, "admin");
      const userId = owner === undefined ? undefined : (await requireUser(db, owner)).id;
      return (await listTokens(db, userId)).map(rowToToken);
    },

    /** Revokes a token for good: the next request that shows it is refused. */
    async revoke(id: number | string, by: Actor = LOCAL): Promise<ApiToken> {
      const number = typeof id === "number" ? id : /^\d{1,15}$/.test(id) ? Number(id) : Number.NaN;
      return inTransaction(db, async (tx) => {
        const row = Number.isSafeInteger(number) ? await findToken(tx, number) : undefined;
        if (!row) throw new DomainError("not_found", `No token ${id}`);
        requireOwnerOrAdmin(by, row.user_name);
        if (row.revoked_at) throw new DomainError("invalid_transition", `Token ${row.id} is revoked already`);
        const at = isoNow(deps);
        await revokeToken(tx, row.id, at);
        const detail = { setting: "token", change: "revoked", id: row.id, user: row.user_name, label: row.label };
        await appendSettingsEvent(tx, { at, ...eventActor(by), detail });
        return rowToToken({ ...row, revoked_at: at });
      });
    },
  };
}

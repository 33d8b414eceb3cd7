import { SESSION_IDLE_MS, SIGN_IN_WINDOW_MS, signInRetryAfter, waitInWords } from "../domain/accounts.js";
import { DomainError } from "../domain/errors.js";
import type { Role } from "../domain/roles.js";
import { deleteSession, deleteSessionsUnusedSince, findSession, insertSession } from "../store/sessions.store.js";
import {
  deleteFailure,
  deleteFailuresBefore,
  forgiveFailuresOfName,
  insertFailure,
  recentFailures,
} from "../store/sign-in-failures.store.js";
import { findUserByName, touchUser } from "../store/users.store.js";
import { signInInput } from "./accounts.inputs.js";
import type { ServiceDeps } from "./context.js";
import { parseInput } from "./parse.js";
import { decoyHash, hashSecret, newSecret, verifyPassword } from "./secrets.js";
import { inTransaction } from "./transaction.js";

/** One answer for a wrong name and a wrong password alike (docs/accounts.md). */
export const WRONG = "Wrong name or password";

const nowOf = (deps: ServiceDeps) => (deps.now ? deps.now() : new Date());

/**
 * Signing in and out (docs/accounts.md). A session is a random secret in a cookie; the database keeps
 * its sha256. Failed sign-ins are counted per name and per client address over 15 minutes:
 * after 5 (SIGN_IN_FAILURES_ALLOWED), every attempt is refused with 429 and the wait, without
 * checking the password — a refused attempt is neither checked nor counted, so guessing goes no
 * faster than 5 tries per 15 minutes per name and per address, and a person locked out waits at
 * most 15 minutes.
 *
 * Every attempt that is let through is first recorded as a failure, in the same transaction
 * that counted the earlier ones (a reservation), and only then is the password hashed: however
 * many attempts arrive at once, on however many instances, the 6th is refused. A success then
 * removes its own reservation and forgives its name's earlier failures, which still count for
 * their addresses.
 */
export function createSignInService(deps: ServiceDeps) {
  const { db } = deps;

  /** Counts the recent failures and, under the limit, records this attempt as one: its id. */
  function reserveAttempt(name: string, address: string, now: Date): Promise<number> {
    const since = new Date(now.getTime() - SIGN_IN_WINDOW_MS).toISOString();
    return inTransaction(db, async (tx) => {
      await deleteFailuresBefore(tx, since);
      const { byName, byAddress } = await recentFailures(tx, { name, address }, since);
      const wait = Math.max(signInRetryAfter(byName, now), signInRetryAfter(byAddress, now));
      if (wait > 0)
        throw new DomainError("rate_limited", `Too many attempts — try again in ${waitInWords(wait)}`, undefined, wait);
      return insertFailure(tx, { name, address, at: now.toISOString() });
    });
  }

  return {
    /**
     * Checks a name and password; answers the user and a new session secret (for the cookie),
     * or refuses: 401 unauthorized "Wrong name or password" (also for a disabled user), 429
     * rate_limited after SIGN_IN_FAILURES_ALLOWED failures.
     */
    async signIn(input: unknown, address: string): Promise<{ user: { name: string; role: Role }; secret: string }> {
      let parsed: { name: string; password: string };
      try {
        parsed = parseInput(signInInput, input);
      } catch {
        throw new DomainError("unauthorized", WRONG);
      }
      const name = parsed.name.slice(0, 100);
      const now = nowOf(deps);
      const reservation = await reserveAttempt(name, address, now);
      const row = await findUserByName(db, name);
      const usable = row !== undefined && row.disabled === 0;
      // A wrong name costs one scrypt too, so the time of the answer tells nothing.
      const matches = await verifyPassword(parsed.password, usable ? row.password_hash : await decoyHash());
      // The reservation stays: it is this failure.
      if (!usable || !matches) throw new DomainError("unauthorized", WRONG);
      const secret = newSecret();
      const at = now.toISOString();
      await inTransaction(db, async (tx) => {
        await insertSession(tx, { userId: row.id, secretHash: hashSecret(secret), at });
        await touchUser(tx, row.id, at);
        await deleteFailure(tx, reservation);
        await forgiveFailuresOfName(tx, name);
        await deleteSessionsUnusedSince(tx, new Date(now.getTime() - SESSION_IDLE_MS).toISOString());
      });
      return { user: { name: row.name, role: row.role }, secret };
    },

    /**
     * A new session for a user who has just proved their password another way (changing it ends
     * every session, the browser that changed it included, which is then signed in again).
     */
    async startSession(userId: number): Promise<string> {
      const secret = newSecret();
      const at = nowOf(deps).toISOString();
      await inTransaction(db, (tx) => insertSession(tx, { userId, secretHash: hashSecret(secret), at }));
      return secret;
    },

    /** Ends the session whose cookie is `secret` (nothing happens for an unknown one). */
    async signOut(secret: string): Promise<void> {
      const found = await findSession(db, hashSecret(secret));
      if (found) await inTransaction(db, (tx) => deleteSession(tx, found.id));
    },
  };
}

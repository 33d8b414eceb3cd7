import type { Kysely } from "kysely";
import type { Database } from "../db/schema.js";
import { DomainError } from "../domain/errors.js";
import { parseStage, STAGES, type Stage } from "../domain/stage.js";
import type { Environment, Environments } from "../model/testing.model.js";
import { findEnvironment, listEnvironments, updateEnvironment } from "../store/environments.store.js";
import { appendSettingsEvent } from "../store/events.store.js";
import { hasActiveUser } from "../store/users.store.js";
import { type Actor, eventActor, isoNow, LOCAL, requireRole, type ServiceDeps } from "./context.js";
import { parseInput } from "./parse.js";
import { rowToEnvironment } from "./rows.js";
import { environmentUpdateInput } from "./testing.inputs.js";
import { inTransaction } from "./transaction.js";

/** The environment of one stage (the migration seeds all three). */
export async function environmentOf(db: Kysely<Database>, stage: Stage): Promise<Environment> {
  const row = await findEnvironment(db, stage);
  if (!row) throw new Error(`the ${stage} environment is missing: run the migrations`);
  return rowToEnvironment(row);
}

async function allEnvironments(db: Kysely<Database>): Promise<Environments> {
  const rows = await listEnvironments(db);
  const found = Object.fromEntries(rows.map((row) => [row.stage, rowToEnvironment(row)]));
  for (const stage of STAGES) if (!found[stage]) throw new Error(`the ${stage} environment is missing`);
  return found as Environments;
}

export function createEnvironmentsService(deps: ServiceDeps) {
  const { db } = deps;
  return {
    /** docs/rules.md, TEST: the environment each stage's TEST runs against, as `{DEV, TST, PROD}`. */
    get(): Promise<Environments> {
      return allEnvironments(db);
    },

    /**
     * Changes any subset of one stage's settings (stage case-insensitive; not_found otherwise)
     * and answers the whole set. `apiKeyEnv` names a PROMPTRAIL_* variable so that settings can
     * never send another server secret anywhere; "" or null clears it. Admins only; a change
     * is a `settings.changed` event with the old and new values of what changed (the key's
     * variable NAME at most, never a key).
     */
    async update(stage: string, input: unknown, by: Actor = LOCAL): Promise<Environments> {
      requireRole(by, "admin");
      const parsed = parseStage(stage);
      if (!parsed) throw new DomainError("not_found", `"${stage}" is not a stage: use DEV, TST or PROD`);
      const changes = parseInput(environmentUpdateInput, input);
      return inTransaction(db, async (tx) => {
        const now = isoNow(deps);
        if (changes.approvals) await requireApprovalsAllowed(tx, parsed);
        const before = await environmentOf(tx, parsed);
        await updateEnvironment(tx, parsed, {
          ...(changes.provider !== undefined && { provider: changes.provider }),
          ...(changes.baseUrl !== undefined && { base_url: changes.baseUrl }),
          ...(changes.model !== undefined && { model: changes.model }),
          ...(changes.apiKeyEnv !== undefined && { api_key_env: changes.apiKeyEnv }),
          ...(changes.timeoutMs !== undefined && { timeout_ms: changes.timeoutMs }),
          ...(changes.gate !== undefined && {
            gate: changes.gate ? 1 : 0,
            no_regression: changes.gate === "no-regression" ? 1 : 0,
          }),
          ...(changes.approvals !== undefined && { approvals: changes.approvals }),
          updated_at: now,
        });
        const after = await allEnvironments(tx);
        const changed = changesOf(before, after[parsed]);
        if (Object.keys(changed).length > 0)
          await appendSettingsEvent(tx, {
            at: now,
            ...eventActor(by),
            detail: { setting: "environment", stage: parsed, changes: changed },
          });
        return after;
      });
    },
  };
}

/**
 * Approvals above 0 need a second person: only in secured mode (open mode has one actor,
 * `local`, who could never approve their own request), and never for DEV, which nothing enters
 * by promotion. 422 otherwise, on the `approvals` field.
 */
async function requireApprovalsAllowed(db: Kysely<Database>, stage: Stage): Promise<void> {
  const refuse = (message: string) => new DomainError("validation_failed", message, [{ path: "approvals", message }]);
  if (stage === "DEV") throw refuse("Nothing is promoted into DEV: it takes no approvals");
  if (!(await hasActiveUser(db)))
    throw refuse("Approvals need accounts: a second person must approve, and open mode has only one (add users first)");
}

/** `{field: {from, to}}` for each field whose value differs. */
function changesOf(before: Environment, after: Environment): Record<string, { from: unknown; to: unknown }> {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of Object.keys(after) as Array<keyof Environment>)
    if (before[key] !== after[key]) changes[key] = { from: before[key], to: after[key] };
  return changes;
}

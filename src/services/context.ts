import type { Kysely } from "kysely";
import type { Database, PromptRow, VersionRow } from "../db/schema.js";
import { DomainError } from "../domain/errors.js";
import { type Permission, type Role, requirePermission } from "../domain/roles.js";
import { formatVersion, parseVersion } from "../domain/version-number.js";
import { findPromptByName } from "../store/prompts.store.js";
import { findPromptVersion } from "../store/versions.store.js";

/**
 * Who makes a change (R11, docs/accounts.md): the signed-in user's name (`local` in open mode and for the
 * operator's command line), the role the request acts with (null: open mode, everything is
 * allowed), and the label of the API token it came with, which each event records in its detail.
 */
export interface Actor {
  actor: string;
  role: Role | null;
  userId?: number;
  token?: { id: number; label: string; readOnly: boolean };
}
export const LOCAL: Actor = { actor: "local", role: null };

/** 403 forbidden, naming the role needed, unless `by` may do `permission` (the role table, roles.ts). */
export function requireRole(by: Actor, permission: Permission): void {
  requirePermission(by.role, permission);
}

/** How an event records its actor: the name, and the token's label when a token made the change. */
export const eventActor = (by: Actor) => ({ actor: by.actor, ...(by.token ? { token: by.token.label } : {}) });

export interface ServiceDeps {
  db: Kysely<Database>;
  /** The clock, injectable so tests can pin times. */
  now?: () => Date;
}

export const isoNow = (deps: ServiceDeps) => (deps.now ? deps.now() : new Date()).toISOString();

export async function requirePrompt(db: Kysely<Database>, name: string): Promise<PromptRow> {
  const prompt = await findPromptByName(db, name);
  if (!prompt) throw new DomainError("not_found", `No prompt named "${name}"`);
  return prompt;
}

/**
 * A prompt and one of its versions by number ("2.3" or "v2.3"), read in one statement;
 * not_found otherwise, saying whether the prompt or the version is missing.
 */
export async function requireVersion(
  db: Kysely<Database>,
  name: string,
  version: string,
): Promise<{ prompt: PromptRow; row: VersionRow }> {
  const number = parseVersion(version);
  const found = number ? await findPromptVersion(db, name, number) : undefined;
  if (found) return { prompt: found.prompt, row: found.version };
  await requirePrompt(db, name);
  throw new DomainError("not_found", `${name} has no version ${number ? `v${formatVersion(number)}` : `"${version}"`}`);
}

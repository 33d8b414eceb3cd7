import type { Kysely } from "kysely";
import type { Database, PromptRow, VersionRow } from "../db/schema.js";
import { DomainError } from "../domain/errors.js";
import { formatVersion, parseVersion } from "../domain/version-number.js";
import { findPromptByName } from "../store/prompts.store.js";
import { findPromptVersion } from "../store/versions.store.js";

/** Who makes a change (R11): `local` until accounts exist. */
export interface Actor {
  actor: string;
}
export const LOCAL: Actor = { actor: "local" };

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

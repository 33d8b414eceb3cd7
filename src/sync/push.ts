import { compareVersions, parseVersion, type VersionNumber } from "../domain/version-number.js";
import type { RegistryClient } from "./client.js";
import type { RegistryPrompt, RegistryVersion } from "./layout.js";
import type { DraftFile } from "./local.js";
import type { Change, Plan } from "./plan.js";
import { writePrompt, writeVersion } from "./write.js";

/** The newest number of a prompt: what a new draft is created from. */
function newest(versions: RegistryVersion[]): string | null {
  const numbers = versions.map((v) => parseVersion(v.version)).filter((n): n is VersionNumber => n !== null);
  const top = numbers.sort(compareVersions).at(-1);
  return top ? `${top.major}.${top.minor}` : null;
}

/**
 * Applies a plan with no refusals, change by change, and after each one writes its files as
 * pull would (the new revision in the meta; a new draft under the number it got). Answers one
 * line per change. A change the server refuses now (someone edited in between: 409) stops the
 * push there, with what was done before it kept and written.
 */
export async function applyPlan(
  plan: Plan,
  registry: RegistryPrompt[],
  client: RegistryClient,
  dir: string,
  say: (line: string) => void,
): Promise<void> {
  const latest = new Map(registry.map((p) => [p.name, newest(p.versions)]));
  const draft = async (prompt: string, file: DraftFile, major: boolean) => {
    const from = latest.get(prompt);
    if (!from) throw new Error(`${prompt} has no version to create a draft from`);
    const created = await client.newVersion(prompt, from, major);
    const saved = await client.save(prompt, created.version, {
      content: file.content,
      ...(file.config ? { config: file.config } : {}),
      revision: created.revision,
    });
    latest.set(prompt, saved.version);
    writeVersion(dir, prompt, saved, file.path);
    say(`${prompt}: ${file.path} is new DEV draft v${saved.version}, created from v${from}`);
  };
  const apply: { [K in Change["kind"]]: (c: Extract<Change, { kind: K }>) => Promise<void> } = {
    async create(c) {
      const first = await client.createPrompt({
        name: c.prompt,
        description: c.description,
        content: c.first.content,
        ...(c.first.config ? { config: c.first.config } : {}),
      });
      latest.set(c.prompt, first.version);
      writePrompt(dir, c.prompt, c.description, c.type);
      writeVersion(dir, c.prompt, first, c.first.path);
      say(`${c.prompt}: created, v1.0 from ${c.first.path}`);
      for (const d of c.drafts) await draft(c.prompt, d, false);
    },
    async describe(c) {
      await client.describe(c.prompt, c.to);
      writePrompt(dir, c.prompt, c.to, c.type);
      say(`${c.prompt}: description saved`);
    },
    async edit(c) {
      const saved = await client.save(c.prompt, c.registry.version, {
        content: c.content,
        config: c.config,
        contract: c.contract,
        revision: c.local.meta.revision,
      });
      writeVersion(dir, c.prompt, saved);
      say(`${c.prompt} v${saved.version}: saved as revision ${saved.revision}`);
    },
    draft: (c) => draft(c.prompt, c.draft, c.major),
  };
  for (const change of plan.changes) await (apply[change.kind] as (c: Change) => Promise<void>)(change);
}

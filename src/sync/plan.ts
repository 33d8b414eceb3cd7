import type { PromptType } from "../domain/chat.js";
import type { Config } from "../domain/content.js";
import type { Contract } from "../domain/contract.js";
import { MAX_DESCRIPTION_CHARS, PROMPT_NAME } from "../domain/limits.js";
import type { Content } from "../domain/prompt-content.js";
import { compareVersions, parseVersion, type VersionNumber } from "../domain/version-number.js";
import { contentFile, contentName, hashOf, type RegistryPrompt, type RegistryVersion } from "./layout.js";
import type { DraftFile, LocalPrompt, LocalTree, TrackedVersion } from "./local.js";

/** What push would do, one entry per prompt or version. */
export type Change =
  | { kind: "create"; prompt: string; description: string; type: PromptType; first: DraftFile; drafts: DraftFile[] }
  | { kind: "describe"; prompt: string; type: PromptType; from: string; to: string }
  | {
      kind: "edit";
      prompt: string;
      path: string;
      local: TrackedVersion;
      registry: RegistryVersion;
      content: Content;
      config: Config;
      contract: Contract;
    }
  | { kind: "draft"; prompt: string; draft: DraftFile; major: boolean };

/** Why push refuses (it then writes nothing), or what it leaves alone and why. */
export interface Finding {
  prompt: string;
  version: string | null;
  message: string;
}

export interface Plan {
  changes: Change[];
  /** Push writes nothing while there is one. */
  refusals: Finding[];
  /** Differences push does not change (the registry moved on; a file is missing). */
  notes: Finding[];
}

const highest = (versions: string[]): VersionNumber | null =>
  versions
    .map(parseVersion)
    .filter((v): v is VersionNumber => v !== null)
    .sort(compareVersions)
    .at(-1) ?? null;

/**
 * docs/prompts-as-code.md `push`: new prompts, edits of DEV/TST drafts (based on the revision the files were
 * pulled at, so a concurrent edit is a conflict), new content files as new DEV drafts. A PROD
 * version whose file differs is refused, never changed; so is a file of the other type than its
 * prompt's (a text file of a chat prompt, docs/rules.md, chat prompts). Everything is decided here, before
 * anything is written.
 */
export function planPush(local: LocalTree, registry: RegistryPrompt[]): Plan {
  const plan: Plan = { changes: [], refusals: [], notes: [] };
  for (const problem of local.problems) plan.refusals.push({ prompt: "", version: null, message: problem });
  const known = new Map(registry.map((p) => [p.name, p]));
  for (const prompt of local.prompts) {
    const there = known.get(prompt.name);
    if (there) planPrompt(plan, prompt, there);
    else planNewPrompt(plan, prompt);
  }
  const here = new Set(local.prompts.map((p) => p.name));
  for (const p of registry)
    if (!here.has(p.name))
      plan.notes.push({ prompt: p.name, version: null, message: "only in Promptrail: pull to get it" });
  return plan;
}

/** What a file of the wrong type for its prompt is told. */
const wrongType = (path: string, type: PromptType, prompt: string, actual: PromptType) =>
  `${path} is a ${type === "text" ? "text" : "messages"} file, but ${prompt} is a ${actual} prompt: its versions are ${contentName(actual, "")} files (a prompt's type never changes)`;

function planNewPrompt(plan: Plan, prompt: LocalPrompt): void {
  const refuse = (message: string) => plan.refusals.push({ prompt: prompt.name, version: null, message });
  if (!PROMPT_NAME.test(prompt.name))
    refuse("not a prompt name: use 1–100 characters of a-z 0-9 . _ -, starting with a letter or digit");
  if (prompt.description.length > MAX_DESCRIPTION_CHARS) refuse("the description is over 2,000 characters");
  if (prompt.versions.size > 0)
    refuse(
      `not in Promptrail, yet it has files from a pull (${[...prompt.versions.keys()].map((v) => `v${v}`).join(", ")}): a new prompt has only prompt.json and content files, so delete its .meta.json files`,
    );
  // Without a type in prompt.json, messages files alone make a chat prompt.
  const chat = prompt.drafts.length > 0 && prompt.drafts.every((d) => d.content.type === "chat");
  const type = prompt.type ?? (chat ? "chat" : "text");
  for (const d of prompt.drafts)
    if (d.content.type !== type) refuse(wrongType(d.path, d.content.type, prompt.name, type));
  // v1.0.txt (v1.0.messages.json), if there is one, is the first version; the other files become drafts.
  const own = prompt.drafts.filter((d) => d.content.type === type);
  const first = own.find((d) => d.path.endsWith(`/${contentFile(type, "1.0")}`)) ?? own[0];
  const drafts = own.filter((d) => d !== first);
  if (!first)
    return void refuse(
      `no version file: add one (e.g. ${contentFile(type, "1.0")}) holding the prompt's ${type === "text" ? "text" : "messages"}`,
    );
  plan.changes.push({ kind: "create", prompt: prompt.name, description: prompt.description, type, first, drafts });
}

function planPrompt(plan: Plan, prompt: LocalPrompt, there: RegistryPrompt): void {
  const refuse = (message: string) => plan.refusals.push({ prompt: prompt.name, version: null, message });
  if (prompt.type !== null && prompt.type !== there.type)
    refuse(
      `prompt.json says it is a ${prompt.type} prompt, but it is a ${there.type} prompt in Promptrail: a prompt's type is fixed when it is created`,
    );
  if (prompt.description !== there.description)
    plan.changes.push({
      kind: "describe",
      prompt: prompt.name,
      type: there.type,
      from: there.description,
      to: prompt.description,
    });
  const byNumber = new Map(there.versions.map((v) => [v.version, v]));
  for (const local of prompt.versions.values()) planVersion(plan, prompt.name, local, byNumber.get(local.version));
  for (const v of there.versions)
    if (!prompt.versions.has(v.version))
      plan.notes.push({ prompt: prompt.name, version: v.version, message: "only in Promptrail: pull to get it" });
  // A draft named for a major past the highest (v2.0.txt after v1.4) becomes the next major.
  const top = highest(there.versions.map((v) => v.version));
  for (const draft of prompt.drafts) {
    if (draft.content.type !== there.type) {
      refuse(wrongType(draft.path, draft.content.type, prompt.name, there.type));
      continue;
    }
    const asked = draft.asked ? parseVersion(draft.asked) : null;
    plan.changes.push({
      kind: "draft",
      prompt: prompt.name,
      draft,
      major: Boolean(asked && top && asked.major > top.major),
    });
  }
}

type Verdict =
  | { kind: "note" | "refuse"; message: string }
  | { kind: "edit"; path: string; content: Content }
  | { kind: "same" };

/** What push does with one version the files know from a pull. */
function judge(prompt: string, local: TrackedVersion, registry: RegistryVersion | undefined): Verdict {
  const note = (message: string): Verdict => ({ kind: "note", message });
  const refuse = (message: string): Verdict => ({ kind: "refuse", message });
  const { path, content, meta } = local;
  // Unreadable: the refusal for its file says why.
  if (path !== null && content === null) return { kind: "same" };
  const edited = content !== null && hashOf(content, meta.config, meta.contract) !== meta.contentHash;
  if (!registry)
    return edited
      ? refuse(
          `was deleted in Promptrail, so your edit cannot be saved into it: rename its files (e.g. to ${contentName(content.type, "draft")}) to push it as a new draft`,
        )
      : note("deleted in Promptrail: pull removes its files");
  if (path === null || content === null)
    return note(`${contentFile(registry.type, local.version)} is missing: push never deletes; pull restores it`);
  if (content.type !== registry.type) return refuse(wrongType(path, content.type, prompt, registry.type));
  if (hashOf(content, meta.config, meta.contract) === registry.contentHash) {
    const { revision, stage, current } = meta;
    const older = revision !== registry.revision || stage !== registry.stage || current !== registry.current;
    return older
      ? note(`your files are older than Promptrail (${standing(registry)}): pull to update them`)
      : { kind: "same" };
  }
  if (!edited) return note(`changed in Promptrail since your pull (now ${standing(registry)}): pull to update`);
  if (registry.stage === "PROD")
    return refuse(
      "is in PROD, and PROD versions never change: undo the edit in the file, or put your change in a new file to push it as a new DEV draft",
    );
  if (meta.revision !== registry.revision)
    return refuse(
      `was edited in Promptrail too: it is at revision ${registry.revision}, your files at ${meta.revision}. Keep your change aside, pull, and apply it again`,
    );
  return { kind: "edit", path, content };
}

function planVersion(plan: Plan, prompt: string, local: TrackedVersion, registry: RegistryVersion | undefined): void {
  const verdict = judge(prompt, local, registry);
  if (verdict.kind === "note" || verdict.kind === "refuse")
    (verdict.kind === "note" ? plan.notes : plan.refusals).push({
      prompt,
      version: local.version,
      message: verdict.message,
    });
  else if (verdict.kind === "edit" && registry)
    plan.changes.push({
      kind: "edit",
      prompt,
      path: verdict.path,
      local,
      registry,
      content: verdict.content,
      config: local.meta.config,
      contract: local.meta.contract,
    });
}

const standing = (v: RegistryVersion) => `${v.stage}${v.current ? ", current" : ""}, revision ${v.revision}`;

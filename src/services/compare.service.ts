import { diffArrays, formatPatch, type StructuredPatch, structuredPatch } from "diff";
import { type ChatItem, isPlaceholder } from "../domain/chat.js";
import { type Config, canonicalJson } from "../domain/content.js";
import { contractChanges } from "../domain/contract-diff.js";
import { type Content, contentVariableChanges } from "../domain/prompt-content.js";
import { compareVersions, formatVersion, parseVersion } from "../domain/version-number.js";
import type { Comparison } from "../model/compare.model.js";
import type { Version } from "../model/version.model.js";
import { currentNumbers, listVersionNumbers } from "../store/versions.store.js";
import { requirePrompt, requireVersion, type ServiceDeps } from "./context.js";
import { compareInput } from "./inputs.js";
import { parseInput } from "./parse.js";
import { rowToVersion } from "./rows.js";

/** Line diffs of huge prompts are cut off rather than computed for ever. */
const DIFF_TIMEOUT_MS = 2000;
/** How long a diff may hold the event loop in one piece (docs/limits.md, the event loop). */
const DIFF_STEP_MS = 10;

/** Two saved states of a prompt's content, named as they appear in the patch headers ("v2.3", "r4"). */
export type Side = { label: string; config: Config } & Content;

/**
 * A line diff: at once when it takes under 10 ms (nearly every prompt), else in jsdiff's stepped
 * (callback) form, which never holds the event loop for its whole time (docs/limits.md: ~100 ms
 * at most). The stepped form waits for a timer between steps, one step per edit, so a diff of
 * two 4 KB versions with a few dozen changed lines took tens of ms of waiting: always stepping
 * made the version page, compare and an htmx promote on a long prompt slow
 * (docs/performance.md). A name of null is a side that has no such part (a message added or
 * removed): `/dev/null`, as git writes it.
 */
function patchOf(oldName: string | null, newName: string | null, a: string, b: string) {
  const from = oldName ?? "/dev/null";
  const to = newName ?? "/dev/null";
  const now = structuredPatch(from, to, a, b, undefined, undefined, { context: 3, timeout: DIFF_STEP_MS });
  if (now) return Promise.resolve(now);
  return new Promise<StructuredPatch | undefined>((resolve) => {
    structuredPatch(from, to, a, b, undefined, undefined, {
      context: 3,
      timeout: DIFF_TIMEOUT_MS,
      callback: resolve,
    });
  });
}

/** How a message is named in a patch header: its place and role, e.g. `v2.3/messages/2 (user)`. */
const messageName = (label: string, items: ChatItem[], index: number) => {
  const item = items[index] as ChatItem;
  return `${label}/messages/${index + 1} (${isPlaceholder(item) ? "placeholder" : item.role})`;
};
const messageText = (item: ChatItem) => (isPlaceholder(item) ? item.name : item.content);
const kindOf = (item: ChatItem) => (isPlaceholder(item) ? "placeholder" : item.role);

/**
 * docs/rules.md, chat prompts: chat versions are compared message by message. Messages are lined up as a list
 * diff; in each run of changes a removed message pairs with the next added one of the same
 * role (a placeholder with a placeholder) and shows as a line diff of its text; the rest are
 * added or removed whole. Unchanged messages give no patch.
 */
export function alignMessages(a: ChatItem[], b: ChatItem[]): Array<{ from: number | null; to: number | null }> {
  const key = (item: ChatItem) => JSON.stringify([kindOf(item), messageText(item)]);
  const pairs: Array<{ from: number | null; to: number | null }> = [];
  let i = 0;
  let j = 0;
  let removed: number[] = [];
  let added: number[] = [];
  const flush = () => {
    const run: Array<{ from: number | null; to: number | null }> = added.map((to) => ({ from: null, to }));
    for (const from of removed) {
      const match = run.find(
        (p) => p.from === null && kindOf(b[p.to as number] as ChatItem) === kindOf(a[from] as ChatItem),
      );
      if (match) match.from = from;
      else run.push({ from, to: null });
    }
    pairs.push(...run);
    removed = [];
    added = [];
  };
  for (const change of diffArrays(a.map(key), b.map(key))) {
    const count = change.count ?? change.value.length;
    if (change.removed) for (let n = 0; n < count; n++) removed.push(i++);
    else if (change.added) for (let n = 0; n < count; n++) added.push(j++);
    else {
      flush();
      i += count;
      j += count;
    }
  }
  flush();
  return pairs;
}

async function messagePatches(from: Side & { type: "chat" }, to: Side & { type: "chat" }) {
  const patches: StructuredPatch[] = [];
  for (const pair of alignMessages(from.messages, to.messages)) {
    const a = pair.from === null ? null : (from.messages[pair.from] as ChatItem);
    const b = pair.to === null ? null : (to.messages[pair.to] as ChatItem);
    // A whole message added or removed ends in a newline, so even an empty one shows as a line.
    const oldText = a ? messageText(a) + (b ? "" : "\n") : "";
    const newText = b ? messageText(b) + (a ? "" : "\n") : "";
    const patch = await patchOf(
      pair.from === null ? null : messageName(from.label, from.messages, pair.from),
      pair.to === null ? null : messageName(to.label, to.messages, pair.to),
      oldText,
      newText,
    );
    if (!patch) return null;
    patches.push(patch);
  }
  return patches;
}

/** Config as stable, readable lines, so key order never shows up as a change. */
const configLines = (config: Config) => `${JSON.stringify(JSON.parse(canonicalJson(config)), null, 2)}\n`;

/**
 * The body patch (for chat, one patch per changed message), then the config patch when the
 * configs differ; null if too large to diff in time.
 */
export async function diffContent(from: Side, to: Side): Promise<StructuredPatch[] | null> {
  const content =
    from.type === "chat" && to.type === "chat"
      ? await messagePatches(from, to)
      : [await patchOf(`${from.label}/body`, `${to.label}/body`, textOf(from), textOf(to))];
  const configChanged = canonicalJson(from.config) !== canonicalJson(to.config);
  const config = configChanged
    ? await patchOf(
        `${from.label}/config.json`,
        `${to.label}/config.json`,
        configLines(from.config),
        configLines(to.config),
      )
    : undefined;
  if (!content || content.some((p) => !p) || (configChanged && !config)) return null;
  return [...(content as StructuredPatch[]), ...(config ? [config] : [])];
}

/** Versions of one prompt share its type; a side of the other type would be a bug, shown as no text. */
const textOf = (side: Side) => (side.type === "text" ? side.body : "");

/** Compares two versions of one prompt: a unified line diff of body and config, and the variables added or removed. */
export async function diffVersions(from: Version, to: Version): Promise<Comparison> {
  const patches = await diffContent({ ...from, label: `v${from.version}` }, { ...to, label: `v${to.version}` });
  const diff = patches
    ? patches
        .filter((p) => p.hunks.length > 0)
        .map((p) => formatPatch(p))
        .join("")
    : "(the versions are too large to diff in time)\n";
  const contract = contractChanges(
    { version: from.version, content: from, contract: from.contract },
    { version: to.version, content: to, contract: to.contract },
  );
  return { from, to, patches, diff, variables: contentVariableChanges(from, to), contract };
}

/** The compare page: the comparison, and the version numbers its pickers offer. */
export interface ComparePage {
  comparison: Comparison;
  /** The newest MAX_PICKED numbers and the two compared, newest first. */
  versions: string[];
}

/** Pickers offer this many of the newest versions (any other is one URL away: ?from=&to=). */
export const MAX_PICKED = 200;

export function createCompareService(deps: ServiceDeps) {
  const { db } = deps;
  return {
    /**
     * Any two versions of a prompt, in either order, loading only those two bodies. `to`
     * defaults to the newest version; `from` to the current PROD version, else the version `to`
     * was created from, else `to` itself.
     */
    async compare(name: string, input: unknown = {}): Promise<ComparePage> {
      const { from, to } = parseInput(compareInput, input);
      const prompt = await requirePrompt(db, name);
      const [numbers, currents] = await Promise.all([
        listVersionNumbers(db, prompt.id, MAX_PICKED),
        currentNumbers(db, [prompt.id]),
      ]);
      const load = async (v: string) => rowToVersion(prompt, (await requireVersion(db, name, v)).row);
      const toVersion = await load(to ?? formatVersion(numbers[0] ?? { major: 1, minor: 0 }));
      const prod = currents.find((n) => n.stage === "PROD");
      const fromNumber = from ?? (prod ? formatVersion(prod) : toVersion.createdFrom) ?? toVersion.version;
      const same = parseVersion(fromNumber);
      const fromVersion = same && formatVersion(same) === toVersion.version ? toVersion : await load(fromNumber);
      const picked = [...numbers, fromVersion, toVersion].sort((a, b) => compareVersions(b, a)).map(formatVersion);
      return { comparison: await diffVersions(fromVersion, toVersion), versions: [...new Set(picked)] };
    },
  };
}

import { formatPatch, type StructuredPatch, structuredPatch } from "diff";
import { type Config, canonicalJson } from "../domain/content.js";
import { variableChanges } from "../domain/template.js";
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

/** Two saved states of a prompt's content, named as they appear in the patch headers ("v2.3", "r4"). */
interface Side {
  label: string;
  body: string;
  config: Config;
}

/**
 * With a callback, jsdiff computes in steps with a timer between them, so a diff of two large
 * prompts never holds the event loop for its whole time (SPEC §7: ~100 ms at most).
 */
function patchOf(name: string, from: Side, to: Side, a: string, b: string): Promise<StructuredPatch | undefined> {
  return new Promise((resolve) => {
    structuredPatch(`${from.label}/${name}`, `${to.label}/${name}`, a, b, undefined, undefined, {
      context: 3,
      timeout: DIFF_TIMEOUT_MS,
      callback: resolve,
    });
  });
}

/** Config as stable, readable lines, so key order never shows up as a change. */
const configLines = (config: Config) => `${JSON.stringify(JSON.parse(canonicalJson(config)), null, 2)}\n`;

/** The body patch, then the config patch when the configs differ; null if too large to diff in time. */
export async function diffContent(from: Side, to: Side): Promise<StructuredPatch[] | null> {
  const body = await patchOf("body", from, to, from.body, to.body);
  const configChanged = canonicalJson(from.config) !== canonicalJson(to.config);
  const config = configChanged
    ? await patchOf("config.json", from, to, configLines(from.config), configLines(to.config))
    : undefined;
  return body && (!configChanged || config) ? [body, ...(config ? [config] : [])] : null;
}

/** Compares two versions of one prompt: a unified line diff of body and config, and the variables added or removed. */
export async function diffVersions(from: Version, to: Version): Promise<Comparison> {
  const patches = await diffContent({ ...from, label: `v${from.version}` }, { ...to, label: `v${to.version}` });
  const diff = patches
    ? patches
        .filter((p) => p.hunks.length > 0)
        .map((p) => formatPatch(p))
        .join("")
    : "(the versions are too large to diff in time)\n";
  return { from, to, patches, diff, variables: variableChanges(from.body, to.body) };
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
      const load = async (v: string) => rowToVersion(name, (await requireVersion(db, name, v)).row);
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

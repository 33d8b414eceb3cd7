import { formatPatch, type StructuredPatch, structuredPatch } from "diff";
import { type Config, canonicalJson } from "../domain/content.js";
import { variableChanges } from "../domain/template.js";
import type { ServiceDeps } from "./context.js";
import type { Version } from "./model.js";
import { createVersionsService } from "./versions.service.js";

/** Line diffs of huge prompts are cut off rather than holding the server. */
const DIFF_TIMEOUT_MS = 2000;

export interface Comparison {
  from: Version;
  to: Version;
  /** The body patch, then the config patch when the configs differ; null if too large to diff in time. */
  patches: StructuredPatch[] | null;
  /** The same as unified diff text (SPEC: `{from, to, diff}`). */
  diff: string;
  variables: { added: string[]; removed: string[] };
}

/** Two saved states of a prompt's content, named as they appear in the patch headers ("v2.3", "r4"). */
interface Side {
  label: string;
  body: string;
  config: Config;
}

function patchOf(name: string, from: Side, to: Side, a: string, b: string): StructuredPatch | undefined {
  return structuredPatch(`${from.label}/${name}`, `${to.label}/${name}`, a, b, undefined, undefined, {
    context: 3,
    timeout: DIFF_TIMEOUT_MS,
  });
}

/** Config as stable, readable lines, so key order never shows up as a change. */
const configLines = (config: Config) => `${JSON.stringify(JSON.parse(canonicalJson(config)), null, 2)}\n`;

/** The body patch, then the config patch when the configs differ; null if too large to diff in time. */
export function diffContent(from: Side, to: Side): StructuredPatch[] | null {
  const body = patchOf("body", from, to, from.body, to.body);
  const configChanged = canonicalJson(from.config) !== canonicalJson(to.config);
  const config = configChanged
    ? patchOf("config.json", from, to, configLines(from.config), configLines(to.config))
    : undefined;
  return body && (!configChanged || config) ? [body, ...(config ? [config] : [])] : null;
}

/** Compares two versions of one prompt: a unified line diff of body and config, and the variables added or removed. */
export function diffVersions(from: Version, to: Version): Comparison {
  const patches = diffContent({ ...from, label: `v${from.version}` }, { ...to, label: `v${to.version}` });
  const diff = patches
    ? patches
        .filter((p) => p.hunks.length > 0)
        .map((p) => formatPatch(p))
        .join("")
    : "(the versions are too large to diff in time)\n";
  return { from, to, patches, diff, variables: variableChanges(from.body, to.body) };
}

export function createCompareService(deps: ServiceDeps) {
  const versions = createVersionsService(deps);
  return {
    /** Any two versions of a prompt, in either order. */
    async compare(name: string, from: string, to: string): Promise<Comparison> {
      const [a, b] = await Promise.all([versions.get(name, from), versions.get(name, to)]);
      return diffVersions(a, b);
    },
  };
}

import { formatPatch, type StructuredPatch, structuredPatch } from "diff";
import { canonicalJson } from "../domain/content.js";
import { variableChanges } from "../domain/template.js";
import type { ServiceDeps } from "./context.js";
import type { Version } from "./model.js";
import { createVersionsService } from "./versions.service.js";

/** Line diffs of huge prompts are cut off rather than computed for ever. */
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

/**
 * With a callback, jsdiff computes in steps with a timer between them, so a diff of two large
 * prompts never holds the event loop for its whole time (SPEC §7: ~100 ms at most).
 */
function patchOf(name: string, from: Version, to: Version, a: string, b: string): Promise<StructuredPatch | undefined> {
  return new Promise((resolve) => {
    structuredPatch(`v${from.version}/${name}`, `v${to.version}/${name}`, a, b, undefined, undefined, {
      context: 3,
      timeout: DIFF_TIMEOUT_MS,
      callback: resolve,
    });
  });
}

/** Config as stable, readable lines, so key order never shows up as a change. */
const configLines = (v: Version) => `${JSON.stringify(JSON.parse(canonicalJson(v.config)), null, 2)}\n`;

/** Compares two versions of one prompt: a unified line diff of body and config, and the variables added or removed. */
export async function diffVersions(from: Version, to: Version): Promise<Comparison> {
  const body = await patchOf("body", from, to, from.body, to.body);
  const configChanged = canonicalJson(from.config) !== canonicalJson(to.config);
  const config = configChanged ? await patchOf("config.json", from, to, configLines(from), configLines(to)) : undefined;
  const patches = body && (!configChanged || config) ? [body, ...(config ? [config] : [])] : null;
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

import { type Config, canonicalJson, contentHash, type Json, normalizeBody } from "../domain/content.js";
import type { Stage } from "../domain/stage.js";

/**
 * SPEC §9, prompts as code: the registry as files that read well in a Git diff.
 *
 *   DIR/<prompt>/prompt.json          {"description": "…"}
 *   DIR/<prompt>/v1.2.txt             the version's text, byte for byte
 *   DIR/<prompt>/v1.2.meta.json       {"stage", "current", "revision", "contentHash", "createdFrom", "config"}
 *
 * Only what changes with the content or the stages is written: no timestamps, so a promotion
 * is a two-line diff and an edit a diff of the text. JSON is pretty-printed with keys in a fixed
 * order (config's sorted), so the same registry always gives the same bytes. A chat version
 * (SPEC §8) would keep its messages in `v1.2.messages.json` in place of `v1.2.txt`.
 */
export interface RegistryVersion {
  version: string;
  stage: Stage;
  current: boolean;
  revision: number;
  contentHash: string;
  createdFrom: string | null;
  body: string;
  config: Config;
}

export interface RegistryPrompt {
  name: string;
  description: string;
  versions: RegistryVersion[];
}

/** What a version's .meta.json holds. */
export interface VersionMeta {
  stage: Stage;
  current: boolean;
  revision: number;
  contentHash: string;
  createdFrom: string | null;
  config: Config;
}

export const PROMPT_FILE = "prompt.json";
export const textFile = (version: string) => `v${version}.txt`;
export const metaFile = (version: string) => `v${version}.meta.json`;
/** `v1.2.txt` → "1.2"; null for a text file of any other name (a new draft). */
export const VERSION_TEXT = /^v(0|[1-9]\d{0,8})\.(0|[1-9]\d{0,8})\.txt$/;

/** JSON with object keys sorted at every level, so a config reads the same whatever order it was saved in. */
function sorted(value: Json): Json {
  if (Array.isArray(value)) return value.map(sorted);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, sorted(value[k] as Json)]),
  );
}

const pretty = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

export function metaText(v: VersionMeta): string {
  const { stage, current, revision, contentHash, createdFrom, config } = v;
  return pretty({ stage, current, revision, contentHash, createdFrom, config: sorted(config) });
}

export const promptText = (description: string) => pretty({ description });

/** Every file of the registry, by path relative to DIR (always with `/`), in a fixed order. */
export function renderRegistry(prompts: RegistryPrompt[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const p of [...prompts].sort((a, b) => a.name.localeCompare(b.name))) {
    files.set(`${p.name}/${PROMPT_FILE}`, promptText(p.description));
    for (const v of p.versions) {
      files.set(`${p.name}/${textFile(v.version)}`, v.body);
      files.set(`${p.name}/${metaFile(v.version)}`, metaText(v));
    }
  }
  return files;
}

/**
 * Whether a file says the same as the registry's: text with line endings as Promptrail stores
 * them (LF; a Windows checkout's CRLF is no difference), JSON by its value, not its formatting.
 */
export function sameContent(path: string, local: string, registry: string): boolean {
  if (path.endsWith(".txt")) return normalizeBody(local) === registry;
  try {
    return canonicalJson(JSON.parse(local) as Json) === canonicalJson(JSON.parse(registry) as Json);
  } catch {
    return false;
  }
}

/** The content hash of a text and config as they would be saved (R3, R5). */
export const hashOf = (body: string, config: Config) => contentHash(normalizeBody(body), config);

import { existsSync, realpathSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";
import { PROMPT_NAME } from "../domain/limits.js";
import { formatVersion, parseVersion } from "../domain/version-number.js";

/**
 * Names and numbers become path parts of DIR (docs/limits.md, "Prompts as code stay inside
 * DIR"): a prompt name is a folder, a version number part of a file name. Whatever a server
 * answers is checked with the rules the server itself keeps (R1, R8) before a byte is written,
 * and every path is checked to stay inside DIR, also through symbolic links.
 */

/** A prompt name as R1 allows it: 1–100 of a-z 0-9 . _ -, starting with a letter or digit (never `..`). */
export const isPromptName = (name: unknown): name is string => typeof name === "string" && PROMPT_NAME.test(name);

/** A version number as the server writes it: `2.3`, nothing around it. */
export const isVersionNumber = (version: unknown): version is string => {
  if (typeof version !== "string") return false;
  const number = parseVersion(version);
  return number !== null && formatVersion(number) === version;
};

/** Whether `path` is `root` or lies under it (both absolute). */
function within(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** The nearest part of `path` that exists, with its symbolic links resolved. */
function realNearest(path: string): string {
  let at = path;
  while (!existsSync(at) && dirname(at) !== at) at = dirname(at);
  const real = realpathSync(at);
  return resolve(real, relative(at, path));
}

/**
 * Why `rel` (a path relative to DIR, with `/`) would put a file outside DIR, or null: it climbs
 * out (`..`), is absolute, or goes through a folder that is a link to somewhere outside. A file
 * that is itself a link is replaced, never followed (see write.ts), so only folders are resolved.
 */
export function escapesDir(dir: string, rel: string): string | null {
  const root = realNearest(resolve(dir));
  const target = resolve(dir, rel);
  if (isAbsolute(rel) || !within(resolve(dir), target)) return `${rel} is not a path inside ${dir}`;
  if (!within(root, realNearest(dirname(target))))
    return `${rel}: ${dirname(rel)} is a link to a folder outside ${dir}`;
  return null;
}

/** Whether reading `path` (a file or folder in DIR) would read something outside DIR, through a link. */
export function linksOutside(dir: string, path: string): boolean {
  return !within(realNearest(resolve(dir)), realpathSync(path));
}

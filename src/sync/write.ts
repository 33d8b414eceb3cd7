import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { PromptType } from "../domain/chat.js";
import {
  contentFile,
  contentFileOf,
  contentText,
  hashOf,
  metaFile,
  metaText,
  PROMPT_FILE,
  promptText,
  type RegistryVersion,
} from "./layout.js";
import type { LocalTree } from "./local.js";
import { escapesDir } from "./paths.js";

/** Refuses, before anything is written, a path that would put a file outside DIR. */
function requireInside(dir: string, paths: Iterable<string>): void {
  for (const path of paths) {
    const why = escapesDir(dir, path);
    if (why) throw new Error(`${why}: nothing was written`);
  }
}

/**
 * A file written whole or not at all: an interrupted write never leaves half a prompt. The
 * rename replaces a link of that name with the file; it never writes through it.
 */
function writeWhole(dir: string, rel: string, content: string): void {
  requireInside(dir, [rel]);
  const path = join(dir, rel);
  mkdirSync(dirname(path), { recursive: true });
  requireInside(dir, [rel]); // the folders made, nothing on the way is a link out of DIR
  const partial = `${path}.partial-${process.pid}`;
  writeFileSync(partial, content, { flag: "wx" });
  renameSync(partial, path);
}

/**
 * Makes DIR say what `files` says: writes each file whose bytes differ, and removes the files of
 * versions the registry no longer has (deleted drafts), or no longer has in that form (a text
 * file of a chat version). Files outside the layout, and content files not pushed yet, are left
 * alone. Answers what it did.
 */
export function writeTree(dir: string, files: Map<string, string>, local: LocalTree) {
  requireInside(dir, files.keys());
  const written: string[] = [];
  const removed: string[] = [];
  for (const [path, content] of files) {
    if (local.files.get(path) === content) continue;
    writeWhole(dir, path, content);
    written.push(path);
  }
  for (const prompt of local.prompts)
    for (const v of prompt.versions.values()) {
      for (const path of [v.path, `${prompt.name}/${metaFile(v.version)}`]) {
        if (path === null || files.has(path)) continue;
        rmSync(join(dir, path), { force: true });
        removed.push(path);
      }
    }
  return { written, removed };
}

/** Edits pull refuses to lose: tracked versions whose files were changed since the pull (unreadable ones too). */
export function unpushedEdits(local: LocalTree): string[] {
  return local.prompts.flatMap((p) =>
    [...p.versions.values()].flatMap(({ path, content, meta }) =>
      path !== null && (content === null || hashOf(content, meta.config, meta.contract) !== meta.contentHash)
        ? [path]
        : [],
    ),
  );
}

/** A version's two files as pull writes them, after push saved it; `replaces` (a draft's own files) goes. */
export function writeVersion(dir: string, prompt: string, v: RegistryVersion, replaces: string | null = null): void {
  const path = `${prompt}/${contentFile(v.type, v.version)}`;
  requireInside(dir, [path, `${prompt}/${metaFile(v.version)}`]);
  writeWhole(dir, path, contentText(v));
  writeWhole(dir, `${prompt}/${metaFile(v.version)}`, metaText(v));
  const draft = replaces && replaces !== path ? contentFileOf(replaces) : null;
  if (replaces && draft) {
    rmSync(join(dir, replaces), { force: true });
    rmSync(join(dir, `${draft.stem}.meta.json`), { force: true });
  }
}

/** A prompt's prompt.json as pull writes it, after push created the prompt or saved its description. */
export function writePrompt(dir: string, prompt: string, description: string, type: PromptType): void {
  writeWhole(dir, `${prompt}/${PROMPT_FILE}`, promptText(description, type));
}

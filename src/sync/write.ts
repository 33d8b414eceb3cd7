import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { hashOf, metaFile, metaText, PROMPT_FILE, promptText, type RegistryVersion, textFile } from "./layout.js";
import type { LocalTree } from "./local.js";

/** A file written whole or not at all: an interrupted write never leaves half a prompt. */
function writeWhole(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const partial = `${path}.partial-${process.pid}`;
  writeFileSync(partial, content);
  renameSync(partial, path);
}

/**
 * Makes DIR say what `files` says: writes each file whose bytes differ, and removes the files of
 * versions the registry no longer has (deleted drafts). Files outside the layout, and text files
 * not pushed yet, are left alone. Answers what it did.
 */
export function writeTree(dir: string, files: Map<string, string>, local: LocalTree) {
  const written: string[] = [];
  const removed: string[] = [];
  for (const [path, content] of files) {
    if (local.files.get(path) === content) continue;
    writeWhole(join(dir, path), content);
    written.push(path);
  }
  for (const prompt of local.prompts)
    for (const v of prompt.versions.values()) {
      const meta = `${prompt.name}/${metaFile(v.version)}`;
      if (files.has(meta)) continue;
      for (const path of [v.textPath, meta]) {
        rmSync(join(dir, path), { force: true });
        removed.push(path);
      }
    }
  return { written, removed };
}

/** Edits the registry refused to lose: tracked versions whose files were changed since the pull. */
export function unpushedEdits(local: LocalTree): string[] {
  return local.prompts.flatMap((p) =>
    [...p.versions.values()]
      .filter((v) => v.text !== null && hashOf(v.text, v.meta.config) !== v.meta.contentHash)
      .map((v) => v.textPath),
  );
}

/** A version's two files as pull writes them, after push saved it; `replaces` (a draft's own file) goes. */
export function writeVersion(dir: string, prompt: string, v: RegistryVersion, replaces: string | null = null): void {
  const text = `${prompt}/${textFile(v.version)}`;
  writeWhole(join(dir, text), v.body);
  writeWhole(join(dir, prompt, metaFile(v.version)), metaText(v));
  if (replaces && replaces !== text) {
    rmSync(join(dir, replaces), { force: true });
    rmSync(join(dir, replaces.replace(/\.txt$/, ".meta.json")), { force: true });
  }
}

/** A prompt's prompt.json as pull writes it, after push created the prompt or saved its description. */
export function writePrompt(dir: string, prompt: string, description: string): void {
  writeWhole(join(dir, prompt, PROMPT_FILE), promptText(description));
}

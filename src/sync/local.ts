import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import type { Config } from "../domain/content.js";
import { STAGES } from "../domain/stage.js";
import { PROMPT_FILE, VERSION_TEXT, type VersionMeta } from "./layout.js";

/** A version the files know from a pull: its text (null when the file is gone) and its meta. */
export interface TrackedVersion {
  version: string;
  textPath: string;
  text: string | null;
  meta: VersionMeta;
}

/** A text file with no meta beside it: a new DEV draft for push. */
export interface DraftFile {
  path: string;
  text: string;
  /** From `<name>.meta.json` if the draft has one; else the config of the version it is made from. */
  config: Config | null;
  /** The number its name asks for (`v2.0.txt`): a new major when it is past the highest. */
  asked: string | null;
}

export interface LocalPrompt {
  name: string;
  description: string;
  versions: Map<string, TrackedVersion>;
  drafts: DraftFile[];
}

export interface LocalTree {
  prompts: LocalPrompt[];
  /** Every file of the layout found (prompt.json, *.txt, *.meta.json of prompt folders), by relative path. */
  files: Map<string, string>;
  /** Files that cannot be read as the layout says, with why: push refuses while there are any. */
  problems: string[];
}

const metaSchema = z.strictObject({
  stage: z.enum(STAGES),
  current: z.boolean(),
  revision: z.int().min(1),
  contentHash: z.string().regex(/^[0-9a-f]{64}$/),
  createdFrom: z.string().nullable(),
  config: z.record(z.string(), z.json()),
});
const draftMetaSchema = z.object({ config: z.record(z.string(), z.json()) });
const promptSchema = z.object({ description: z.string() });

function readJson<T>(path: string, schema: z.ZodType<T>, problems: string[], shown: string): T | null {
  try {
    const parsed = schema.safeParse(JSON.parse(readFileSync(path, "utf8")));
    if (parsed.success) return parsed.data;
    problems.push(
      `${shown}: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(file)"} ${i.message}`).join("; ")}`,
    );
  } catch (error) {
    problems.push(`${shown}: not JSON (${(error as Error).message})`);
  }
  return null;
}

/**
 * The prompts in DIR: each folder holding a prompt.json is one (other folders and files, dot
 * folders such as .git included, are not part of the layout and are left alone).
 */
export function readLocal(dir: string): LocalTree {
  const tree: LocalTree = { prompts: [], files: new Map(), problems: [] };
  if (!existsSync(dir)) return tree;
  for (const name of readdirSync(dir).sort()) {
    const folder = join(dir, name);
    if (name.startsWith(".") || !statSync(folder).isDirectory() || !existsSync(join(folder, PROMPT_FILE))) continue;
    tree.prompts.push(readPrompt(folder, name, tree));
  }
  return tree;
}

function readPrompt(folder: string, name: string, tree: LocalTree): LocalPrompt {
  const entries = readdirSync(folder).sort();
  for (const file of entries)
    if (file === PROMPT_FILE || file.endsWith(".txt") || file.endsWith(".meta.json"))
      tree.files.set(`${name}/${file}`, readFileSync(join(folder, file), "utf8"));
  const about = readJson(join(folder, PROMPT_FILE), promptSchema, tree.problems, `${name}/${PROMPT_FILE}`);
  const prompt: LocalPrompt = { name, description: about?.description ?? "", versions: new Map(), drafts: [] };
  for (const file of entries) {
    if (!file.endsWith(".meta.json")) continue;
    const stem = file.slice(0, -".meta.json".length);
    const number = VERSION_TEXT.exec(`${stem}.txt`);
    if (!number) continue; // a draft's meta, read with its text below
    const meta = readJson(join(folder, file), metaSchema, tree.problems, `${name}/${file}`);
    if (!meta) continue;
    const version = `${number[1]}.${number[2]}`;
    const text = tree.files.get(`${name}/${stem}.txt`) ?? null;
    prompt.versions.set(version, { version, textPath: `${name}/${stem}.txt`, text, meta });
  }
  for (const file of entries) {
    if (!file.endsWith(".txt")) continue;
    const stem = file.slice(0, -".txt".length);
    const number = VERSION_TEXT.exec(file);
    if (number && prompt.versions.has(`${number[1]}.${number[2]}`)) continue;
    if (number && entries.includes(`${stem}.meta.json`)) continue; // its meta is unreadable: reported above
    const sidecar = join(folder, `${stem}.meta.json`);
    const config = existsSync(sidecar)
      ? (readJson(sidecar, draftMetaSchema, tree.problems, `${name}/${stem}.meta.json`)?.config ?? null)
      : null;
    const text = tree.files.get(`${name}/${file}`) ?? "";
    prompt.drafts.push({
      path: `${name}/${file}`,
      text,
      config: config as Config | null,
      asked: number ? `${number[1]}.${number[2]}` : null,
    });
  }
  return prompt;
}

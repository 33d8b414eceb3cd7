import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { PROMPT_TYPES, type PromptType } from "../domain/chat.js";
import type { Config } from "../domain/content.js";
import { checkContract } from "../domain/contract.js";
import type { Content } from "../domain/prompt-content.js";
import { STAGES } from "../domain/stage.js";
import { contentFileOf, PROMPT_FILE, readMessages, type VersionMeta, versionOfStem } from "./layout.js";
import { linksOutside } from "./paths.js";

/** A version the files know from a pull: its content file, what it holds, and its meta. */
export interface TrackedVersion {
  version: string;
  /** `v1.2.txt` or `v1.2.messages.json`; null when neither is there. */
  path: string | null;
  /** Null when the file is missing or cannot be read (a problem says why). */
  content: Content | null;
  meta: VersionMeta;
}

/** A content file with no meta beside it: a new DEV draft for push. */
export interface DraftFile {
  path: string;
  content: Content;
  /** From `<name>.meta.json` if the draft has one; else the config of the version it is made from. */
  config: Config | null;
  /** The number its name asks for (`v2.0.txt`): a new major when it is past the highest. */
  asked: string | null;
}

export interface LocalPrompt {
  name: string;
  description: string;
  /** The type prompt.json gives; null when it gives none (a new prompt's files then decide). */
  type: PromptType | null;
  versions: Map<string, TrackedVersion>;
  drafts: DraftFile[];
}

export interface LocalTree {
  prompts: LocalPrompt[];
  /** Every file of the layout found (prompt.json, *.txt, *.messages.json, *.meta.json of prompt folders), by relative path. */
  files: Map<string, string>;
  /** Files that cannot be read as the layout says, with why: push refuses while there are any. */
  problems: string[];
}

const metaSchema = z
  .strictObject({
    stage: z.enum(STAGES),
    current: z.boolean(),
    revision: z.int().min(1),
    contentHash: z.string().regex(/^[0-9a-f]{64}$/),
    createdFrom: z.string().nullable(),
    config: z.record(z.string(), z.json()),
    // The prompt contract (docs/contract.md), each field only where set; checked in full by the server on push.
    variables: z.unknown().optional(),
    tools: z.unknown().optional(),
    responseFormat: z.unknown().optional(),
  })
  .transform(({ variables, tools, responseFormat, ...meta }, ctx) => {
    const checked = checkContract({ variables, tools, responseFormat });
    if (checked.ok) return { ...meta, contract: checked.contract };
    for (const issue of checked.issues) ctx.addIssue({ code: "custom", path: issue.path, message: issue.message });
    return z.NEVER;
  });
const draftMetaSchema = z.object({ config: z.record(z.string(), z.json()) });
const promptSchema = z.object({ description: z.string(), type: z.enum(PROMPT_TYPES).optional() });

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
    if (name.startsWith(".") || !existsSync(folder) || !statSync(folder).isDirectory()) continue;
    if (!existsSync(join(folder, PROMPT_FILE))) continue;
    // A link to a folder elsewhere would send (push) or overwrite (pull) what is not DIR's.
    if (linksOutside(dir, folder))
      tree.problems.push(`${name}: a link to a folder outside ${dir}: replace it with a folder`);
    else tree.prompts.push(readPrompt(dir, folder, name, tree));
  }
  return tree;
}

function readPrompt(dir: string, folder: string, name: string, tree: LocalTree): LocalPrompt {
  const layout = readdirSync(folder)
    .sort()
    .filter((file) => file === PROMPT_FILE || contentFileOf(file) || file.endsWith(".meta.json"));
  const outside = layout.filter((file) => !existsSync(join(folder, file)) || linksOutside(dir, join(folder, file)));
  for (const file of outside)
    tree.problems.push(`${name}/${file}: a link to a file outside ${dir} (or to nothing): replace it with the file`);
  const entries = layout.filter((file) => !outside.includes(file));
  for (const file of entries) tree.files.set(`${name}/${file}`, readFileSync(join(folder, file), "utf8"));
  const about = readJson(join(folder, PROMPT_FILE), promptSchema, tree.problems, `${name}/${PROMPT_FILE}`);
  const prompt: LocalPrompt = {
    name,
    description: about?.description ?? "",
    type: about?.type ?? null,
    versions: new Map(),
    drafts: [],
  };
  // One content file per stem: `v1.2.txt` and `v1.2.messages.json` side by side is a problem.
  const contents = new Map<string, string>();
  for (const file of entries) {
    const found = contentFileOf(file);
    if (!found) continue;
    const other = contents.get(found.stem);
    if (other) tree.problems.push(`${name}/${file}: ${other} is there too: keep one file per version`);
    else contents.set(found.stem, file);
  }
  const read = (file: string): Content | null => {
    const text = tree.files.get(`${name}/${file}`) ?? "";
    if (contentFileOf(file)?.type === "text") return { type: "text", body: text };
    const messages = readMessages(text);
    if (messages.ok) return { type: "chat", messages: messages.messages };
    tree.problems.push(`${name}/${file}: ${messages.error}`);
    return null;
  };
  for (const file of entries) {
    if (!file.endsWith(".meta.json")) continue;
    const stem = file.slice(0, -".meta.json".length);
    const version = versionOfStem(stem);
    if (!version) continue; // a draft's meta, read with its content below
    const meta = readJson(join(folder, file), metaSchema, tree.problems, `${name}/${file}`);
    if (!meta) continue;
    const own = contents.get(stem);
    prompt.versions.set(version, {
      version,
      path: own ? `${name}/${own}` : null,
      content: own ? read(own) : null,
      meta,
    });
  }
  for (const [stem, file] of contents) {
    const asked = versionOfStem(stem);
    if (asked && entries.includes(`${stem}.meta.json`)) continue; // tracked above, or its meta is unreadable: reported
    const content = read(file);
    if (!content) continue;
    const sidecar = join(folder, `${stem}.meta.json`);
    const config = existsSync(sidecar)
      ? (readJson(sidecar, draftMetaSchema, tree.problems, `${name}/${stem}.meta.json`)?.config ?? null)
      : null;
    prompt.drafts.push({ path: `${name}/${file}`, content, config: config as Config | null, asked });
  }
  return prompt;
}

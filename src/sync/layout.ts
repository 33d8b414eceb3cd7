import { type ChatItem, PROMPT_TYPES, type PromptType } from "../domain/chat.js";
import { type Config, canonicalJson, type Json, normalizeBody, parseJson } from "../domain/content.js";
import { type Contract, EMPTY_CONTRACT } from "../domain/contract.js";
import { type Content, hashOf as contentHashOf, normalizeContent } from "../domain/prompt-content.js";
import type { Stage } from "../domain/stage.js";
import { messages as messagesInput } from "../services/inputs.js";

/**
 * docs/prompts-as-code.md, prompts as code: the registry as files that read well in a Git diff.
 *
 *   DIR/<prompt>/prompt.json            {"description": "…", "type": "text" | "chat"}
 *   DIR/<prompt>/v1.2.txt               a text prompt's version: its text, byte for byte
 *   DIR/<prompt>/v1.2.messages.json     a chat prompt's version (docs/rules.md, chat prompts): its messages
 *   DIR/<prompt>/v1.2.meta.json         {"stage", "current", "revision", "contentHash", "createdFrom", "config"}
 *                                       and the contract's "variables", "tools", "responseFormat" where set
 *
 * Only what changes with the content or the stages is written: no timestamps, so a promotion
 * is a two-line diff and an edit a diff of the text. JSON is pretty-printed with keys in a fixed
 * order (config's and the messages' sorted), so the same registry always gives the same bytes.
 */
type VersionFacts = {
  version: string;
  stage: Stage;
  current: boolean;
  revision: number;
  contentHash: string;
  createdFrom: string | null;
  config: Config;
  contract: Contract;
};
/** A version as the files hold it: its facts and its content (a text's `body`, or a chat's `messages`). */
export type RegistryVersion = VersionFacts & Content;

export interface RegistryPrompt {
  name: string;
  description: string;
  type: PromptType;
  versions: RegistryVersion[];
}

/** What a version's .meta.json holds. */
export type VersionMeta = Omit<VersionFacts, "version">;

export const PROMPT_FILE = "prompt.json";
/** How a version's content file ends, by the prompt's type. */
const SUFFIX: Record<PromptType, string> = { text: ".txt", chat: ".messages.json" };
/** The content file of `stem` (`v1.2`, `idea`) for a prompt of `type`. */
export const contentName = (type: PromptType, stem: string) => `${stem}${SUFFIX[type]}`;
export const contentFile = (type: PromptType, version: string) => contentName(type, `v${version}`);
export const metaFile = (version: string) => `v${version}.meta.json`;

/** A content file's stem and the type of prompt it belongs to (`v1.2.messages.json`: v1.2, chat); null for other files. */
export function contentFileOf(file: string): { stem: string; type: PromptType } | null {
  for (const type of PROMPT_TYPES)
    if (file.endsWith(SUFFIX[type]) && file.length > SUFFIX[type].length)
      return { stem: file.slice(0, -SUFFIX[type].length), type };
  return null;
}

/** `v1.2` → "1.2"; null for a stem of any other name (a new draft). */
export function versionOfStem(stem: string): string | null {
  const number = /^v(0|[1-9]\d{0,8})\.(0|[1-9]\d{0,8})$/.exec(stem);
  return number ? `${number[1]}.${number[2]}` : null;
}

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

/** A content file's text: the body as it is, or the messages as pretty canonical JSON. */
export const contentText = (content: Content) =>
  content.type === "text" ? content.body : pretty(sorted(content.messages));

/**
 * A version's meta file. The contract's fields follow the config, each only when it is set, so a
 * version without a contract has the meta file it always had (docs/contract.md, "Prompts as code").
 */
export function metaText(v: VersionMeta): string {
  const { stage, current, revision, contentHash, createdFrom, config, contract } = v;
  const { variables, tools, responseFormat } = contract;
  return pretty({
    stage,
    current,
    revision,
    contentHash,
    createdFrom,
    config: sorted(config),
    ...(variables.length > 0 ? { variables: sorted(variables as unknown as Json) } : {}),
    ...(tools.length > 0 ? { tools: sorted(tools as unknown as Json) } : {}),
    ...(responseFormat ? { responseFormat: sorted(responseFormat as unknown as Json) } : {}),
  });
}

export const promptText = (description: string, type: PromptType) => pretty({ description, type });

/**
 * A messages file read as a chat version's messages, checked as the server checks a save (the
 * same schema: 1–100 entries, each a `{role, content}` message or a `{type: "placeholder", name}`),
 * or what is wrong with it.
 */
export function readMessages(text: string): { ok: true; messages: ChatItem[] } | { ok: false; error: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `not JSON (${(error as Error).message})` };
  }
  const parsed = messagesInput.safeParse(json);
  if (parsed.success) return { ok: true, messages: parsed.data };
  const where = (path: PropertyKey[]) =>
    path.length === 0 ? "" : `message ${Number(path[0]) + 1}${path.length > 1 ? `, ${path.slice(1).join(".")}` : ""}: `;
  return { ok: false, error: parsed.error.issues.map((i) => `${where(i.path)}${i.message}`).join("; ") };
}

/** Every file of the registry, by path relative to DIR (always with `/`), in a fixed order. */
export function renderRegistry(prompts: RegistryPrompt[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const p of [...prompts].sort((a, b) => a.name.localeCompare(b.name))) {
    files.set(`${p.name}/${PROMPT_FILE}`, promptText(p.description, p.type));
    for (const v of p.versions) {
      files.set(`${p.name}/${contentFile(v.type, v.version)}`, contentText(v));
      files.set(`${p.name}/${metaFile(v.version)}`, metaText(v));
    }
  }
  return files;
}

/**
 * Whether a file says the same as the registry's: text with line endings as Promptrail stores
 * them (LF; a Windows checkout's CRLF is no difference), messages as a save would store them,
 * other JSON by its value, not its formatting.
 */
export function sameContent(path: string, local: string, registry: string): boolean {
  const type = contentFileOf(path)?.type;
  if (type === "text") return normalizeBody(local) === registry;
  if (type === "chat") {
    const read = readMessages(local);
    return read.ok && contentText({ type, messages: read.messages }) === registry;
  }
  try {
    return canonicalJson(parseJson(local)) === canonicalJson(parseJson(registry));
  } catch {
    return false;
  }
}

/** The content hash of a text or messages, config and contract as they would be saved (R3, R5, docs/rules.md, chat prompts). */
export const hashOf = (content: Content, config: Config, contract: Contract = EMPTY_CONTRACT) =>
  contentHashOf(normalizeContent(content), config, contract);

import { createHash } from "node:crypto";
import {
  type ChatItem,
  chatVariables,
  messagesText,
  normalizeMessages,
  type PromptType,
  parseStoredMessages,
} from "./chat.js";
import { type Config, canonicalJson, chatContentHash, contentHash, type Json, normalizeBody } from "./content.js";
import { type Contract, contractHashFields, EMPTY_CONTRACT, isEmptyContract } from "./contract.js";
import { templateVariables } from "./template.js";

/**
 * What a version holds besides its config, by the prompt's type (fixed when it is created):
 * a text prompt's `body`, or a chat prompt's `messages` (docs/rules.md, chat prompts).
 */
export type Content = { type: "text"; body: string } | { type: "chat"; messages: ChatItem[] };

/**
 * The text a version stores in its `body` column: the template itself, or the messages as
 * canonical JSON. One column for both keeps every rule the database enforces on content (R5,
 * R12: PROD immutable, an edit stores its revision first, the size limit) holding for messages.
 */
export function storedText(content: Content): string {
  return content.type === "text" ? content.body : messagesText(content.messages);
}

/** A stored `body` back as content; throws on a chat text the database would have refused. */
export function contentOf(type: PromptType, text: string): Content {
  if (type === "text") return { type, body: text };
  const messages = parseStoredMessages(text);
  if (!messages) throw new Error("stored messages are not canonical chat messages");
  return { type, messages };
}

/**
 * R3 and docs/rules.md, chat prompts: sha256 of `{"body","config"}`, or of `{"config","messages"}` for chat. The
 * contract's fields join the object (keys sorted) only when they are not empty, so every
 * version without a contract keeps its hash (docs/contract.md, "The content hash").
 */
export function hashOf(content: Content, config: Config, contract: Contract = EMPTY_CONTRACT): string {
  if (isEmptyContract(contract))
    return content.type === "text" ? contentHash(content.body, config) : chatContentHash(content.messages, config);
  const own: { [key: string]: Json } =
    content.type === "text" ? { body: content.body } : { messages: content.messages };
  return createHash("sha256")
    .update(canonicalJson({ ...own, config, ...contractHashFields(contract) }), "utf8")
    .digest("hex");
}

/** R5: line endings are LF on every save, in a body and in every message. */
export function normalizeContent(content: Content): Content {
  return content.type === "text"
    ? { type: "text", body: normalizeBody(content.body) }
    : { type: "chat", messages: normalizeMessages(content.messages) };
}

/** The variables a caller must send: the template's, or for chat its messages' and placeholders'. */
export function variablesOf(content: Content): string[] {
  return content.type === "text" ? templateVariables(content.body) : chatVariables(content.messages);
}

/** Variables present in `after` but not `before`, and the reverse: what a caller must change. */
export function contentVariableChanges(before: Content | null, after: Content) {
  const was = new Set(before ? variablesOf(before) : []);
  const now = new Set(variablesOf(after));
  return {
    added: [...now].filter((name) => !was.has(name)),
    removed: [...was].filter((name) => !now.has(name)),
  };
}

/**
 * Content that says nothing: a text prompt whose body is only whitespace, or a chat prompt whose
 * messages are all blank (a placeholder is content: the caller fills it). Saving it is allowed
 * (a draft may be emptied on purpose) but the page warns, since a model would get nothing.
 */
export function isBlankContent(content: Content): boolean {
  return content.type === "text"
    ? content.body.trim() === ""
    : content.messages.every((item) => !("type" in item) && item.content.trim() === "");
}

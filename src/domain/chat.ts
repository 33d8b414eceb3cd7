import { canonicalJson } from "./content.js";
import { isVariableName, MAX_RENDERED_BYTES, renderTemplate, templateVariables } from "./template.js";

/**
 * docs/rules.md, chat prompts: a chat prompt is a list of messages instead of one text. Each entry is a message
 * whose content is a template, or a placeholder: a slot the caller fills with a list of
 * messages (a conversation so far, examples).
 */
export const PROMPT_TYPES = ["text", "chat"] as const;
export type PromptType = (typeof PROMPT_TYPES)[number];

export const CHAT_ROLES = ["system", "user", "assistant"] as const;
export type ChatRole = (typeof CHAT_ROLES)[number];

// Type aliases, not interfaces: a message is then JSON as the type system sees it (no cast).
export type ChatMessage = {
  role: ChatRole;
  content: string;
};
export type ChatPlaceholder = {
  type: "placeholder";
  name: string;
};
export type ChatItem = ChatMessage | ChatPlaceholder;

export const MIN_MESSAGES = 1;
export const MAX_MESSAGES = 100;

export const isPlaceholder = (item: ChatItem): item is ChatPlaceholder => "type" in item;
export const isChatRole = (role: unknown): role is ChatRole => CHAT_ROLES.includes(role as ChatRole);

/**
 * How messages are stored (the `body` column of a chat prompt's versions) and hashed: canonical
 * JSON, keys sorted, no whitespace, so equal messages always have equal text.
 */
export function messagesText(items: ChatItem[]): string {
  return canonicalJson(items);
}

/** One entry exactly as docs/rules.md, chat prompts shapes it (no other keys), or null. */
function chatItemOf(value: unknown): ChatItem | null {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return null;
  const entry = value as Record<string, unknown>;
  const keys = Object.keys(entry).sort().join(",");
  if (keys === "content,role" && isChatRole(entry.role) && typeof entry.content === "string")
    return { role: entry.role, content: entry.content };
  if (
    keys === "name,type" &&
    entry.type === "placeholder" &&
    typeof entry.name === "string" &&
    isVariableName(entry.name)
  )
    return { type: "placeholder", name: entry.name };
  return null;
}

/**
 * Stored messages back as items; null when `text` is not 1–100 well-formed entries in canonical
 * form. The database's hash check calls this too (src/db/connect.ts), so a row of malformed or
 * non-canonical messages is refused even to raw SQL.
 */
export function parseStoredMessages(text: string): ChatItem[] | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (!Array.isArray(parsed) || parsed.length < MIN_MESSAGES || parsed.length > MAX_MESSAGES) return null;
  const items: ChatItem[] = [];
  for (const value of parsed) {
    const item = chatItemOf(value);
    if (!item) return null;
    items.push(item);
  }
  return messagesText(items) === text ? items : null;
}

/** R5 for chat: line endings in every message's content are LF. */
export function normalizeMessages(items: ChatItem[]): ChatItem[] {
  return items.map((item) =>
    isPlaceholder(item) ? item : { role: item.role, content: item.content.replace(/\r\n?/g, "\n") },
  );
}

/**
 * What a caller must send: every `{{variable}}` of the messages' contents, then every
 * placeholder's name (filled from the variable of that name), each once, in order of first use.
 */
export function chatVariables(items: ChatItem[]): string[] {
  const names = new Set<string>();
  for (const item of items) {
    if (isPlaceholder(item)) names.add(item.name);
    else for (const name of templateVariables(item.content)) names.add(name);
  }
  return [...names];
}

export type ChatRenderResult =
  | { ok: true; messages: ChatMessage[] }
  | { ok: false; missing: string[] }
  | { ok: false; missing: []; tooLarge: number }
  | { ok: false; missing: []; badPlaceholder: string };

/**
 * Fills every message's template and every placeholder, the latter from the variable of its
 * name: a JSON array of `{role, content}` messages, inserted as they are (they are data, a
 * conversation so far, not templates). A missing variable, a placeholder value that is not such
 * an array, or a result over 1,000,000 bytes of JSON is an error for the case, never a crash.
 */
export function renderChat(items: ChatItem[], variables: Record<string, string>): ChatRenderResult {
  const missing = chatVariables(items).filter((name) => !Object.hasOwn(variables, name));
  if (missing.length > 0) return { ok: false, missing };
  const messages: ChatMessage[] = [];
  for (const item of items) {
    if (isPlaceholder(item)) {
      const filled = placeholderMessages(variables[item.name] ?? "");
      if (!filled) return { ok: false, missing: [], badPlaceholder: item.name };
      messages.push(...filled);
      continue;
    }
    const rendered = renderTemplate(item.content, variables);
    if (!rendered.ok) return "tooLarge" in rendered ? rendered : { ok: false, missing: rendered.missing };
    messages.push({ role: item.role, content: rendered.text });
  }
  const bytes = Buffer.byteLength(JSON.stringify(messages), "utf8");
  if (bytes > MAX_RENDERED_BYTES) return { ok: false, missing: [], tooLarge: bytes };
  return { ok: true, messages };
}

/** A placeholder's value: a JSON array of `{role, content}` messages (possibly empty); null otherwise. */
export function placeholderMessages(value: string): ChatMessage[] | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return null;
  }
  if (!Array.isArray(parsed)) return null;
  const messages: ChatMessage[] = [];
  for (const entry of parsed) {
    const item = chatItemOf(entry);
    if (!item || isPlaceholder(item)) return null;
    messages.push(item);
  }
  return messages;
}

/** The rendered messages as the echo provider answers them: one `role: content` block per message. */
export function transcript(messages: ChatMessage[]): string {
  return messages.map((m) => `${m.role}: ${m.content}`).join("\n");
}

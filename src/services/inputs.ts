import { z } from "zod";
import {
  CHAT_ROLES,
  type ChatItem,
  MAX_MESSAGES,
  messagesText,
  normalizeMessages,
  PROMPT_TYPES,
} from "../domain/chat.js";
import {
  type Config,
  canonicalJson,
  type Json,
  MAX_JSON_DEPTH,
  nestedDeeperThan,
  normalizeBody,
} from "../domain/content.js";
import { MAX_BODY_BYTES, MAX_CONFIG_BYTES, MAX_DESCRIPTION_CHARS, PROMPT_NAME } from "../domain/limits.js";
import { STAGES } from "../domain/stage.js";
import { isVariableName } from "../domain/template.js";

/**
 * One zod schema per input. Services parse with them, and the HTTP layer feeds them the same
 * object whether it came from a form or a JSON body.
 */
export const promptName = z
  .string()
  .regex(PROMPT_NAME, "Use 1–100 characters of a-z 0-9 . _ -, starting with a letter or digit");

/** R3/R5: the limit is on the body as stored, after CRLF → LF (forms send CRLF). */
export const body = z
  .string()
  .transform(normalizeBody)
  .refine((text) => Buffer.byteLength(text, "utf8") <= MAX_BODY_BYTES, "The prompt is over 1,000,000 bytes");

const chatMessage = z.strictObject({
  role: z.enum(CHAT_ROLES, "Use system, user or assistant"),
  content: z.string("Give the message text (it may be empty)"),
});
const chatPlaceholder = z.strictObject({
  type: z.literal("placeholder", 'A message has a role; only a placeholder has a type, "placeholder"'),
  name: z
    .string("Give the placeholder a name")
    .refine(
      isVariableName,
      "Name the placeholder like a variable: letters, digits, _ . -, starting with a letter or _",
    ),
});

/** One entry: a placeholder when it has a `type`, else a message (so that errors name the right fields). */
const chatItem = z.unknown().transform((value, ctx): ChatItem => {
  const schema = value !== null && typeof value === "object" && "type" in value ? chatPlaceholder : chatMessage;
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) ctx.addIssue({ code: "custom", message: issue.message, path: issue.path });
  return z.NEVER;
});

/** docs/rules.md, chat prompts: 1–100 messages; CRLF → LF in every content; the size limit is over their JSON as stored. */
export const messages = z
  .array(chatItem, 'Give the messages as a list of {role, content} and {type: "placeholder", name}')
  .min(1, "A chat prompt has at least one message")
  .max(MAX_MESSAGES, `A chat prompt has at most ${MAX_MESSAGES} messages`)
  .transform(normalizeMessages)
  .refine(
    (items) => Buffer.byteLength(messagesText(items), "utf8") <= MAX_BODY_BYTES,
    "The messages are over 1,000,000 bytes of JSON",
  );

/** What a config that is not an object is, in the words of the person who typed it. */
function configShape(value: unknown): string {
  const kind = Array.isArray(value)
    ? "a list ([…])"
    : typeof value === "string"
      ? "text in quotes"
      : typeof value === "number"
        ? "a number"
        : typeof value === "boolean"
          ? "true or false"
          : value === null
            ? "null"
            : "not an object";
  return `The config must be a JSON object of settings, like {"model": "gpt-4o-mini", "temperature": 0.2}; this is ${kind}`;
}

export const config = z
  .unknown()
  // Checked before the schema recurses into it: deep nesting would overflow the stack.
  .refine((value) => !nestedDeeperThan(value), `Nested more than ${MAX_JSON_DEPTH} levels deep`)
  .pipe(z.record(z.string(), z.json(), { error: (issue) => configShape(issue.input) }))
  .refine(
    (value) => Buffer.byteLength(canonicalJson(value as Json), "utf8") <= MAX_CONFIG_BYTES,
    "The config is over 64 KiB",
  )
  .transform((value) => value as Config);

export const revision = z.int("The revision is a whole number").min(1).max(Number.MAX_SAFE_INTEGER);

/** The prompt contract's fields, checked whole with the content by resolveContract (contract.inputs.ts). */
const contractFields = {
  variables: z.unknown().optional(),
  tools: z.unknown().optional(),
  responseFormat: z.unknown().optional(),
};

const description = z.string().max(MAX_DESCRIPTION_CHARS, "Keep the description under 2,000 characters");

export const promptType = z.enum(PROMPT_TYPES, "Use text or chat");

/**
 * A new prompt: a text prompt takes `body`, a chat prompt `messages` (docs/rules.md, chat prompts). Without a
 * `type`, the field given decides; giving the other one is refused.
 */
export const createPromptInput = z
  .strictObject({
    name: promptName,
    description: description.default(""),
    type: promptType.optional(),
    body: body.optional(),
    messages: messages.optional(),
    config: config.default({}),
    ...contractFields,
  })
  .transform(({ type, body, messages, ...rest }, ctx) => {
    const kind = type ?? (messages !== undefined && body === undefined ? "chat" : "text");
    const content = contentInput(kind, body, messages, ctx);
    return content ? { ...rest, content } : z.NEVER;
  });

/** The content a text or chat prompt's input carries: `body` for text, `messages` for chat, not both. */
function contentInput(
  type: (typeof PROMPT_TYPES)[number],
  body: string | undefined,
  items: ChatItem[] | undefined,
  ctx: z.RefinementCtx,
) {
  const [wanted, other] = type === "text" ? ["body", "messages"] : ["messages", "body"];
  if ((type === "text" ? items : body) !== undefined) {
    ctx.addIssue({ code: "custom", path: [other], message: `A ${type} prompt takes ${wanted}, not ${other}` });
    return null;
  }
  if (type === "text" && body !== undefined) return { type, body } as const;
  if (type === "chat" && items !== undefined) return { type, messages: items } as const;
  ctx.addIssue({ code: "custom", path: [wanted], message: `A ${type} prompt needs its ${wanted}` });
  return null;
}

/** What a prompt's own save changes: its description (the name is fixed, R1). */
export const describeInput = z.strictObject({ description });

/** An edit: `body` for a text prompt, `messages` for a chat prompt (checked against its type by the service). */
export const saveInput = z.strictObject({
  body: body.optional(),
  messages: messages.optional(),
  config: config.optional(),
  revision: revision.optional(),
  ...contractFields,
});

/** The edit of a version of a `type` prompt: its content as that type takes it. */
export const saveInputFor = (type: (typeof PROMPT_TYPES)[number]) =>
  saveInput.transform(({ body, messages, ...rest }, ctx) => {
    const content = contentInput(type, body, messages, ctx);
    return content ? { ...rest, content } : z.NEVER;
  });

/** A restore is a save: it may carry the revision the page saw (R6). */
export const restoreInput = z.strictObject({ revision: revision.optional() });

/** The stage the caller means to promote into: a page left open must not promote twice. */
export const promoteInput = z.strictObject({
  to: z
    .string()
    .transform((stage) => stage.toUpperCase())
    .pipe(z.enum(STAGES, "Use TST or PROD"))
    .optional(),
});

export const newVersionInput = z.strictObject({ major: z.boolean().default(false) });

export const pageInput = z.strictObject({
  limit: z.int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});

/** A page of a prompt's versions: the cursor is the last version number of the previous page. */
export const versionPageInput = pageInput.extend({
  cursor: z
    .string()
    .regex(/^\d{1,9}\.\d{1,9}$/, "Not a cursor of this list")
    .transform((text) => {
      const [major, minor] = text.split(".").map(Number);
      return { major: major as number, minor: minor as number };
    })
    .optional(),
});

/**
 * A page of a list keyed by row id, newest first: the cursor is an id exactly as the list wrote
 * it (Number() alone would also take "", "-3" or "1e3").
 */
export const idPageInput = pageInput.extend({
  cursor: z
    .string()
    .regex(/^[1-9]\d{0,15}$/, "Not a cursor of this list")
    .transform(Number)
    .refine(Number.isSafeInteger, "Not a cursor of this list")
    .optional(),
});

/** The two versions to compare, "2.3" or "v2.3"; either may be left for the default. */
export const compareInput = z.strictObject({
  from: z.string().max(30).optional(),
  to: z.string().max(30).optional(),
});

export const listPromptsInput = pageInput.extend({
  q: z.string().max(200).optional(),
  /** Only the archived prompts, instead of those in use. */
  archived: z.boolean().default(false),
});

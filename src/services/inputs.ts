import { z } from "zod";
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

export const config = z
  .unknown()
  // Checked before the schema recurses into it: deep nesting would overflow the stack.
  .refine((value) => !nestedDeeperThan(value), `Nested more than ${MAX_JSON_DEPTH} levels deep`)
  .pipe(z.record(z.string(), z.json()))
  .refine(
    (value) => Buffer.byteLength(canonicalJson(value as Json), "utf8") <= MAX_CONFIG_BYTES,
    "The config is over 64 KiB",
  )
  .transform((value) => value as Config);

export const revision = z.int("The revision is a whole number").min(1).max(Number.MAX_SAFE_INTEGER);

const description = z.string().max(MAX_DESCRIPTION_CHARS, "Keep the description under 2,000 characters");

export const createPromptInput = z.strictObject({
  name: promptName,
  description: description.default(""),
  body,
  config: config.default({}),
});

/** What a prompt's own save changes: its description (the name is fixed, R1). */
export const describeInput = z.strictObject({ description });

export const saveInput = z.strictObject({
  body,
  config: config.optional(),
  revision: revision.optional(),
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

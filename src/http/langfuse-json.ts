import { z } from "zod";
import { configWithContract } from "../domain/contract.js";
import type { LabelledPrompt, LabelledVersion } from "../services/langfuse.service.js";
import { chatItemSchema } from "./json.js";

/**
 * The JSON of the Langfuse-compatible read (docs/rules.md, chat prompts), as Langfuse's own public API shapes it,
 * so that its SDKs read it unchanged. Explicit, like every other JSON shape (json.ts).
 */
const labels = z.array(z.enum(["production", "staging", "development", "latest"]));

export const langfusePromptSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  version: z.int().min(1),
  type: z.enum(["text", "chat"]),
  prompt: z.union([z.string(), z.array(chatItemSchema)]),
  config: z.record(z.string(), z.unknown()),
  labels,
  tags: z.array(z.never()),
  commitMessage: z.null(),
  resolutionGraph: z.null(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const langfuseListSchema = z.strictObject({
  data: z.array(
    z.strictObject({
      name: z.string(),
      type: z.enum(["text", "chat"]),
      versions: z.array(z.int().min(1)),
      labels,
      tags: z.array(z.never()),
      lastUpdatedAt: z.string(),
      lastConfig: z.record(z.string(), z.unknown()),
    }),
  ),
  meta: z.strictObject({ page: z.int(), limit: z.int(), totalItems: z.int(), totalPages: z.int() }),
});

export const langfuseErrorSchema = z.strictObject({ message: z.string(), error: z.string() });

export function langfusePromptJson({ version: v, labels }: LabelledVersion) {
  return langfusePromptSchema.parse({
    // Stable across exports and imports, unlike a row id: the prompt and its version number.
    id: `${v.prompt}@${v.version}`,
    name: v.prompt,
    version: v.seq,
    type: v.type,
    prompt: v.type === "text" ? v.body : v.messages,
    config: configWithContract(v.config, v.contract),
    labels,
    tags: [],
    commitMessage: null,
    resolutionGraph: null,
    createdAt: v.createdAt,
    updatedAt: v.updatedAt,
  });
}

export const langfuseListJson = (list: { data: LabelledPrompt[]; meta: unknown }) =>
  langfuseListSchema.parse({ ...list, data: list.data.map((p) => ({ ...p, tags: [] })) });

/** The names Langfuse gives its errors, by status (its BaseError subclasses). */
const ERROR_NAMES: Record<number, string> = {
  400: "InvalidRequestError",
  401: "UnauthorizedError",
  403: "ForbiddenError",
  404: "LangfuseNotFoundError",
  405: "MethodNotAllowedError",
  409: "LangfuseConflictError",
};

/** A refusal as Langfuse words it: `{message, error}` (docs/rules.md, chat prompts). */
export function langfuseErrorJson(error: { status: number; message: string }) {
  const name = ERROR_NAMES[error.status] ?? (error.status >= 500 ? "InternalServerError" : "InvalidRequestError");
  return { message: error.message, error: name };
}

/** Whether a path belongs to the Langfuse-compatible API, whose every answer speaks Langfuse. */
export const isLangfusePath = (path: string) => path === "/api/public" || path.startsWith("/api/public/");

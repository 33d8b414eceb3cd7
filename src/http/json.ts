import { z } from "zod";
import { CHAT_ROLES, PROMPT_TYPES } from "../domain/chat.js";
import { EVENT_TYPES } from "../domain/events.js";
import { actionsFor, ROLES, type Role } from "../domain/roles.js";
import { STAGES } from "../domain/stage.js";
import type { HistoryEvent } from "../model/history.model.js";
import type { PromptDetail, PromptSummary } from "../model/prompt.model.js";
import type { Revision, Version } from "../model/version.model.js";
import { caseResultSchema, testStatusSchema } from "../services/columns.js";

/**
 * The JSON shapes of docs/api.md, explicit so that they stay stable while the HTML follows the UI.
 * Every JSON answer goes through one of these (unknown keys are stripped, missing ones throw).
 */
export const stage = z.enum(STAGES);
export const versionNumber = z.string().regex(/^\d+\.\d+$/);
const currentByStage = z.strictObject({
  DEV: versionNumber.nullable(),
  TST: versionNumber.nullable(),
  PROD: versionNumber.nullable(),
});
const jsonObject = z.record(z.string(), z.unknown());
const promptType = z.enum(PROMPT_TYPES);
export const chatItemSchema = z.union([
  z.strictObject({ role: z.enum(CHAT_ROLES), content: z.string() }),
  z.strictObject({ type: z.literal("placeholder"), name: z.string() }),
]);

/** The prompt contract (docs/contract.md), checked when it was saved: its shape here is the outline. */
const contractShape = {
  variables: z.array(z.object({ name: z.string(), type: z.string(), required: z.boolean() }).loose()),
  tools: z.array(z.object({ type: z.literal("function"), function: jsonObject })),
  responseFormat: jsonObject.nullable(),
};

/** docs/rules.md, chat prompts: `body` for a text prompt or `messages` for a chat prompt, never both. */
const oneContent = (v: { body?: string | undefined; messages?: unknown[] | undefined }) =>
  (v.body === undefined) !== (v.messages === undefined);

export const versionSchema = z
  .object({
    prompt: z.string(),
    version: versionNumber,
    seq: z.int().min(1),
    type: promptType,
    stage,
    current: z.boolean(),
    body: z.string().optional(),
    messages: z.array(chatItemSchema).optional(),
    config: jsonObject,
    ...contractShape,
    revision: z.int().min(1),
    contentHash: z.string().regex(/^[0-9a-f]{64}$/),
    createdFrom: versionNumber.nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    actions: z.strictObject({
      edit: z.boolean(),
      test: z.boolean(),
      promote: stage.exclude(["DEV"]).nullable(),
      createNew: z.boolean(),
      delete: z.boolean(),
      makeCurrent: z.boolean(),
    }),
  })
  .refine((v) => oneContent(v) && (v.type === "text") === (v.body !== undefined), "body for text, messages for chat");

/** A render (docs/contract.md, "Rendering"): the filled text or messages, with what goes with them. */
export const renderingSchema = z
  .object({
    prompt: z.string(),
    version: versionNumber,
    stage,
    type: promptType,
    body: z.string().optional(),
    messages: z.array(z.strictObject({ role: z.enum(CHAT_ROLES), content: z.string() })).optional(),
    config: jsonObject,
    tools: contractShape.tools,
    responseFormat: contractShape.responseFormat,
  })
  .refine((v) => oneContent(v) && (v.type === "text") === (v.body !== undefined), "body for text, messages for chat");

export const promptListSchema = z.object({
  prompts: z.array(
    z.object({ name: z.string(), description: z.string(), current: currentByStage, updatedAt: z.string() }),
  ),
  next: z.string().nullable(),
});

export const promptSchema = z.object({
  name: z.string(),
  description: z.string(),
  current: currentByStage,
  versions: z.array(
    z.object({ version: versionNumber, stage, current: z.boolean(), revision: z.int(), updatedAt: z.string() }),
  ),
  next: z.string().nullable(),
});

export const revisionsSchema = z.object({
  revisions: z.array(
    z
      .object({
        revision: z.int(),
        body: z.string().optional(),
        messages: z.array(chatItemSchema).optional(),
        config: jsonObject,
        ...contractShape,
        savedAt: z.string(),
        actor: z.string(),
      })
      .refine(oneContent, "body or messages"),
  ),
  next: z.string().nullable(),
});

export const historySchema = z.object({
  events: z.array(
    z.object({
      at: z.string(),
      actor: z.string(),
      type: z.string(),
      version: versionNumber.nullable(),
      detail: jsonObject,
    }),
  ),
  next: z.string().nullable(),
});

/** The answer of archive and unarchive: the prompt and when it was archived (null: in use). */
export const archiveSchema = z.strictObject({ name: z.string(), archivedAt: z.string().nullable() });
export const compareSchema = z.object({
  from: versionNumber,
  to: versionNumber,
  diff: z.string(),
  contract: z.array(
    z.strictObject({
      kind: z.enum(["variable", "tool", "responseFormat"]),
      name: z.string(),
      change: z.string(),
      breaking: z.boolean(),
      message: z.string(),
    }),
  ),
});
export const deletedSchema = z.object({ deleted: z.union([versionNumber, z.int()]) });
export const healthSchema = z.object({ ok: z.literal(true) });
export const errorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    issues: z.array(z.object({ path: z.union([z.string(), z.array(z.string())]), message: z.string() })).optional(),
  }),
});

/**
 * A version object for someone with `role` (null: open mode): its `actions` say what that role
 * may do to it (docs/rules.md and docs/accounts.md's role table, roles.ts); `promote` is null where
 * the role may not promote.
 */
export function versionJson(v: Version, role: Role | null) {
  const actions = actionsFor(v, role);
  return versionSchema.parse({
    ...v,
    ...v.contract,
    actions: {
      edit: actions.edit.allowed,
      test: actions.test.allowed,
      promote: actions.promoteBy.allowed ? actions.promote : null,
      createNew: actions.createNew.allowed,
      delete: actions.delete.allowed,
      makeCurrent: actions.makeCurrent.allowed,
    },
  });
}

export const promptListJson = (prompts: PromptSummary[], next: string | null) =>
  promptListSchema.parse({ prompts, next });
export const promptJson = (p: PromptDetail, next: string | null) => promptSchema.parse({ ...p, next });
export const revisionsJson = (revisions: Revision[], next: string | null) =>
  revisionsSchema.parse({ revisions: revisions.map((r) => ({ ...r, ...r.contract })), next });
export const historyJson = (events: HistoryEvent[], next: string | null) => historySchema.parse({ events, next });

const assertionValue = z.union([z.string(), z.number(), z.null()]);

export const testRunSchema = z.object({
  id: z.int(),
  version: versionNumber,
  revision: z.int().min(1),
  contentHash: z.string().regex(/^[0-9a-f]{64}$/),
  stage,
  provider: z.enum(["echo", "openai"]),
  model: z.string(),
  status: testStatusSchema,
  startedAt: z.string(),
  durationMs: z.number().min(0),
  results: z.array(caseResultSchema),
});
export const testRunsSchema = z.object({ runs: z.array(testRunSchema), next: z.string().nullable() });

export const testCaseSchema = z.object({
  id: z.int(),
  name: z.string(),
  variables: z.record(z.string(), z.string()),
  assertions: z.array(z.object({ type: z.string(), value: assertionValue, threshold: z.number().optional() })),
  echoOutput: z.string().nullable(),
});
export const testCasesSchema = z.object({
  testCases: z.array(testCaseSchema),
  total: z.int().min(0),
  next: z.string().nullable(),
});
export const testCasesImportSchema = z.object({
  imported: z.int().min(1),
  testCases: z.array(testCaseSchema),
  warnings: z.array(z.object({ path: z.string(), message: z.string() })),
});

const environmentSchema = z.object({
  provider: z.enum(["echo", "openai"]),
  baseUrl: z.string(),
  model: z.string(),
  apiKeyEnv: z.string().nullable(),
  timeoutMs: z.int(),
  gate: z.union([z.boolean(), z.literal("no-regression")]),
  approvals: z.int().min(0).max(3),
});
export const environmentsSchema = z.strictObject({
  DEV: environmentSchema,
  TST: environmentSchema,
  PROD: environmentSchema,
});

const eventType = z.enum(EVENT_TYPES);

/** docs/webhooks.md: a webhook; its secret only in the answer that created it. */
export const webhookSchema = z.strictObject({
  id: z.int().min(1),
  url: z.string(),
  types: z.array(eventType),
  stages: z.array(stage),
  active: z.boolean(),
});
export const webhookCreatedSchema = webhookSchema.extend({ secret: z.string().regex(/^whsec_/) });
export const webhooksSchema = z.strictObject({ webhooks: z.array(webhookSchema) });

export const deliverySchema = z.strictObject({
  id: z.uuid(),
  type: z.string(),
  prompt: z.string().nullable(),
  version: versionNumber.nullable(),
  stage: stage.nullable(),
  status: z.enum(["pending", "delivered", "failed"]),
  attempts: z.int().min(0),
  nextAttemptAt: z.string().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  log: z.array(
    z.strictObject({
      at: z.string(),
      status: z.int().nullable(),
      durationMs: z.int().min(0),
      error: z.string().nullable(),
      response: z.string().nullable(),
    }),
  ),
});
export const webhookDetailSchema = webhookSchema.extend({
  deliveries: z.array(deliverySchema),
  next: z.string().nullable(),
});

const role = z.enum(ROLES);
export const userSchema = z.strictObject({
  name: z.string(),
  role,
  disabled: z.boolean(),
  createdAt: z.string(),
  lastSeenAt: z.string().nullable(),
});
export const usersSchema = z.strictObject({ users: z.array(userSchema) });
export const tokenSchema = z.strictObject({
  id: z.int(),
  user: z.string(),
  label: z.string(),
  readOnly: z.boolean(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export const tokensSchema = z.strictObject({ tokens: z.array(tokenSchema) });
/** The one answer that carries a token's secret: the one that created it. */
export const newTokenSchema = z.strictObject({ token: tokenSchema, secret: z.string().startsWith("prt_") });
export const meSchema = z.strictObject({
  mode: z.enum(["open", "secured"]),
  user: z.strictObject({ name: z.string(), role }).nullable(),
});

import { z } from "zod";
import type { ChatItem, PromptType } from "../domain/chat.js";
import { type Config, contentHash } from "../domain/content.js";
import { type Contract, isEmptyContract } from "../domain/contract.js";
import { DomainError } from "../domain/errors.js";
import { type Content, hashOf } from "../domain/prompt-content.js";
import { STAGES } from "../domain/stage.js";
import { NUL_MESSAGE, nulAt } from "../domain/text.js";
import { compareVersions, formatVersion, parseVersion } from "../domain/version-number.js";
import type { EventType } from "../store/events.store.js";
import { resolveContract } from "./contract.inputs.js";
import { body, config, describeInput, messages, promptName, promptType, revision } from "./inputs.js";
import { environmentUpdateInput, MAX_TEST_CASES, testCaseInput } from "./testing.inputs.js";

/**
 * The export document of docs/operations.md: the whole registry as one JSON file. Readers are versioned:
 * formatVersion 2 (docs/rules.md, chat prompts: each prompt's `type`, each version's `seq`, a chat prompt's
 * `messages` in place of `body`) is what export writes; a formatVersion 1 file is read by its
 * own schema and upgraded into the newest shape, so that it stays importable for ever. Field
 * values reuse the services' own schemas, so a file can carry nothing the HTTP API would refuse.
 */
export const FORMAT = "promptrail";
export const FORMAT_VERSION = 2;

const timestamp = z.iso.datetime({
  error: (issue) =>
    issue.input === undefined ? "Missing" : "Give an ISO 8601 UTC time, e.g. 2026-12-01T09:30:00.000Z",
});
const versionNumber = z.string().refine((text) => {
  const n = parseVersion(text);
  return n !== null && n.major >= 1 && formatVersion(n) === text;
}, 'Write version numbers as "2.3" (from 1.0)');
const stage = z.enum(STAGES, "Use DEV, TST or PROD");

const revisionV1 = z.strictObject({
  revision,
  body,
  config,
  savedAt: timestamp,
  actor: z.string().min(1).max(200),
});

const versionV1 = z
  .strictObject({
    version: versionNumber,
    stage,
    current: z.boolean(),
    body,
    config,
    revision,
    contentHash: z.string().regex(/^[0-9a-f]{64}$/, "A sha256 in lower-case hex"),
    createdFrom: versionNumber.nullable(),
    createdAt: timestamp,
    updatedAt: timestamp,
    revisions: z.array(revisionV1).min(1, "Every version keeps at least its first revision"),
  })
  .superRefine((v, ctx) => {
    const issue = (message: string, path: PropertyKey[] = []) => ctx.addIssue({ code: "custom", message, path });
    if (contentHash(v.body, v.config) !== v.contentHash) issue("Does not match body and config (R3)", ["contentHash"]);
    v.revisions.forEach((r, i) => {
      if (r.revision !== i + 1)
        issue(`Expected revision ${i + 1}: revisions run 1, 2, 3… oldest first`, ["revisions", i]);
    });
    const last = v.revisions.at(-1);
    if (last?.revision !== v.revision) issue(`The last stored revision must be ${v.revision}`, ["revisions"]);
    else if (contentHash(last.body, last.config) !== v.contentHash)
      issue("The last stored revision must hold the version's body and config (R5)", ["revisions"]);
  });

/** Every event type, checked by the compiler against the store's union: a new type cannot be forgotten here. */
const EVENT_TYPES = {
  "prompt.created": true,
  "version.created": true,
  "version.edited": true,
  "version.promoted": true,
  "version.deleted": true,
  "version.made_current": true,
  "version.tested": true,
  "review.requested": true,
  "review.approved": true,
  "review.rejected": true,
  "review.withdrawn": true,
  "review.stale": true,
} satisfies Record<EventType, true>;

const eventV1 = z.strictObject({
  at: timestamp,
  actor: z.string().min(1).max(200),
  type: z.enum(Object.keys(EVENT_TYPES) as [EventType, ...EventType[]]),
  version: versionNumber.nullable(),
  // Any JSON object; the config schema brings the depth and size guards.
  detail: config,
});

const promptV1Fields = {
  name: promptName,
  description: describeInput.shape.description.default(""),
  createdAt: timestamp,
  /** Not in docs/operations.md's list; kept so the prompt list shows the same "updated" time after a move. */
  updatedAt: timestamp.optional(),
  /** The highest number ever allocated (R8), deleted versions included; not in docs/operations.md's list. */
  highestNumber: versionNumber.optional(),
  testCases: z.array(testCaseInput).max(MAX_TEST_CASES, `At most ${MAX_TEST_CASES} test cases`),
  events: z.array(eventV1),
};

/**
 * The rules of a prompt that every format shares: number order, one current per stage, PROD
 * keeping a current version, where versions were copied from, the mark, case names. A document
 * is checked as a whole: only states the API itself can make are imported.
 */
function checkPromptRules(
  p: {
    versions: Array<{ version: string; stage: string; current: boolean; createdFrom: string | null }>;
    highestNumber?: string | undefined;
    testCases: Array<{ name: string }>;
  },
  issue: (message: string, path: PropertyKey[]) => void,
) {
  const numbers = p.versions.map((v) => parseVersion(v.version) ?? { major: 0, minor: 0 });
  numbers.forEach((n, i) => {
    const before = numbers[i - 1];
    if (before && compareVersions(before, n) >= 0)
      issue("Versions are listed by number, oldest first, once each", ["versions", i]);
  });
  for (const s of STAGES) {
    if (p.versions.filter((v) => v.stage === s && v.current).length > 1)
      issue(`Two current ${s} versions (R4)`, ["versions"]);
  }
  // Once a version reached PROD, PROD always has a current version (a rollback moves it, never clears it).
  const prod = p.versions.findIndex((v) => v.stage === "PROD");
  if (prod !== -1 && !p.versions.some((v) => v.stage === "PROD" && v.current))
    issue("PROD versions but none current: one PROD version is always current (the one applications read)", [
      "versions",
      prod,
      "current",
    ]);
  // R2, R8: v1.0 is the prompt's first version, copied from nothing; every other is copied from
  // a version made before it (a number below its own; it may have been deleted since).
  p.versions.forEach((v, i) => {
    const own = numbers[i];
    const from = v.createdFrom === null ? null : parseVersion(v.createdFrom);
    const first = own?.major === 1 && own.minor === 0;
    if (first && v.createdFrom !== null)
      issue("v1.0 is created with the prompt, copied from nothing: null", ["versions", i, "createdFrom"]);
    else if (!first && v.createdFrom === null)
      issue(`v${v.version} was made by Create New Version: name the version it was copied from`, [
        "versions",
        i,
        "createdFrom",
      ]);
    else if (from && own && compareVersions(from, own) >= 0)
      issue(
        `v${v.createdFrom} did not exist when v${v.version} was made: a copy names a version below its own number`,
        ["versions", i, "createdFrom"],
      );
  });
  const highest = numbers.at(-1);
  const mark = p.highestNumber === undefined ? undefined : parseVersion(p.highestNumber);
  if (highest && mark && compareVersions(mark, highest) < 0)
    issue(`Below v${p.versions.at(-1)?.version}, a version it holds`, ["highestNumber"]);
  const names = p.testCases.map((t) => t.name);
  names.forEach((name, i) => {
    if (names.indexOf(name) !== i) issue(`A second test case named "${name}"`, ["testCases", i, "name"]);
  });
}

const promptV1 = z
  .strictObject({
    ...promptV1Fields,
    versions: z.array(versionV1).min(1, "A prompt keeps at least one version"),
  })
  .superRefine((p, ctx) => checkPromptRules(p, (message, path) => ctx.addIssue({ code: "custom", message, path })));

/** Approvals are an access setting, like users: they stay with the registry that has the people. */
const environmentV1 = environmentUpdateInput.omit({ approvals: true }).required();

const uniqueNames = (d: { prompts: Array<{ name: string }> }, ctx: z.RefinementCtx) => {
  const names = d.prompts.map((p) => p.name);
  names.forEach((name, i) => {
    if (names.indexOf(name) !== i)
      ctx.addIssue({ code: "custom", message: `A second prompt named "${name}"`, path: ["prompts", i, "name"] });
  });
};

export const documentV1 = z
  .strictObject({
    format: z.literal(FORMAT),
    formatVersion: z.literal(1),
    exportedAt: timestamp,
    environments: z.strictObject({ DEV: environmentV1, TST: environmentV1, PROD: environmentV1 }),
    prompts: z.array(promptV1),
  })
  .superRefine(uniqueNames);

// ---- formatVersion 2: chat prompts and seq (docs/rules.md, chat prompts) ------------------------------------

/** A text prompt's states carry `body`, a chat prompt's `messages`: checked against the prompt's type. */
const content = { body: body.optional(), messages: messages.optional() };

/**
 * The prompt contract (docs/contract.md): on a version or revision that has one, absent on the
 * rest, so a file written before contracts imports as empty contracts, unchanged.
 */
const contractFields = {
  variables: z.unknown().optional(),
  tools: z.unknown().optional(),
  responseFormat: z.unknown().optional(),
};

/** A state's contract as the API would store it, or why it is not one (the first problem). */
export function documentContract(
  state: { variables?: unknown; tools?: unknown; responseFormat?: unknown },
  own: Content,
): Contract | string {
  try {
    return resolveContract(state, own);
  } catch (error) {
    const issue = error instanceof DomainError ? error.issues?.[0] : undefined;
    return issue ? `${issue.path}: ${issue.message}` : "Not a contract";
  }
}

const revisionV2 = z.strictObject({
  revision,
  ...content,
  config,
  ...contractFields,
  savedAt: timestamp,
  actor: z.string().min(1).max(200),
});

const versionV2 = z.strictObject({
  version: versionNumber,
  seq: z.int().min(1).max(Number.MAX_SAFE_INTEGER),
  stage,
  current: z.boolean(),
  ...content,
  config,
  ...contractFields,
  revision,
  contentHash: z.string().regex(/^[0-9a-f]{64}$/, "A sha256 in lower-case hex"),
  createdFrom: versionNumber.nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
  revisions: z.array(revisionV2).min(1, "Every version keeps at least its first revision"),
});

/** The content a saved state holds, as its prompt's type reads it; null when it holds the other kind. */
export function documentContent(
  type: PromptType,
  state: { body?: string | undefined; messages?: ChatItem[] | undefined },
): Content | null {
  if (type === "text")
    return state.body !== undefined && state.messages === undefined ? { type, body: state.body } : null;
  return state.messages !== undefined && state.body === undefined ? { type, messages: state.messages } : null;
}

const promptV2 = z
  .strictObject({
    ...promptV1Fields,
    type: promptType,
    /** The highest `seq` ever given (docs/rules.md, chat prompts), deleted versions included; not in docs/operations.md's list. */
    highestSeq: z.int().min(1).optional(),
    versions: z.array(versionV2).min(1, "A prompt keeps at least one version"),
  })
  .superRefine((p, ctx) => {
    const issue = (message: string, path: PropertyKey[]) => ctx.addIssue({ code: "custom", message, path });
    const field = p.type === "text" ? "body" : "messages";
    checkPromptRules(p, issue);
    p.versions.forEach((v, i) => {
      const at = ["versions", i];
      const own = documentContent(p.type, v);
      if (!own) {
        issue(`A ${p.type} prompt's versions carry ${field} (and only it)`, at);
        return;
      }
      const contract = documentContract(v, own);
      if (typeof contract === "string") {
        issue(contract, at);
        return;
      }
      if (hashOf(own, v.config, contract) !== v.contentHash)
        issue(`Does not match ${field}${isEmptyContract(contract) ? "" : ", contract"} and config (R3)`, [
          ...at,
          "contentHash",
        ]);
      const before = p.versions[i - 1];
      if (before && before.seq >= v.seq)
        issue("seq rises with the version number (docs/rules.md, chat prompts)", [...at, "seq"]);
      checkRevisions(p.type, v, own, (message, path) => issue(message, [...at, ...path]));
    });
    const last = p.versions.at(-1);
    if (last && p.highestSeq !== undefined && p.highestSeq < last.seq)
      issue(`Below seq ${last.seq}, a version it holds`, ["highestSeq"]);
    const mark = p.highestNumber === undefined ? null : parseVersion(p.highestNumber);
    const lastNumber = last ? parseVersion(last.version) : null;
    if (last && mark && lastNumber && compareVersions(mark, lastNumber) > 0 && (p.highestSeq ?? 0) <= last.seq)
      issue("A deleted highest version had a seq too: highestSeq must be above the last version's", ["highestSeq"]);
  });

/** R5: revisions run 1, 2, 3…, of the prompt's type, the last one holding the version's content. */
function checkRevisions(
  type: PromptType,
  v: { revision: number; contentHash: string; config: Config; revisions: Array<z.output<typeof revisionV2>> },
  own: Content,
  issue: (message: string, path: PropertyKey[]) => void,
) {
  v.revisions.forEach((r, i) => {
    if (r.revision !== i + 1)
      issue(`Expected revision ${i + 1}: revisions run 1, 2, 3… oldest first`, ["revisions", i]);
    const kept = documentContent(type, r);
    if (!kept)
      issue(`A ${type} prompt's revisions carry ${own.type === "text" ? "body" : "messages"}`, ["revisions", i]);
    else {
      const contract = documentContract(r, kept);
      if (typeof contract === "string") issue(contract, ["revisions", i]);
    }
  });
  const last = v.revisions.at(-1);
  const kept = last && documentContent(type, last);
  const contract = kept ? documentContract(last, kept) : "no content";
  if (last?.revision !== v.revision) issue(`The last stored revision must be ${v.revision}`, ["revisions"]);
  else if (!kept || typeof contract === "string" || hashOf(kept, last.config, contract) !== v.contentHash)
    issue("The last stored revision must hold the version's content, config and contract (R5)", ["revisions"]);
}

export const documentV2 = z
  .strictObject({
    format: z.literal(FORMAT),
    formatVersion: z.literal(2),
    exportedAt: timestamp,
    environments: z.strictObject({ DEV: environmentV1, TST: environmentV1, PROD: environmentV1 }),
    prompts: z.array(promptV2),
  })
  .superRefine(uniqueNames);

/** The newest document shape: what export writes and what import loads. */
export type RegistryDocument = z.output<typeof documentV2>;
export type DocumentPrompt = RegistryDocument["prompts"][number];
export type DocumentVersion = DocumentPrompt["versions"][number];
export type DocumentEvent = DocumentPrompt["events"][number];

/**
 * formatVersion 1 → 2: every prompt is a text prompt, and seq numbers versions in number order
 * (R8 makes that the order they were created in) — as the migration numbers an old database.
 * A deleted highest number had taken one more.
 */
function upgradeV1(doc: z.output<typeof documentV1>): RegistryDocument {
  return {
    ...doc,
    formatVersion: 2,
    prompts: doc.prompts.map((p) => {
      const mark = p.highestNumber === undefined ? null : parseVersion(p.highestNumber);
      const last = parseVersion(p.versions.at(-1)?.version ?? "1.0");
      const deletedAbove = mark !== null && last !== null && compareVersions(mark, last) > 0;
      return {
        ...p,
        type: "text" as const,
        ...(deletedAbove ? { highestSeq: p.versions.length + 1 } : {}),
        versions: p.versions.map((v, i) => ({ ...v, seq: i + 1 })),
      };
    }),
  };
}

/** What is wrong with a file, in one line: its first problem and how many more there are. */
export class DocumentError extends Error {}

/**
 * Reads any format version this build knows into the newest shape. A file from a newer
 * Promptrail is refused with what to do, never half-read.
 */
export function readDocument(json: unknown): RegistryDocument {
  const head = z.looseObject({ format: z.literal(FORMAT), formatVersion: z.int().min(1) }).safeParse(json);
  if (!head.success)
    throw new DocumentError('Not a Promptrail export: expected {"format":"promptrail","formatVersion":2,…}');
  const version = head.data.formatVersion;
  if (version > FORMAT_VERSION)
    throw new DocumentError(
      `This file is formatVersion ${version}, newer than this Promptrail reads (${FORMAT_VERSION}): upgrade promptrail to import it`,
    );
  const nul = nulAt(json);
  if (nul !== null) throw new DocumentError(`Not a valid Promptrail export: ${nul || "(file)"}: ${NUL_MESSAGE}`);
  const parsed = version === 1 ? documentV1.safeParse(json) : documentV2.safeParse(json);
  if (parsed.success) return parsed.data.formatVersion === 1 ? upgradeV1(parsed.data) : parsed.data;
  const [first, ...more] = parsed.error.issues;
  const where = first?.path.length ? `${first.path.join(".")}: ` : "";
  const rest = more.length ? ` (and ${more.length} more problem${more.length > 1 ? "s" : ""})` : "";
  throw new DocumentError(`Not a valid Promptrail export: ${where}${first?.message ?? "invalid"}${rest}`);
}

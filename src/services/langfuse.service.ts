import { z } from "zod";
import type { PromptType } from "../domain/chat.js";
import type { Config } from "../domain/content.js";
import { configWithContract } from "../domain/contract.js";
import { DomainError } from "../domain/errors.js";
import type { Stage } from "../domain/stage.js";
import type { Version } from "../model/version.model.js";
import { countPrompts, findPromptByName, type PromptFilter, pagePrompts } from "../store/prompts.store.js";
import { findCurrent, findLatestBySeq, findVersionBySeq, latestSeq, seqsOf } from "../store/versions.store.js";
import { COLUMNS, readColumn, readContract } from "./columns.js";
import type { ServiceDeps } from "./context.js";
import { parseInput } from "./parse.js";
import { rowToVersion } from "./rows.js";

/**
 * docs/rules.md, chat prompts, the Langfuse-compatible read: Langfuse's labels are our stages' current versions,
 * plus `latest`, the version with the highest seq; Langfuse's `version` is our `seq`.
 */
export const LABELS = { production: "PROD", staging: "TST", development: "DEV", latest: null } as const;
export type Label = keyof typeof LABELS;
const STAGE_LABEL: Record<Stage, Label> = { PROD: "production", TST: "staging", DEV: "development" };

/** A version as Langfuse's prompt API serves it: the version and every label it carries. */
export interface LabelledVersion {
  version: Version;
  labels: Label[];
}

/** A line of Langfuse's prompt list. */
export interface LabelledPrompt {
  name: string;
  type: PromptType;
  versions: number[];
  labels: Label[];
  lastUpdatedAt: string;
  lastConfig: Config;
}

export const MAX_PAGE_LIMIT = 200;

/**
 * Langfuse answers 400 for any query it cannot use, so these schemas' failures are bad_request
 * (not 422 validation_failed): a Langfuse client handles them as it always has. Parameters it
 * does not know (Langfuse's `resolve`, `fromUpdatedAt`…) are ignored, as Langfuse ignores them.
 */
const seqText = (key: string) =>
  z
    .string()
    .regex(/^[1-9]\d{0,15}$/, `${key} must be a whole number from 1`)
    .transform(Number)
    .refine(Number.isSafeInteger, `${key} is too large`);

const getQuery = z
  .object({ version: seqText("version").optional(), label: z.string().optional() })
  .refine((q) => q.version === undefined || q.label === undefined, "Give either version or label, not both");

const listQuery = z.object({
  page: seqText("page").default(1),
  limit: seqText("limit")
    .refine((n) => n <= MAX_PAGE_LIMIT, `limit is at most ${MAX_PAGE_LIMIT}`)
    .default(50),
  name: z.string().optional(),
  label: z.string().optional(),
  tag: z.string().optional(),
});

function parseQuery<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  try {
    return parseInput(schema, input);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    const first = error.issues?.[0];
    throw new DomainError("bad_request", first?.path === "(input)" ? first.message : error.message, error.issues);
  }
}

function labelOf(text: string): Label | null {
  return Object.hasOwn(LABELS, text) ? (text as Label) : null;
}

export function createLangfuseService({ db }: ServiceDeps) {
  async function labelsOf(version: Version): Promise<Label[]> {
    const labels: Label[] = version.current ? [STAGE_LABEL[version.stage]] : [];
    if ((await latestSeq(db, version.promptId)) === version.seq) labels.push("latest");
    return labels;
  }

  return {
    /**
     * One version of a prompt by `version` (a seq) or `label`; neither means `production`, both
     * is 400 bad_request. A missing prompt, version or label is not_found, worded as Langfuse
     * words it ("Prompt not found: …").
     */
    async get(name: string, input: unknown = {}): Promise<LabelledVersion> {
      const { version: seq, label: labelText } = parseQuery(getQuery, input);
      const label = labelText === undefined ? "production" : labelOf(labelText);
      const wanted = seq !== undefined ? `version ${seq}` : `label ${JSON.stringify(labelText ?? "production")}`;
      const missing = new DomainError("not_found", `Prompt not found: ${JSON.stringify(name)} with ${wanted}`);
      const prompt = await findPromptByName(db, name);
      if (!prompt || (seq === undefined && label === null)) throw missing;
      const stage = label ? LABELS[label] : null;
      const row =
        seq !== undefined
          ? await findVersionBySeq(db, prompt.id, seq)
          : stage
            ? await findCurrent(db, prompt.id, stage)
            : await findLatestBySeq(db, prompt.id);
      if (!row) throw missing;
      const version = rowToVersion(prompt, row);
      return { version, labels: await labelsOf(version) };
    },

    /**
     * Prompts in use by name, `page` (from 1) of `limit` (default 50, at most 200), optionally
     * only `name`, or those carrying `label`. Promptrail has no tags: asking for one finds none.
     */
    async list(input: unknown = {}) {
      const { page, limit, name, label: labelText, tag } = parseQuery(listQuery, input);
      const label = labelText === undefined ? undefined : labelOf(labelText);
      const filter: PromptFilter = { name, stage: label ? (LABELS[label] ?? undefined) : undefined };
      const none = label === null || tag !== undefined;
      const totalItems = none ? 0 : await countPrompts(db, filter);
      const rows = none ? [] : await pagePrompts(db, filter, { offset: (page - 1) * limit, limit });
      const seqs = await seqsOf(
        db,
        rows.map((p) => p.id),
      );
      const data: LabelledPrompt[] = rows.map((p) => {
        const own = seqs.filter((s) => s.prompt_id === p.id);
        const pointers: Array<[number | null, Label]> = [
          [p.current_prod, "production"],
          [p.current_tst, "staging"],
          [p.current_dev, "development"],
        ];
        return {
          name: p.name,
          type: p.type,
          versions: own.map((s) => s.seq),
          labels: [...pointers.filter(([id]) => id !== null).map(([, l]) => l), "latest"],
          lastUpdatedAt: p.updated_at,
          lastConfig: lastConfig(own.at(-1)),
        };
      });
      return { data, meta: { page, limit, totalItems, totalPages: Math.ceil(totalItems / limit) } };
    },
  };
}

/** The newest version's config, with its tools and response format in it as the single read has them. */
function lastConfig(row: { config: string; tools: string; response_format: string | null } | undefined): Config {
  if (!row) return {};
  return configWithContract(
    readColumn(COLUMNS.config, row.config, "config"),
    readContract("[]", row.tools, row.response_format),
  );
}

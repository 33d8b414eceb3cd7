import { z } from "zod";
import { comparisonUrl } from "../../views/pages/comparison.page.js";
import { REVIEW_STATES } from "../domain/reviews.js";
import type { Review, ReviewEvidence, StageMove } from "../model/review.model.js";
import { compareSchema, stage, testRunSchema, versionNumber } from "./json.js";

const vote = z.strictObject({ by: z.string(), at: z.string(), comment: z.string() });

/** A review (docs/api.md#reviews). */
export const reviewSchema = z.strictObject({
  id: z.int(),
  prompt: z.string(),
  version: versionNumber,
  from: stage,
  to: stage,
  state: z.enum(REVIEW_STATES),
  requestedBy: z.string(),
  requestedAt: z.string(),
  contentHash: z.string().regex(/^[0-9a-f]{64}$/),
  base: versionNumber.nullable(),
  needed: z.int().min(1).max(3),
  approvals: z.array(vote),
  rejections: z.array(vote),
  appliedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
});
export const reviewsSchema = z.strictObject({ reviews: z.array(reviewSchema), next: z.string().nullable() });

/**
 * The evidence: the diff against `base` with the contract changes, and the latest test and the
 * newest finished comparison of exactly this content.
 */
const evidenceSchema = z.strictObject({
  diff: z.string().nullable(),
  contract: compareSchema.shape.contract,
  latestRun: testRunSchema.nullable(),
  comparison: z
    .strictObject({
      id: z.int(),
      url: z.string(),
      baseline: versionNumber,
      summary: z.string().nullable(),
      finishedAt: z.string().nullable(),
    })
    .nullable(),
});
export const reviewWithEvidenceSchema = reviewSchema.extend({ evidence: evidenceSchema });

export const auditSchema = z.strictObject({
  moves: z.array(
    z.strictObject({
      at: z.string(),
      prompt: z.string(),
      stage,
      from: versionNumber.nullable(),
      to: versionNumber.nullable(),
      actor: z.string(),
      review: z.int().nullable(),
    }),
  ),
  next: z.string().nullable(),
});

export const reviewJson = (review: Review) => reviewSchema.parse(review);

export function reviewWithEvidenceJson(review: Review, evidence: ReviewEvidence) {
  const { comparison, latestRun, latestComparison: compared } = evidence;
  return reviewWithEvidenceSchema.parse({
    ...review,
    evidence: {
      diff: comparison?.diff ?? null,
      contract: comparison?.contract ?? [],
      latestRun,
      comparison: compared && {
        id: compared.id,
        url: comparisonUrl(review.prompt, compared.id),
        baseline: compared.baseline.version,
        summary: compared.summary?.line ?? null,
        finishedAt: compared.finishedAt,
      },
    },
  });
}

/** One CSV field: quoted when it holds a comma, quote or line break; formulas defused for spreadsheets. */
function csvField(value: string | number | null): string {
  if (value === null) return "";
  const text = String(value);
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** The audit as CSV (RFC 4180, CRLF line ends), one header line. */
export function auditCsv(moves: StageMove[]): string {
  const header = ["at", "prompt", "stage", "from", "to", "actor", "review"];
  const lines = moves.map((m) => [m.at, m.prompt, m.stage, m.from, m.to, m.actor, m.review].map(csvField).join(","));
  return `${[header.join(","), ...lines].join("\r\n")}\r\n`;
}

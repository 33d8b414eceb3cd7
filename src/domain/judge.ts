import { parseJsonOutput, quote } from "./assertions.js";

/** A judge's grade as the grader must answer it: `{score: 0..1, reason}`. */
export interface Grade {
  score: number;
  reason: string;
}

/**
 * Reads a grader's answer. Anything but a JSON object with a `score` from 0 to 1 and a
 * non-empty `reason` is malformed: the case errs saying so, it never passes by default.
 * One surrounding Markdown code fence is allowed, as for `json` assertions.
 */
export function parseGrade(answer: string): { ok: true; grade: Grade } | { ok: false; error: string } {
  const parsed = parseJsonOutput(answer);
  const got = `; the grader answered ${quote(answer.trim(), 120)}`;
  if (!parsed.ok) return { ok: false, error: `The judge's grade is not JSON${got}` };
  const value = parsed.value;
  if (value === null || typeof value !== "object" || Array.isArray(value))
    return { ok: false, error: `The judge's grade is not a JSON object {score, reason}${got}` };
  const { score, reason } = value as Record<string, unknown>;
  if (typeof score !== "number" || !Number.isFinite(score) || score < 0 || score > 1)
    return { ok: false, error: `The judge's grade has no score from 0 to 1${got}` };
  if (typeof reason !== "string" || reason.trim() === "")
    return { ok: false, error: `The judge's grade has no reason${got}` };
  return { ok: true, grade: { score, reason: reason.trim().slice(0, 2000) } };
}

/** The message of a graded judge assertion. */
export function judgeMessage(grade: Grade, threshold: number): string {
  const passed = grade.score >= threshold;
  return `judge scored ${grade.score} (${passed ? "at least" : "below"} ${threshold}): ${grade.reason}`;
}

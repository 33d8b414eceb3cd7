import type { z } from "zod";
import { DomainError } from "../domain/errors.js";

/** Parses a service input, refusing it as `validation_failed` with one issue per bad field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join(".") || "(input)",
    message: issue.message,
  }));
  const first = issues[0];
  const message = first ? `${first.path}: ${first.message}` : "Invalid input";
  throw new DomainError("validation_failed", message, issues);
}

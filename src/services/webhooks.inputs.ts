import { z } from "zod";
import { EVENT_TYPES } from "../domain/events.js";
import { STAGES } from "../domain/stage.js";
import { MAX_WEBHOOK_URL } from "../domain/webhooks.js";

/** Each listed at most once, in the canonical order (so equal filters are stored alike). */
function setOf<T extends string>(all: readonly T[], item: z.ZodType<T>, what: string) {
  return z
    .array(item, `Give the ${what} as a list`)
    .max(all.length * 2, `At most ${all.length} ${what}`)
    .transform((chosen) => all.filter((x) => chosen.includes(x)));
}

const types = setOf(
  EVENT_TYPES,
  z.enum(EVENT_TYPES, `Use event types of the log: ${EVENT_TYPES.join(", ")}`),
  "event types",
);
const stages = setOf(
  STAGES,
  z
    .string()
    .transform((s) => s.toUpperCase())
    .pipe(z.enum(STAGES, "Use DEV, TST or PROD")),
  "stages",
);
const url = z.string("Give the URL to send to").max(MAX_WEBHOOK_URL, "Keep the URL under 2,000 characters");

/** A new webhook: the URL, and which event types and stages it takes (empty or absent: all). */
export const webhookCreateInput = z.object({
  url,
  types: types.default([]),
  stages: stages.default([]),
  active: z.boolean("Active is true or false").default(true),
});

/** A change to a webhook: any subset of its fields. */
export const webhookSaveInput = z.object({
  url: url.optional(),
  types: types.optional(),
  stages: stages.optional(),
  active: z.boolean("Active is true or false").optional(),
});

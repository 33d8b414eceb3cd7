import { z } from "zod";
import { EVENT_TYPES } from "../domain/events.js";
import { STAGES } from "../domain/stage.js";

/**
 * Reading the JSON the database keeps in text columns, for the store's own reads (the webhook
 * outbox, the change log). The services read theirs through services/columns.ts, which takes
 * `readColumn` and these schemas from here: one reader, one message, on every layer.
 */
export const STORED = {
  eventTypes: z.array(z.enum(EVENT_TYPES)),
  stages: z.array(z.enum(STAGES)),
  /** An event's detail: any JSON object (an import may bring any object at all). */
  detail: z.record(z.string(), z.unknown()),
};

/** A JSON column's text as the value its schema says; throws, naming `what`, when it is not. */
export function readColumn<T>(schema: z.ZodType<T>, text: string, what: string): T {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`The stored ${what} is not what it should be: not JSON (${(error as Error).message})`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new Error(`The stored ${what} is not what it should be: ${parsed.error.message}`);
  return parsed.data;
}

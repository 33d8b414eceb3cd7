import type { Kysely } from "kysely";
import type { Database, EventRow } from "../db/schema.js";
import type { EventType } from "../domain/events.js";
import { queueDeliveries } from "./outbox.store.js";

type Db = Kysely<Database>;

export type { EventType } from "../domain/events.js";

export interface NewEvent {
  promptId: number;
  at: string;
  actor: string;
  /** The label of the API token that made the change, kept in the detail (docs/accounts.md). */
  token?: string;
  type: EventType;
  version: string | null;
  detail: Record<string, unknown>;
}

/** A change to the server's settings (docs/accounts.md: stage environments, and later other settings): no prompt. */
export interface NewSettingsEvent {
  at: string;
  actor: string;
  token?: string;
  /** What changed, old and new values; never a key or a secret. */
  detail: Record<string, unknown>;
}

/** `settings.changed`: appended to the same log, with no prompt and no version. */
export async function appendSettingsEvent(db: Db, event: NewSettingsEvent): Promise<void> {
  await db
    .insertInto("events")
    .values({
      prompt_id: null,
      at: event.at,
      actor: event.actor,
      type: "settings.changed",
      version: null,
      detail: detailOf(event),
    })
    .execute();
}

function detailOf(event: { detail: Record<string, unknown>; token?: string }): string {
  return JSON.stringify(event.token === undefined ? event.detail : { ...event.detail, token: event.token });
}

/**
 * R11: the log only grows (triggers refuse UPDATE and DELETE). Every change appends its event
 * here, in its own transaction, so this is also where its webhook deliveries are queued
 * (docs/webhooks.md, the outbox): no change can forget them. The insert itself says whether any webhook is
 * active (a subquery in RETURNING), so a registry without webhooks pays no extra statement.
 */
export async function appendEvent(db: Db, event: NewEvent): Promise<void> {
  const row = await db
    .insertInto("events")
    .values(eventValues(event))
    .returning((eb) => [
      "id",
      eb.selectFrom("webhooks").select(eb.fn.countAll<number>().as("n")).where("active", "=", 1).as("hooks"),
    ])
    .executeTakeFirstOrThrow();
  if (Number(row.hooks) > 0) await queueDeliveries(db, { ...event, eventId: row.id });
}

/**
 * An event from another registry's log (import): appended as it was, and sent to no webhook —
 * it is history, not a change happening now.
 */
export async function appendPastEvent(db: Db, event: NewEvent): Promise<void> {
  await db.insertInto("events").values(eventValues(event)).execute();
}

function eventValues(event: NewEvent) {
  return {
    prompt_id: event.promptId,
    at: event.at,
    actor: event.actor,
    type: event.type,
    version: event.version,
    detail: detailOf(event),
  };
}

/** A prompt's events, newest first, keyset-paginated by id. */
export function listEvents(
  db: Db,
  promptId: number,
  opts: { before?: number | undefined; limit: number },
): Promise<EventRow[]> {
  let query = db
    .selectFrom("events")
    .selectAll()
    .where("prompt_id", "=", promptId)
    .orderBy("id", "desc")
    .limit(opts.limit);
  if (opts.before !== undefined) query = query.where("id", "<", opts.before);
  return query.execute();
}

import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import type { Database } from "../db/schema.js";
import { parseVersion } from "../domain/version-number.js";
import { deliveryJson, wants } from "../domain/webhooks.js";
import { readColumn, STORED } from "./columns.js";

type Db = Kysely<Database>;

/** An event as it was appended, with its id. */
export interface AppendedEvent {
  eventId: number;
  promptId: number;
  at: string;
  actor: string;
  type: string;
  version: string | null;
  detail: Record<string, unknown>;
}

/**
 * docs/webhooks.md, the outbox: one pending delivery per active webhook that wants this event, written
 * with the event in the change's own transaction, so a crash loses none and a refused change
 * queues none. Called by appendEvent only when an active webhook exists.
 */
export async function queueDeliveries(db: Db, event: AppendedEvent): Promise<void> {
  const hooks = await db.selectFrom("webhooks").select(["id", "types", "stages"]).where("active", "=", 1).execute();
  const facts = await promptAndStage(db, event.promptId, event.version);
  const matching = hooks.filter((h) =>
    wants(
      {
        types: readColumn(STORED.eventTypes, h.types, "webhook types"),
        stages: readColumn(STORED.stages, h.stages, "webhook stages"),
      },
      event.type,
      facts.stage,
    ),
  );
  if (matching.length === 0) return;
  const rows = matching.map((hook) => {
    const uuid = randomUUID();
    const { type, at, actor, version, detail } = event;
    const body = deliveryJson({
      id: uuid,
      type,
      at,
      actor,
      prompt: facts.name,
      version,
      stage: facts.stage,
      data: detail,
    });
    return {
      uuid,
      webhook_id: hook.id,
      event_id: event.eventId,
      type,
      body,
      status: "pending" as const,
      attempts: 0,
      next_attempt_at: at,
      created_at: at,
    };
  });
  await db.insertInto("webhook_deliveries").values(rows).execute();
}

/**
 * The prompt's name and the version's stage after the change. A version missing from the table
 * was just deleted, and R9 deletes only DEV drafts: its stage was DEV.
 */
async function promptAndStage(db: Db, promptId: number, version: string | null) {
  const number = version === null ? null : parseVersion(version);
  const row = await db
    .selectFrom("prompts as p")
    .leftJoin("versions as v", (join) =>
      join
        .onRef("v.prompt_id", "=", "p.id")
        .on("v.major", "=", number?.major ?? -1)
        .on("v.minor", "=", number?.minor ?? -1),
    )
    .select(["p.name", "v.stage"])
    .where("p.id", "=", promptId)
    .executeTakeFirstOrThrow();
  return { name: row.name, stage: number ? (row.stage ?? "DEV") : null };
}

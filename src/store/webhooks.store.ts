import type { Insertable, Kysely, Updateable } from "kysely";
import type { AttemptRow, Database, DeliveryRow, WebhookRow, WebhooksTable } from "../db/schema.js";

type Db = Kysely<Database>;

export async function insertWebhook(db: Db, row: Insertable<WebhooksTable>): Promise<number> {
  const { id } = await db.insertInto("webhooks").values(row).returning("id").executeTakeFirstOrThrow();
  return id;
}

export function findWebhook(db: Db, id: number): Promise<WebhookRow | undefined> {
  return db.selectFrom("webhooks").selectAll().where("id", "=", id).executeTakeFirst();
}

export function listWebhooks(db: Db): Promise<WebhookRow[]> {
  return db.selectFrom("webhooks").selectAll().orderBy("id").execute();
}

export async function countWebhooks(db: Db): Promise<number> {
  const { n } = await db
    .selectFrom("webhooks")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(n);
}

export async function updateWebhook(db: Db, id: number, changes: Updateable<WebhooksTable>): Promise<void> {
  await db.updateTable("webhooks").set(changes).where("id", "=", id).execute();
}

/** Its deliveries and their log go with it (ON DELETE CASCADE). */
export async function deleteWebhook(db: Db, id: number): Promise<void> {
  await db.deleteFrom("webhooks").where("id", "=", id).execute();
}

/** A new delivery that no event caused (a test): `lease` set when its sender holds it already. */
export async function insertDelivery(
  db: Db,
  row: Pick<DeliveryRow, "uuid" | "webhook_id" | "type" | "body" | "next_attempt_at" | "created_at"> & {
    lease_token: string | null;
    lease_until: string | null;
  },
): Promise<number> {
  const values = { ...row, event_id: null, status: "pending" as const, attempts: 0 };
  const { id } = await db.insertInto("webhook_deliveries").values(values).returning("id").executeTakeFirstOrThrow();
  return id;
}

/** A webhook's deliveries, newest first, keyset-paginated by id. */
export function listDeliveries(
  db: Db,
  webhookId: number,
  opts: { before?: number | undefined; limit: number },
): Promise<DeliveryRow[]> {
  let query = db
    .selectFrom("webhook_deliveries")
    .selectAll()
    .where("webhook_id", "=", webhookId)
    .orderBy("id", "desc")
    .limit(opts.limit);
  if (opts.before !== undefined) query = query.where("id", "<", opts.before);
  return query.execute();
}

/** The newest delivery of each webhook given (for the list of webhooks). */
export function latestDeliveries(db: Db, webhookIds: number[]): Promise<DeliveryRow[]> {
  if (webhookIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom("webhook_deliveries as d")
    .selectAll("d")
    .where("d.id", "in", (eb) =>
      eb
        .selectFrom("webhook_deliveries")
        .select((e) => e.fn.max("id").as("id"))
        .where("webhook_id", "in", webhookIds)
        .groupBy("webhook_id"),
    )
    .execute();
}

export function findDelivery(db: Db, webhookId: number, uuid: string): Promise<DeliveryRow | undefined> {
  return db
    .selectFrom("webhook_deliveries")
    .selectAll()
    .where("webhook_id", "=", webhookId)
    .where("uuid", "=", uuid)
    .executeTakeFirst();
}

export function findDeliveryById(db: Db, id: number): Promise<DeliveryRow | undefined> {
  return db.selectFrom("webhook_deliveries").selectAll().where("id", "=", id).executeTakeFirst();
}

/** The attempts of these deliveries, oldest first. */
export function attemptsOf(db: Db, deliveryIds: number[]): Promise<AttemptRow[]> {
  if (deliveryIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom("webhook_attempts")
    .selectAll()
    .where("delivery_id", "in", deliveryIds)
    .orderBy("delivery_id")
    .orderBy("id")
    .execute();
}

/** Queued again from the start of the backoff, due now; a lease held by a sender stays its own. */
export async function requeueDelivery(db: Db, id: number, now: string): Promise<void> {
  await db
    .updateTable("webhook_deliveries")
    .set({ status: "pending", attempts: 0, next_attempt_at: now, finished_at: null })
    .where("id", "=", id)
    .execute();
}

/** A delivery a sender holds, with what it needs to send it. */
export interface ClaimedRow extends DeliveryRow {
  url: string;
  secret: string;
  lease_token: string;
}

/**
 * Leases up to `limit` due deliveries of active webhooks to `token` until `until`, at most
 * `perWebhook` leased at once per webhook (those leased already, by any process, included):
 * each webhook is its own queue, oldest due first, so a slow receiver holds only its own
 * deliveries back. The UPDATE repeats the conditions it claims under, so that of two processes
 * racing for one row only one gets it: SQLite runs the statement under its write lock, and
 * PostgreSQL rechecks the WHERE of a row another transaction changed before updating it; run
 * in one transaction (deliveries.service.ts), the count of leases holds across processes too.
 */
export async function claimDue(
  db: Db,
  opts: { now: string; until: string; token: string; limit: number; perWebhook: number },
): Promise<ClaimedRow[]> {
  const leased = db
    .selectFrom("webhook_deliveries")
    .select(["webhook_id", (eb) => eb.fn.countAll<number>().as("n")])
    .where("status", "=", "pending")
    .where("lease_until", ">", opts.now)
    .groupBy("webhook_id");
  const ranked = db
    .selectFrom("webhook_deliveries as d")
    .innerJoin("webhooks as w", "w.id", "d.webhook_id")
    .leftJoin(leased.as("l"), "l.webhook_id", "d.webhook_id")
    .select((eb) => [
      "d.id",
      "d.next_attempt_at",
      eb.fn
        .agg<number>("row_number")
        .over((ob) => ob.partitionBy("d.webhook_id").orderBy("d.next_attempt_at").orderBy("d.id"))
        .as("place"),
      eb.fn.coalesce("l.n", eb.lit(0)).as("busy"),
    ])
    .where("d.status", "=", "pending")
    .where("d.next_attempt_at", "<=", opts.now)
    .where((eb) => eb.or([eb("d.lease_until", "is", null), eb("d.lease_until", "<=", opts.now)]))
    .where("w.active", "=", 1);
  const due = await db
    .selectFrom(ranked.as("r"))
    .select("r.id")
    .where((eb) => eb(eb("r.place", "+", eb.ref("r.busy")), "<=", opts.perWebhook))
    .orderBy("r.next_attempt_at")
    .orderBy("r.id")
    .limit(opts.limit)
    .execute();
  if (due.length === 0) return [];
  const claimed = await db
    .updateTable("webhook_deliveries")
    .set({ lease_token: opts.token, lease_until: opts.until })
    .where(
      "id",
      "in",
      due.map((d) => d.id),
    )
    .where("status", "=", "pending")
    .where((eb) => eb.or([eb("lease_until", "is", null), eb("lease_until", "<=", opts.now)]))
    .returning("id")
    .execute();
  if (claimed.length === 0) return [];
  const rows = await db
    .selectFrom("webhook_deliveries as d")
    .innerJoin("webhooks as w", "w.id", "d.webhook_id")
    .selectAll("d")
    .select(["w.url", "w.secret"])
    .where(
      "d.id",
      "in",
      claimed.map((c) => c.id),
    )
    .where("d.lease_token", "=", opts.token)
    .orderBy("d.next_attempt_at")
    .execute();
  return rows as ClaimedRow[];
}

/** What an attempt changes in its delivery: the next state, and the attempt for the log. */
export interface AttemptRecord {
  status: DeliveryRow["status"];
  attempts: number;
  nextAttemptAt: string;
  finishedAt: string | null;
  attempt: Omit<AttemptRow, "id" | "delivery_id">;
}

/**
 * Records an attempt made under `token`'s lease and gives the lease back. The state changes
 * only while the lease is still this sender's (it may have run out and been taken, or the
 * delivery redelivered); the attempt is logged as long as the delivery exists. Answers whether
 * the state changed.
 */
export async function recordAttempt(db: Db, id: number, token: string, record: AttemptRecord): Promise<boolean> {
  const changed = await db
    .updateTable("webhook_deliveries")
    .set({
      status: record.status,
      attempts: record.attempts,
      next_attempt_at: record.nextAttemptAt,
      finished_at: record.finishedAt,
      lease_token: null,
      lease_until: null,
    })
    .where("id", "=", id)
    .where("lease_token", "=", token)
    .executeTakeFirst();
  if (Number(changed.numUpdatedRows) === 0 && !(await findDeliveryById(db, id))) return false;
  await db
    .insertInto("webhook_attempts")
    .values({ ...record.attempt, delivery_id: id })
    .execute();
  return Number(changed.numUpdatedRows) > 0;
}

/** Keeps a webhook's newest `keep` deliveries that are done; older finished ones go with their log. */
export async function pruneDeliveries(db: Db, webhookId: number, keep: number): Promise<void> {
  const edge = await db
    .selectFrom("webhook_deliveries")
    .select("id")
    .where("webhook_id", "=", webhookId)
    .orderBy("id", "desc")
    .offset(keep)
    .limit(1)
    .executeTakeFirst();
  if (!edge) return;
  await db
    .deleteFrom("webhook_deliveries")
    .where("webhook_id", "=", webhookId)
    .where("id", "<=", edge.id)
    .where("status", "<>", "pending")
    .execute();
}

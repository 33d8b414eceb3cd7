import { type Kysely, sql } from "kysely";

/**
 * Webhooks (docs/webhooks.md). `webhooks` holds each receiver and its signing secret (kept as it is: an
 * HMAC needs the secret itself; it is shown once, never exported and never logged).
 * `webhook_deliveries` is the outbox: a change writes its deliveries in its own transaction,
 * and the server's worker sends them after commit, claiming each with a lease so that two
 * processes never send one delivery at the same time. `webhook_attempts` logs every attempt.
 * Deleting a webhook deletes its deliveries and their log.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("webhooks")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("url", "text", (c) => c.notNull())
    .addColumn("secret", "text", (c) => c.notNull())
    // JSON arrays of event types and stages; empty means all.
    .addColumn("types", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("stages", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("active", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addCheckConstraint("webhooks_url", sql`(url GLOB 'http://?*' OR url GLOB 'https://?*') AND length(url) <= 2000`)
    .addCheckConstraint("webhooks_secret", sql`length(secret) >= 32`)
    .addCheckConstraint("webhooks_types", sql`json_valid(types) AND json_type(types) = 'array'`)
    .addCheckConstraint("webhooks_stages", sql`json_valid(stages) AND json_type(stages) = 'array'`)
    .addCheckConstraint("webhooks_active", sql`active IN (0, 1)`)
    .execute();

  await db.schema
    .createTable("webhook_deliveries")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    // The delivery id receivers see (Promptrail-Delivery, the body's `id`) and dedupe by.
    .addColumn("uuid", "text", (c) => c.notNull().unique())
    .addColumn("webhook_id", "integer", (c) => c.notNull().references("webhooks.id").onDelete("cascade"))
    // Null for a test delivery (`ping`), which no event caused.
    .addColumn("event_id", "integer", (c) => c.references("events.id"))
    .addColumn("type", "text", (c) => c.notNull())
    // The JSON body, fixed when the change commits: every attempt sends the same bytes.
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull().defaultTo("pending"))
    // Attempts since the delivery was queued (or redelivered): the position in the backoff.
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("next_attempt_at", "text", (c) => c.notNull())
    .addColumn("lease_token", "text")
    .addColumn("lease_until", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("finished_at", "text")
    .addCheckConstraint("webhook_deliveries_status", sql`status IN ('pending', 'delivered', 'failed')`)
    .addCheckConstraint("webhook_deliveries_body", sql`json_valid(body) AND json_type(body) = 'object'`)
    .addCheckConstraint("webhook_deliveries_attempts", sql`attempts >= 0`)
    .addCheckConstraint(
      "webhook_deliveries_lease",
      sql`(lease_token IS NULL) = (lease_until IS NULL) AND (status = 'pending' OR lease_token IS NULL)`,
    )
    .execute();
  await db.schema
    .createIndex("webhook_deliveries_due")
    .on("webhook_deliveries")
    .columns(["status", "next_attempt_at"])
    .execute();
  await db.schema
    .createIndex("webhook_deliveries_by_webhook")
    .on("webhook_deliveries")
    .columns(["webhook_id", "id"])
    .execute();

  await db.schema
    .createTable("webhook_attempts")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("delivery_id", "integer", (c) => c.notNull().references("webhook_deliveries.id").onDelete("cascade"))
    .addColumn("at", "text", (c) => c.notNull())
    // The answer's HTTP status; null when there was none (refused, timed out, unreachable).
    .addColumn("http_status", "integer")
    .addColumn("duration_ms", "integer", (c) => c.notNull())
    .addColumn("error", "text")
    // The first 1 KiB of the answer's body.
    .addColumn("response", "text")
    .addCheckConstraint("webhook_attempts_duration", sql`duration_ms >= 0`)
    .addCheckConstraint("webhook_attempts_response", sql`response IS NULL OR length(response) <= 1024`)
    .addCheckConstraint("webhook_attempts_error", sql`error IS NULL OR length(error) <= 1000`)
    .execute();
  await db.schema
    .createIndex("webhook_attempts_by_delivery")
    .on("webhook_attempts")
    .columns(["delivery_id", "id"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ["webhook_attempts", "webhook_deliveries", "webhooks"]) {
    await db.schema.dropTable(table).execute();
  }
}

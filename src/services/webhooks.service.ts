import { randomBytes, randomUUID } from "node:crypto";
import type { AttemptRow, DeliveryRow, WebhookRow } from "../db/schema.js";
import { DomainError } from "../domain/errors.js";
import { checkWebhookUrl, deliveryJson } from "../domain/webhooks.js";
import type { Delivery, Webhook, WebhookDetail, WebhookSummary } from "../model/webhook.model.js";
import { appendSettingsEvent } from "../store/events.store.js";
import {
  attemptsOf,
  countWebhooks,
  deleteWebhook,
  findDelivery,
  findWebhook,
  insertDelivery,
  insertWebhook,
  latestDeliveries,
  listDeliveries,
  listWebhooks,
  requeueDelivery,
  updateWebhook,
} from "../store/webhooks.store.js";
import { COLUMNS, readColumn } from "./columns.js";
import { type Actor, isoNow, LOCAL } from "./context.js";
import { createDeliveriesService, type WebhookDeps } from "./deliveries.service.js";
import { idPageInput } from "./inputs.js";
import { parseInput } from "./parse.js";
import { inTransaction, type Tx } from "./transaction.js";
import { webhookCreateInput, webhookSaveInput } from "./webhooks.inputs.js";

/** Every change is delivered to every webhook that wants it: a registry keeps this many at most. */
export const MAX_WEBHOOKS = 50;

/** A new signing secret: 24 random bytes, recognisable by its prefix in a secret scanner. */
const newSecret = () => `whsec_${randomBytes(24).toString("base64url")}`;

function rowToWebhook(row: WebhookRow): Webhook {
  return {
    id: row.id,
    url: row.url,
    types: readColumn(COLUMNS.eventTypes, row.types, "webhook types"),
    stages: readColumn(COLUMNS.stages, row.stages, "webhook stages"),
    active: row.active === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** What a settings event records of a webhook: everything but its secret. */
const settingsOf = ({ url, types, stages, active }: Webhook) => ({ url, types, stages, active });

export function createWebhooksService(deps: WebhookDeps) {
  const { db } = deps;
  const deliveries = createDeliveriesService(deps);
  const { allowPrivate } = deliveries.settings;

  async function requireWebhook(tx: Tx, id: string | number): Promise<WebhookRow> {
    const number = typeof id === "number" ? id : /^[1-9]\d{0,15}$/.test(id) ? Number(id) : null;
    const row = number === null ? undefined : await findWebhook(tx, number);
    if (!row) throw new DomainError("not_found", `No webhook ${String(id)}`);
    return row;
  }

  function checkUrl(raw: string): string {
    const checked = checkWebhookUrl(raw, allowPrivate);
    if (!checked.ok)
      throw new DomainError("validation_failed", `url: ${checked.error}`, [{ path: "url", message: checked.error }]);
    return checked.url;
  }

  /** Rows with their attempts, for a page of the log. */
  async function withLog(tx: Tx, rows: DeliveryRow[]): Promise<Delivery[]> {
    const attempts = await attemptsOf(
      tx,
      rows.map((r) => r.id),
    );
    return rows.map((row) =>
      rowToDelivery(
        row,
        attempts.filter((a) => a.delivery_id === row.id),
      ),
    );
  }

  return {
    /** Every webhook with its newest delivery. */
    async list(): Promise<WebhookSummary[]> {
      const rows = await listWebhooks(db);
      const latest = await latestDeliveries(
        db,
        rows.map((r) => r.id),
      );
      const logged = await withLog(db, latest);
      return rows.map((row) => {
        const at = latest.findIndex((d) => d.webhook_id === row.id);
        return { ...rowToWebhook(row), latest: logged[at] ?? null };
      });
    },

    /** A webhook and one page of its deliveries, newest first (`limit`, `cursor`). */
    async get(id: string, input: unknown = {}): Promise<WebhookDetail> {
      const { limit, cursor } = parseInput(idPageInput, input);
      const row = await requireWebhook(db, id);
      const rows = await listDeliveries(db, row.id, { before: cursor, limit: limit + 1 });
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        webhook: rowToWebhook(row),
        deliveries: await withLog(db, page),
        nextCursor: rows.length > limit && last ? last.id : null,
      };
    },

    /** A new webhook and its secret, which is never shown again. A `settings.changed` event, without it. */
    async create(input: unknown, by: Actor = LOCAL): Promise<{ webhook: Webhook; secret: string }> {
      const parsed = parseInput(webhookCreateInput, input);
      const url = checkUrl(parsed.url);
      return inTransaction(db, async (tx) => {
        if ((await countWebhooks(tx)) >= MAX_WEBHOOKS)
          throw new DomainError("validation_failed", `At most ${MAX_WEBHOOKS} webhooks: delete one you no longer use`);
        const now = isoNow(deps);
        const secret = newSecret();
        const id = await insertWebhook(tx, {
          url,
          secret,
          types: JSON.stringify(parsed.types),
          stages: JSON.stringify(parsed.stages),
          active: parsed.active ? 1 : 0,
          created_at: now,
          updated_at: now,
        });
        const webhook = rowToWebhook(await requireWebhook(tx, id));
        await appendSettingsEvent(tx, {
          at: now,
          actor: by.actor,
          detail: { webhook: id, action: "created", new: settingsOf(webhook) },
        });
        return { webhook, secret };
      });
    },

    /** Changes any subset of URL, types, stages and active; the secret stays. */
    async save(id: string, input: unknown, by: Actor = LOCAL): Promise<Webhook> {
      const parsed = parseInput(webhookSaveInput, input);
      const url = parsed.url === undefined ? undefined : checkUrl(parsed.url);
      return inTransaction(db, async (tx) => {
        const old = rowToWebhook(await requireWebhook(tx, id));
        const now = isoNow(deps);
        await updateWebhook(tx, old.id, {
          ...(url !== undefined && { url }),
          ...(parsed.types !== undefined && { types: JSON.stringify(parsed.types) }),
          ...(parsed.stages !== undefined && { stages: JSON.stringify(parsed.stages) }),
          ...(parsed.active !== undefined && { active: parsed.active ? 1 : 0 }),
          updated_at: now,
        });
        const saved = rowToWebhook(await requireWebhook(tx, old.id));
        await appendSettingsEvent(tx, {
          at: now,
          actor: by.actor,
          detail: { webhook: old.id, action: "saved", old: settingsOf(old), new: settingsOf(saved) },
        });
        return saved;
      });
    },

    /** Deletes a webhook with its deliveries and their log. */
    async delete(id: string, by: Actor = LOCAL): Promise<{ deleted: number }> {
      return inTransaction(db, async (tx) => {
        const old = rowToWebhook(await requireWebhook(tx, id));
        await deleteWebhook(tx, old.id);
        await appendSettingsEvent(tx, {
          at: isoNow(deps),
          actor: by.actor,
          detail: { webhook: old.id, action: "deleted", old: settingsOf(old) },
        });
        return { deleted: old.id };
      });
    },

    /**
     * Sends a `ping` delivery now, once, and answers it with its attempt: whether the receiver
     * is reachable and checks signatures, active or not. It is held by this request from the
     * start, so the worker never sends it too.
     */
    async test(id: string, by: Actor = LOCAL): Promise<Delivery> {
      const row = await requireWebhook(db, id);
      const now = isoNow(deps);
      const uuid = randomUUID();
      const token = randomUUID();
      const body = deliveryJson({
        id: uuid,
        type: "ping",
        at: now,
        actor: by.actor,
        prompt: null,
        version: null,
        stage: null,
        data: { webhook: row.id },
      });
      const lease = new Date(Date.parse(now) + deliveries.settings.leaseMs).toISOString();
      const fields = { uuid, webhook_id: row.id, type: "ping", body, next_attempt_at: now, created_at: now };
      const deliveryId = await insertDelivery(db, { ...fields, lease_token: token, lease_until: lease });
      const claimed = {
        ...fields,
        id: deliveryId,
        event_id: null,
        status: "pending" as const,
        attempts: 0,
        lease_token: token,
        lease_until: lease,
        finished_at: null,
        url: row.url,
        secret: row.secret,
      };
      await deliveries.attempt(claimed, { retry: false });
      return requireDelivery(row.id, uuid);
    },

    /** Queues a delivery again, due now, from the start of the backoff (same id: receivers may dedupe it). */
    async redeliver(id: string, deliveryId: string): Promise<Delivery> {
      const row = await requireWebhook(db, id);
      await inTransaction(db, async (tx) => {
        const delivery = await findDelivery(tx, row.id, deliveryId);
        if (!delivery) throw new DomainError("not_found", `Webhook ${row.id} has no delivery ${deliveryId}`);
        await requeueDelivery(tx, delivery.id, isoNow(deps));
      });
      return requireDelivery(row.id, deliveryId);
    },
  };

  async function requireDelivery(webhookId: number, uuid: string): Promise<Delivery> {
    const row = await findDelivery(db, webhookId, uuid);
    if (!row) throw new DomainError("not_found", `Webhook ${webhookId} has no delivery ${uuid}`);
    return rowToDelivery(row, await attemptsOf(db, [row.id]));
  }
}

function rowToDelivery(row: DeliveryRow, attempts: AttemptRow[]): Delivery {
  const body = readColumn(COLUMNS.deliveryBody, row.body, "delivery body");
  return {
    id: row.uuid,
    type: row.type,
    prompt: body.prompt ?? null,
    version: body.version ?? null,
    stage: body.stage ?? null,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.status === "pending" ? row.next_attempt_at : null,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
    log: attempts.map((a) => ({
      at: a.at,
      status: a.http_status,
      durationMs: a.duration_ms,
      error: a.error,
      response: a.response,
    })),
  };
}

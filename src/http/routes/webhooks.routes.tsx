import { type Context, Hono } from "hono";
import { DeliveryLog } from "../../../views/fragments/delivery-log.js";
import type { WebhookDraft } from "../../../views/fragments/webhook-form.js";
import { Flash, type FlashMessage } from "../../../views/layout.js";
import { DeleteWebhookPage, WebhookPage } from "../../../views/pages/webhook.page.js";
import { WebhooksPage } from "../../../views/pages/webhooks.page.js";
import type { DomainError } from "../../domain/errors.js";
import type { Delivery, Webhook } from "../../model/webhook.model.js";
import type { Services } from "../../services/index.js";
import { actorOf } from "../auth.js";
import { navigateAfterPost, redirectAfterPost, setFlash, takeFlash } from "../flash.js";
import { messageForPeople } from "../for-people.js";
import { withFormErrors } from "../form.js";
import { isForm, readForm, readInput } from "../input.js";
import {
  deletedSchema,
  deliverySchema,
  webhookCreatedSchema,
  webhookDetailSchema,
  webhookSchema,
  webhooksSchema,
} from "../json.js";
import { negotiate } from "../negotiate.js";
import { fragment, page } from "../render.js";
import { type ShownOnce, showOnce, takeShownOnce } from "../show-once.js";
import { nextUrl, pageQuery } from "./paging.js";

const BASE = "/settings/webhooks";
const HOOK = `${BASE}/:id`;

const webhookJson = ({ id, url, types, stages, active }: Webhook) =>
  webhookSchema.parse({ id, url, types, stages, active });

const strings = (value: unknown): string[] =>
  (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter((v): v is string => typeof v === "string");

/**
 * A webhook from a JSON body (any subset), or from its form: the form always sends every field,
 * so a box left unchecked means "not chosen" (no types: every type) and no `active` means paused.
 */
async function readWebhook(c: Context): Promise<Record<string, unknown>> {
  if (!isForm(c)) return readInput(c);
  const form = await readForm(c, { all: true });
  return {
    url: strings(form.url)[0] ?? "",
    types: strings(form.types),
    stages: strings(form.stages),
    active: strings(form.active).includes("true"),
  };
}

function draftFrom(input: Record<string, unknown>, error: DomainError): WebhookDraft {
  return {
    url: String(input.url ?? ""),
    types: strings(input.types),
    stages: strings(input.stages),
    active: input.active === true,
    issues: error.issues ?? [],
  };
}

/** What an attempt came to, for the flash after Test. */
function testMessage(d: Delivery): FlashMessage {
  const last = d.log.at(-1);
  if (d.status === "delivered")
    return { kind: "ok", text: `Test delivered: HTTP ${last?.status} in ${last?.durationMs} ms` };
  const why = last?.error ?? "no attempt was made";
  return { kind: "error", text: `Test not delivered: ${why}` };
}

/** A new webhook's secret, shown once on its page after the form's redirect (show-once.ts). */
const secretOf = (id: number): ShownOnce => ({
  name: "promptrail_webhook_secret",
  path: `${BASE}/${id}`,
  shape: /^whsec_[A-Za-z0-9_-]{1,100}$/,
});

/** docs/webhooks.md: webhooks, under /settings (admin-only once accounts exist, docs/accounts.md). */
export function createWebhookRoutes(services: Services) {
  const { webhooks } = services;

  /** A webhook and the page of its deliveries the query asks for, with the next page's URL. */
  async function showWebhook(c: Context, id: string) {
    const paging = pageQuery(c);
    const detail = await webhooks.get(id, paging);
    const next = nextUrl(`${BASE}/${detail.webhook.id}`, detail.nextCursor?.toString() ?? null, {
      limit: paging.limit,
    });
    return { detail, next };
  }

  /** After Test and Redeliver: htmx gets the log with the message; a form goes back to the webhook. */
  async function afterDeliveryAction(c: Context, id: string, delivery: Delivery, flash: FlashMessage) {
    if (negotiate(c) === "json") return c.json(deliverySchema.parse(delivery));
    if (negotiate(c) === "fragment") {
      const { detail, next } = await showWebhook(c, id);
      return fragment(
        c,
        <>
          <DeliveryLog webhookId={detail.webhook.id} deliveries={detail.deliveries} nextUrl={next} />
          <Flash flash={flash} oob />
        </>,
      );
    }
    setFlash(c, flash);
    return c.redirect(`${BASE}/${id}`, 303);
  }

  return new Hono()
    .get(BASE, async (c) => {
      const list = await webhooks.list();
      if (negotiate(c) === "json") return c.json(webhooksSchema.parse({ webhooks: list.map(webhookJson) }));
      return page(c, <WebhooksPage webhooks={list} flash={takeFlash(c)} />);
    })
    .post(BASE, async (c) => {
      const input = await readWebhook(c);
      return withFormErrors(
        c,
        ["validation_failed"],
        async () => {
          const { webhook, secret } = await webhooks.create(input, actorOf(c));
          c.header("Location", `${BASE}/${webhook.id}`);
          if (negotiate(c) === "json")
            return c.json(webhookCreatedSchema.parse({ ...webhookJson(webhook), secret }), 201);
          showOnce(c, secretOf(webhook.id), secret);
          return redirectAfterPost(c, `${BASE}/${webhook.id}`, "Webhook added: copy its signing secret now");
        },
        async (error) => {
          const flash = { kind: "error" as const, text: messageForPeople(error) };
          const list = await webhooks.list();
          return page(c, <WebhooksPage webhooks={list} draft={draftFrom(input, error)} flash={flash} />, 422);
        },
      );
    })
    .get(HOOK, async (c) => {
      const id = c.req.param("id");
      const { detail, next } = await showWebhook(c, id);
      const mode = negotiate(c);
      if (mode === "json")
        return c.json(
          webhookDetailSchema.parse({ ...webhookJson(detail.webhook), deliveries: detail.deliveries, next }),
        );
      if (mode === "fragment")
        return fragment(c, <DeliveryLog webhookId={detail.webhook.id} deliveries={detail.deliveries} nextUrl={next} />);
      const secret = takeShownOnce(c, secretOf(detail.webhook.id))?.[0];
      return page(c, <WebhookPage detail={detail} nextUrl={next} secret={secret} flash={takeFlash(c)} />);
    })
    .post(`${HOOK}/save`, async (c) => {
      const id = c.req.param("id");
      const input = await readWebhook(c);
      return withFormErrors(
        c,
        ["validation_failed"],
        async () => {
          const saved = await webhooks.save(id, input, actorOf(c));
          if (negotiate(c) === "json") return c.json(webhookJson(saved));
          return redirectAfterPost(c, `${BASE}/${saved.id}`, "Webhook saved");
        },
        async (error) => {
          const { detail, next } = await showWebhook(c, id);
          const flash = { kind: "error" as const, text: messageForPeople(error) };
          return page(
            c,
            <WebhookPage detail={detail} nextUrl={next} draft={draftFrom(input, error)} flash={flash} />,
            422,
          );
        },
      );
    })
    .get(`${HOOK}/delete`, async (c) => {
      const { detail } = await showWebhook(c, c.req.param("id"));
      if (negotiate(c) === "json") return c.json(webhookJson(detail.webhook));
      return page(c, <DeleteWebhookPage webhook={detail.webhook} />);
    })
    .post(`${HOOK}/delete`, async (c) => {
      const result = await webhooks.delete(c.req.param("id"), actorOf(c));
      if (negotiate(c) === "json") return c.json(deletedSchema.parse(result));
      return navigateAfterPost(c, BASE, `Webhook ${result.deleted} deleted`);
    })
    .post(`${HOOK}/test`, async (c) => {
      const id = c.req.param("id");
      const delivery = await webhooks.test(id, actorOf(c));
      return afterDeliveryAction(c, id, delivery, testMessage(delivery));
    })
    .post(`${HOOK}/deliveries/:delivery/redeliver`, async (c) => {
      const { id, delivery: deliveryId } = c.req.param();
      const delivery = await webhooks.redeliver(id, deliveryId);
      return afterDeliveryAction(c, id, delivery, { kind: "ok", text: "Delivery queued again" });
    });
}

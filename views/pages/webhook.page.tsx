import type { Webhook, WebhookDetail } from "../../src/model/webhook.model.js";
import { DeliveryLog, LogAction } from "../fragments/delivery-log.js";
import { draftOf, type WebhookDraft, WebhookForm } from "../fragments/webhook-form.js";
import { type FlashMessage, Layout } from "../layout.js";

const crumbs = (
  <>
    <a href="/settings/webhooks">Webhooks</a>
  </>
);

/** The signing secret, right after the webhook was created: the only time it is shown. */
function SecretBox({ secret }: { secret: string }) {
  return (
    <section class="secret-box" aria-labelledby="secret-title">
      <h2 id="secret-title">Signing secret</h2>
      <p>
        Copy it now into your receiver's configuration: <strong>it will not be shown again.</strong> Receivers check
        each delivery's <code>Promptrail-Signature</code> with it (see docs/webhooks.md, Verifying a signature).
      </p>
      <div class="secret-row">
        <code id="webhook-secret" class="secret">
          {secret}
        </code>
        <button type="button" data-copy="webhook-secret" hidden>
          Copy
        </button>
      </div>
    </section>
  );
}

/** One webhook: its settings, Test and Delete, and its delivery log with Redeliver. */
export function WebhookPage({
  detail,
  nextUrl,
  secret,
  draft,
  flash,
}: {
  detail: WebhookDetail;
  nextUrl: string | null;
  /** Set only in the answer that created the webhook. */
  secret?: string | undefined;
  draft?: WebhookDraft | undefined;
  flash?: FlashMessage | null;
}) {
  const { webhook } = detail;
  const base = `/settings/webhooks/${webhook.id}`;
  return (
    <Layout title={`Webhook ${webhook.id}`} flash={flash} crumbs={crumbs}>
      <h1 class="webhook-title">
        Webhook <span class="webhook-url">{webhook.url}</span>
        {webhook.active ? null : <span class="status status-paused">Paused: deliveries wait</span>}
      </h1>
      {secret ? <SecretBox secret={secret} /> : null}
      <div class="webhook-layout">
        <div>
          <div class="button-bar webhook-actions">
            <LogAction id="webhook-test" url={`${base}/test`} label="Test" />
            <span class="muted small">
              Sends a signed <code>ping</code> now and logs the answer below.
            </span>
          </div>
          <DeliveryLog webhookId={webhook.id} deliveries={detail.deliveries} nextUrl={nextUrl} />
        </div>
        <aside class="create-form" aria-labelledby="edit-webhook-title">
          <h2 id="edit-webhook-title">Settings</h2>
          <WebhookForm id="edit-webhook" action={`${base}/save`} draft={draft ?? draftOf(webhook)} button="Save" />
          <form method="get" action={`${base}/delete`} class="inline-form delete-webhook">
            <button
              type="submit"
              class="danger"
              hx-post={`${base}/delete`}
              hx-confirm="Delete this webhook and its delivery log? Deliveries still pending are dropped."
            >
              Delete webhook
            </button>
          </form>
        </aside>
      </div>
    </Layout>
  );
}

/** Without JavaScript, Delete asks here first. */
export function DeleteWebhookPage({ webhook }: { webhook: Webhook }) {
  const base = `/settings/webhooks/${webhook.id}`;
  return (
    <Layout title={`Delete webhook ${webhook.id}`} crumbs={crumbs}>
      <section class="confirm" aria-labelledby="confirm-title">
        <h1 id="confirm-title">Delete this webhook?</h1>
        <p>
          {webhook.url} stops getting deliveries; its delivery log is deleted and deliveries still pending are dropped.
        </p>
        <form method="post" action={`${base}/delete`} class="confirm-actions">
          <button type="submit" class="danger">
            Delete webhook
          </button>
          <a class="button" href={base}>
            Cancel
          </a>
        </form>
      </section>
    </Layout>
  );
}

import { isStage } from "../../src/domain/stage.js";
import type { WebhookSummary } from "../../src/model/webhook.model.js";
import { StageBadge, TimeAgo } from "../components.js";
import { STATUS_TEXT } from "../fragments/delivery-log.js";
import { SettingsFrame } from "../fragments/settings-tabs.js";
import { EVENT_LABELS, type WebhookDraft, WebhookForm } from "../fragments/webhook-form.js";
import type { FlashMessage } from "../layout.js";

const EMPTY: WebhookDraft = { url: "", types: [], stages: [], active: true, issues: [] };

/** "every event" or the labels of the chosen ones. */
function TypesText({ types }: { types: string[] }) {
  if (types.length === 0) return <span>every event</span>;
  return <span>{types.map((t) => EVENT_LABELS[t as keyof typeof EVENT_LABELS] ?? t).join(", ")}</span>;
}

function StagesText({ stages }: { stages: string[] }) {
  if (stages.length === 0) return <span>every stage</span>;
  return (
    <span class="stage-list">
      {stages.filter(isStage).map((s) => (
        <StageBadge stage={s} />
      ))}
    </span>
  );
}

function WebhookRow({ hook }: { hook: WebhookSummary }) {
  const last = hook.latest;
  return (
    <tr>
      <th scope="row">
        <a class="webhook-url" href={`/settings/webhooks/${hook.id}`}>
          {hook.url}
        </a>
        {hook.active ? null : <span class="status status-paused">Paused</span>}
      </th>
      <td data-label="Events">
        <TypesText types={hook.types} />
      </td>
      <td data-label="Stages">
        <StagesText stages={hook.stages} />
      </td>
      <td data-label="Latest delivery">
        {last ? (
          <>
            <span class={`status status-${last.status}`}>{STATUS_TEXT[last.status]}</span> <code>{last.type}</code>{" "}
            <TimeAgo at={last.createdAt} />
          </>
        ) : (
          <span class="muted">none yet</span>
        )}
      </td>
    </tr>
  );
}

/** Settings › Webhooks: every webhook, and a form for a new one. */
export function WebhooksPage({
  webhooks,
  draft,
  flash,
}: {
  webhooks: WebhookSummary[];
  draft?: WebhookDraft | undefined;
  flash?: FlashMessage | null;
}) {
  return (
    <SettingsFrame current="webhooks" title="Webhooks" flash={flash}>
      <div class="list-layout webhooks-layout">
        <section aria-label="Your webhooks">
          <p class="muted">
            Promptrail POSTs each change to these URLs the moment it commits — a promotion or a rollback in PROD
            included — signed with the webhook's secret, and retries for about 9 hours until the receiver answers 2xx.
          </p>
          {webhooks.length === 0 ? (
            <p class="empty">
              No webhooks yet. Add one to tell your applications when a prompt changes, instead of having them poll.
            </p>
          ) : (
            <div class="table-scroll">
              <table class="list webhooks">
                <thead>
                  <tr>
                    <th scope="col">URL</th>
                    <th scope="col">Events</th>
                    <th scope="col">Stages</th>
                    <th scope="col">Latest delivery</th>
                  </tr>
                </thead>
                <tbody>
                  {webhooks.map((hook) => (
                    <WebhookRow hook={hook} />
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
        <section class="create-form" aria-labelledby="new-webhook-title">
          <h2 id="new-webhook-title">New webhook</h2>
          <WebhookForm id="new-webhook" action="/settings/webhooks" draft={draft ?? EMPTY} button="Add webhook" />
        </section>
      </div>
    </SettingsFrame>
  );
}

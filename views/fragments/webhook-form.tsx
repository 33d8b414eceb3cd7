import type { ErrorIssue } from "../../src/domain/errors.js";
import { EVENT_TYPES, type EventType } from "../../src/domain/events.js";
import { STAGES } from "../../src/domain/stage.js";
import type { Webhook } from "../../src/model/webhook.model.js";
import { StageBadge } from "../components.js";

/** What each event type means, in words (the code name is shown next to it). */
export const EVENT_LABELS: Record<EventType, string> = {
  "prompt.created": "Prompt created",
  "version.created": "Version created",
  "version.edited": "Draft edited",
  "version.promoted": "Version promoted",
  "version.deleted": "Draft deleted",
  "version.made_current": "Made current (a PROD rollback too)",
  "version.tested": "Version tested",
  "review.requested": "Review requested",
  "review.approved": "Review approved",
  "review.rejected": "Review rejected",
  "review.withdrawn": "Review withdrawn",
  "review.stale": "Review gone stale",
};

/** A webhook form as it was filled in, with why it was refused. */
export interface WebhookDraft {
  url: string;
  types: string[];
  stages: string[];
  active: boolean;
  issues: ErrorIssue[];
}

export const draftOf = (w: Webhook): WebhookDraft => ({ ...w, issues: [] });

/**
 * URL, event types and stages as checkboxes (none checked: all), and Active. Works without
 * JavaScript; the same form creates (`action` /settings/webhooks) and saves a webhook.
 */
export function WebhookForm({
  id,
  action,
  draft,
  button,
}: {
  id: string;
  action: string;
  draft: WebhookDraft;
  button: string;
}) {
  const issue = (path: string) => draft.issues.find((i) => i.path === path)?.message;
  return (
    <form method="post" action={action} class="webhook-form" data-guard>
      <label for={`${id}-url`}>Payload URL</label>
      <input
        id={`${id}-url`}
        name="url"
        type="url"
        required
        value={draft.url}
        placeholder="https://example.com/hooks/promptrail"
        aria-invalid={issue("url") ? "true" : undefined}
        aria-describedby={issue("url") ? `${id}-url-error` : undefined}
      />
      {issue("url") ? (
        <p class="field-error" id={`${id}-url-error`}>
          {issue("url")}
        </p>
      ) : null}
      <fieldset class="choices">
        <legend>Events</legend>
        <p class="muted small">None checked: every event.</p>
        {EVENT_TYPES.map((type) => (
          <label class="check">
            <input type="checkbox" name="types" value={type} checked={draft.types.includes(type)} />
            <span>
              {EVENT_LABELS[type]} <code>{type}</code>
            </span>
          </label>
        ))}
        {issue("types") ? <p class="field-error">{issue("types")}</p> : null}
      </fieldset>
      <fieldset class="choices choices-stages">
        <legend>Stages</legend>
        <p class="muted small">The version's stage after the change. None checked: every stage.</p>
        {STAGES.map((stage) => (
          <label class="check">
            <input type="checkbox" name="stages" value={stage} checked={draft.stages.includes(stage)} />{" "}
            <StageBadge stage={stage} />
          </label>
        ))}
        {issue("stages") ? <p class="field-error">{issue("stages")}</p> : null}
      </fieldset>
      <label class="check">
        <input type="checkbox" name="active" value="true" checked={draft.active} /> Active: send deliveries
      </label>
      <button type="submit" class="primary">
        {button}
      </button>
    </form>
  );
}

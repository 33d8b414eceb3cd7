import { isStage } from "../../src/domain/stage.js";
import type { Delivery, DeliveryAttempt } from "../../src/model/webhook.model.js";
import { StageBadge, TimeAgo } from "../components.js";

export const STATUS_TEXT = { pending: "Pending", delivered: "Delivered", failed: "Failed" } as const;

/** "in 40 s" / "in 5 min", with the exact time on hover; "now" once due. */
function TimeUntil({ at, now }: { at: string; now: Date }) {
  const seconds = Math.round((Date.parse(at) - now.getTime()) / 1000);
  const label =
    seconds <= 0
      ? "now"
      : seconds < 90
        ? `in ${seconds} s`
        : seconds < 5400
          ? `in ${Math.round(seconds / 60)} min`
          : `in ${Math.round(seconds / 3600)} h`;
  return (
    <time datetime={at} title={new Date(at).toUTCString()}>
      {label}
    </time>
  );
}

/** One attempt's outcome in a few words: "HTTP 204 · 12 ms" or its error. */
function outcomeOf(a: DeliveryAttempt): string {
  const status = a.status === null ? "no answer" : `HTTP ${a.status}`;
  return `${status} · ${a.durationMs} ms`;
}

function Attempts({ log, now }: { log: DeliveryAttempt[]; now: Date }) {
  if (log.length === 0) return <p class="muted small">No attempt yet.</p>;
  return (
    <div class="table-scroll">
      <table class="list attempts">
        <thead>
          <tr>
            <th scope="col">Attempt</th>
            <th scope="col">Answer</th>
            <th scope="col">Error, or the start of the answer</th>
          </tr>
        </thead>
        <tbody>
          {log.map((a) => (
            <tr>
              <td>
                <TimeAgo at={a.at} now={now} />
              </td>
              <td class="nowrap">{outcomeOf(a)}</td>
              <td>
                {a.error ? <p class="attempt-error">{a.error}</p> : null}
                {a.response ? <pre class="attempt-answer">{a.response}</pre> : null}
                {!a.error && !a.response ? <span class="muted">—</span> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A button that posts an action and shows the log it changed (htmx), or posts the form without JS. */
export function LogAction({ id, url, label }: { id: string; url: string; label: string }) {
  return (
    <form method="post" action={url} class="inline-form">
      <button type="submit" id={id} hx-post={url} hx-target="#deliveries" hx-swap="outerHTML" hx-disabled-elt="this">
        {label}
      </button>
    </form>
  );
}

function DeliveryItem({ webhookId, d, now }: { webhookId: number; d: Delivery; now: Date }) {
  const last = d.log.at(-1);
  const redeliver = `/settings/webhooks/${webhookId}/deliveries/${d.id}/redeliver`;
  return (
    <li class={`delivery delivery-${d.status}`}>
      <details>
        <summary>
          <span class={`status status-${d.status}`}>{STATUS_TEXT[d.status]}</span>{" "}
          <code class="delivery-type">{d.type}</code>{" "}
          {d.prompt ? (
            <span class="delivery-subject">
              {d.prompt}
              {d.version ? ` v${d.version}` : ""}
            </span>
          ) : null}{" "}
          {d.stage && isStage(d.stage) ? <StageBadge stage={d.stage} /> : null}{" "}
          <span class="muted delivery-facts">
            <TimeAgo at={d.createdAt} now={now} />
            {last ? ` · ${outcomeOf(last)}` : ""}
            {d.log.length > 1 ? ` · ${d.log.length} attempts` : ""}
            {d.status === "pending" && d.nextAttemptAt ? (
              <>
                {" · next attempt "}
                <TimeUntil at={d.nextAttemptAt} now={now} />
              </>
            ) : null}
          </span>
        </summary>
        <Attempts log={d.log} now={now} />
        <p class="muted small">
          Delivery <code>{d.id}</code>
        </p>
      </details>
      <LogAction id={`redeliver-${d.id}`} url={redeliver} label="Redeliver" />
    </li>
  );
}

/**
 * A webhook's deliveries, newest first, each with its attempts and Redeliver. While one is due
 * within a minute the region reloads itself every 2 s (htmx), so the page shows the truth.
 */
export function DeliveryLog({
  webhookId,
  deliveries,
  nextUrl,
  now = new Date(),
}: {
  webhookId: number;
  deliveries: Delivery[];
  nextUrl: string | null;
  now?: Date;
}) {
  const soon = deliveries.some(
    (d) => d.status === "pending" && d.nextAttemptAt !== null && Date.parse(d.nextAttemptAt) - now.getTime() < 60_000,
  );
  const self = `/settings/webhooks/${webhookId}`;
  return (
    <section
      id="deliveries"
      class="deliveries"
      aria-labelledby="deliveries-title"
      hx-get={soon ? self : undefined}
      hx-trigger={soon ? "every 2s" : undefined}
      hx-swap={soon ? "outerHTML" : undefined}
    >
      <h2 id="deliveries-title">Deliveries</h2>
      {deliveries.length === 0 ? (
        <p class="empty">
          No deliveries yet. Every change this webhook takes is sent here; <strong>Test</strong> sends a{" "}
          <code>ping</code>.
        </p>
      ) : (
        <ol class="delivery-list">
          {deliveries.map((d) => (
            <DeliveryItem webhookId={webhookId} d={d} now={now} />
          ))}
        </ol>
      )}
      {nextUrl ? (
        <p class="pager">
          <a href={nextUrl}>Older deliveries</a>
        </p>
      ) : null}
    </section>
  );
}

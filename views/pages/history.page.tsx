import type { HistoryEvent } from "../../src/model/history.model.js";
import { promptUrl, TimeAgo, versionUrl } from "../components.js";
import { PromptTabs } from "../fragments/prompt-tabs.js";
import { Layout } from "../layout.js";

/** What an event did, in words a person reads at a glance. */
function sentence(e: HistoryEvent): string {
  const v = e.version ? `v${e.version}` : "";
  const d = e.detail;
  switch (e.type) {
    case "prompt.created":
      return "created the prompt";
    case "version.created":
      return d.from ? `created ${v} from v${String(d.from)}${d.major ? " (major)" : ""}` : `created ${v}`;
    case "version.edited":
      return `edited ${v} → revision ${String(d.revision)}`;
    case "version.promoted":
      return `promoted ${v} ${String(d.from)} → ${String(d.to)}${d.replaced ? ` (replacing v${String(d.replaced)})` : ""}`;
    case "version.deleted":
      return `deleted draft ${v}`;
    case "version.made_current":
      return `made ${v} the current ${String(d.stage)}${d.replaced ? ` (was v${String(d.replaced)})` : ""}${d.stage === "PROD" ? " — rollback" : ""}`;
    case "version.tested":
      return `tested ${v}: ${String(d.status ?? "")}`;
    case "review.requested":
      return `asked for review of ${v} → ${String(d.to)} (review #${String(d.review)})`;
    case "review.approved":
      return `approved ${v} → ${String(d.to)} (review #${String(d.review)})`;
    case "review.rejected":
      return `rejected ${v} → ${String(d.to)} (review #${String(d.review)})`;
    case "review.withdrawn":
      return `withdrew the review of ${v} → ${String(d.to)} (review #${String(d.review)})`;
    case "review.stale":
      return `made review #${String(d.review)} of ${v} stale: ${String(d.why)}`;
    default:
      return `${e.type} ${v}`;
  }
}

const standsOut = (e: HistoryEvent) =>
  (e.type === "version.promoted" && e.detail.to === "PROD") ||
  (e.type === "version.made_current" && e.detail.stage === "PROD");

export function HistoryPage({
  prompt,
  events,
  existing,
  next,
  now,
}: {
  prompt: string;
  events: HistoryEvent[];
  /** Versions that still exist: a deleted draft is named, not linked. */
  existing: Set<string>;
  next: string | null;
  now: Date;
}) {
  return (
    <Layout title={`${prompt} history`}>
      <header class="prompt-head">
        <h1>
          <a href={promptUrl(prompt)}>{prompt}</a> <span aria-hidden="true">›</span> History
        </h1>
        <PromptTabs prompt={prompt} current="history" />
      </header>
      <ol class="timeline">
        {events.map((e) => (
          <li class={`event event-${e.type.replace(".", "-")}${standsOut(e) ? " event-prod" : ""}`}>
            <TimeAgo at={e.at} now={now} />
            <span class="actor">
              {e.actor}
              {typeof e.detail.token === "string" ? (
                <span class="muted small"> with the token “{e.detail.token}”</span>
              ) : null}
            </span>
            <span class="what">
              {sentence(e)}
              {e.version && e.type !== "version.deleted" ? (
                existing.has(e.version) ? (
                  <>
                    {" "}
                    <a href={versionUrl(prompt, e.version)} aria-label={`open v${e.version}`}>
                      open
                    </a>
                  </>
                ) : (
                  <span class="muted"> · v{e.version} deleted since</span>
                )
              ) : null}
            </span>
          </li>
        ))}
      </ol>
      {next ? (
        <p class="pager">
          <a href={next}>Older events →</a>
        </p>
      ) : null}
    </Layout>
  );
}

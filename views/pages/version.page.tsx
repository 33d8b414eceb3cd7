import type { ErrorIssue } from "../../src/domain/errors.js";
import { isBlankContent, variablesOf } from "../../src/domain/prompt-content.js";
import { STAGES } from "../../src/domain/stage.js";
import type { PromptRail } from "../../src/model/prompt.model.js";
import type { Review } from "../../src/model/review.model.js";
import type { Version } from "../../src/model/version.model.js";
import type { VersionPageData, VersionTesting } from "../../src/model/version-page.model.js";
import { PromptText, promptUrl, StageBadge, StageRail, TimeAgo, VariableList, versionUrl } from "../components.js";
import { ButtonRow } from "../fragments/button-row.js";
import { CompareForm } from "../fragments/compare-form.js";
import { ContractView } from "../fragments/contract.js";
import { Editor, type EditorState } from "../fragments/editor.js";
import { MessageList } from "../fragments/messages.js";
import { PromotionPreviewPanel } from "../fragments/promotion-preview.js";
import { TestPanel } from "../fragments/test-panel.js";
import { Flash, type FlashMessage, Layout } from "../layout.js";
import { reviewUrl } from "./review.page.js";

export interface VersionViewProps {
  prompt: PromptRail;
  version: Version;
  testing: VersionTesting;
  review: VersionPageData["review"];
  editor?: EditorState | null;
  now: Date;
  /** Where focus goes after an htmx swap whose control is gone: Edit after a save, the results after Save and test. */
  focus?: "edit" | "results" | undefined;
}

function VersionHeader({ version, now }: { version: Version; now: Date }) {
  return (
    <header class="version-head">
      <h1>
        <a href={promptUrl(version.prompt)}>{version.prompt}</a> <span aria-hidden="true">›</span> v{version.version}
      </h1>
      <StageBadge stage={version.stage} />
      <span class={version.current ? "current-mark" : "muted"}>
        {version.current ? `current in ${version.stage}` : "not current"}
      </span>
      <span class="muted">
        revision {version.revision} · edited <TimeAgo at={version.editedAt} now={now} />
      </span>
      {version.type === "chat" ? <span class="type-chip">chat</span> : null}
    </header>
  );
}

/**
 * Why the stage gate keeps Promote shut, under the button row. Always in the page (empty when the
 * gate is open), so that a Test that opens the gate can clear it in place.
 */
export function GateNote({ gate, oob }: { gate: VersionTesting["gate"]; oob?: boolean }) {
  const shut = gate.gated && !gate.allowed && gate.detail;
  return (
    <p id="gate-note" class="gate-note" hx-swap-oob={oob ? "true" : undefined}>
      {shut ? gate.detail : null}
    </p>
  );
}

function BodyView({ version }: { version: Version }) {
  const hasConfig = Object.keys(version.config).length > 0;
  return (
    <section id="body-panel" class="body-panel" aria-label={version.type === "text" ? "Prompt text" : "Messages"}>
      {isBlankContent(version) ? (
        <p class="note note-warn">
          {version.type === "text" ? "The prompt text is empty" : "Every message is empty"}: a model would be sent
          nothing.
        </p>
      ) : null}
      {version.type === "text" ? <PromptText body={version.body} /> : <MessageList messages={version.messages} />}
      <ContractView content={version} contract={version.contract} />
      <h2 class="sub">Config</h2>
      {hasConfig ? (
        <pre class="config-text">{JSON.stringify(version.config, null, 2)}</pre>
      ) : (
        <p class="muted">No config: the stage environment's defaults apply.</p>
      )}
    </section>
  );
}

function SideFacts({ version }: { version: Version }) {
  const base = versionUrl(version.prompt, version.version);
  const p = promptUrl(version.prompt);
  return (
    <aside class="facts" aria-label="Details">
      <dl>
        <dt>Created from</dt>
        <dd>
          {version.createdFrom ? (
            <a href={versionUrl(version.prompt, version.createdFrom)}>v{version.createdFrom}</a>
          ) : (
            "—"
          )}
        </dd>
        <dt>Variables</dt>
        <dd>
          <VariableList names={variablesOf(version)} />
        </dd>
        <dt>
          Seq <span class="muted small">(Langfuse version)</span>
        </dt>
        <dd>
          <code>{version.seq}</code>
        </dd>
        <dt>Content hash</dt>
        <dd>
          <code class="hash" title={version.contentHash}>
            {version.contentHash.slice(0, 12)}
          </code>
        </dd>
      </dl>
      <ul class="links">
        <li>
          <a href={`${base}/revisions`}>Revisions</a>
        </li>
        <li>
          <a href={`${p}/compare?to=${version.version}`}>Compare</a>
        </li>
        <li>
          <a href={`${p}/history`}>History</a>
        </li>
      </ul>
    </aside>
  );
}

/** An open review of this version: where it stands, one click away. */
function OpenReviewNote({ review }: { review: Review }) {
  return (
    <p class="review-note" role="note">
      <a href={reviewUrl(review.id)}>Review #{review.id}</a> is open: v{review.version} → {review.to}, asked by{" "}
      {review.requestedBy}, {review.approvals.length} of {review.needed} approvals.
    </p>
  );
}

/**
 * Compare with PROD on a draft (docs/evaluate.md#comparisons), and the newest comparison of
 * exactly this content, whatever its baseline.
 */
function ComparePanel({
  version,
  prodVersion,
  comparison,
}: {
  version: VersionViewProps["version"];
  prodVersion: string | null;
  comparison: VersionViewProps["testing"]["comparison"];
}) {
  const action = `${promptUrl(version.prompt)}/comparisons`;
  return (
    <div class="compare-panel">
      {version.stage !== "PROD" ? (
        <CompareForm
          prompt={version.prompt}
          candidate={version.version}
          stage="PROD"
          hasCurrent={prodVersion !== null}
          id="compare-why"
        />
      ) : null}
      {comparison ? (
        <p class="small">
          Latest comparison of this revision:{" "}
          <a href={`${action}/${comparison.id}`}>{comparison.summary?.line ?? `comparison ${comparison.id}`}</a>
        </p>
      ) : null}
    </div>
  );
}

/** The part of the version page that htmx swaps after an action (and the page's main content). */
export function VersionPanel({
  prompt,
  version,
  testing,
  review,
  editor,
  now,
  flash,
  focus,
}: VersionViewProps & { flash?: FlashMessage | null }) {
  const stops = STAGES.map((stage) => ({
    stage,
    version: prompt.current[stage],
    since: prompt.currentSince[stage],
    ...(stage === "DEV" ? { drafts: prompt.drafts } : {}),
  }));
  return (
    <div id="version-panel" class="version-panel">
      {flash !== undefined ? <Flash flash={flash} oob /> : null}
      <VersionHeader version={version} now={now} />
      {prompt.archivedAt ? (
        <p class="archived-banner small" role="note">
          This prompt is archived: hidden from the list, still read by applications.{" "}
          <a href={promptUrl(prompt.name)}>Unarchive it on its page</a>.
        </p>
      ) : null}
      <StageRail prompt={version.prompt} stops={stops} highlight={version.stage} />
      <ButtonRow
        version={version}
        promoteBlock={testing.gate.allowed ? null : testing.gate.reason}
        needsReview={review.needed > 0}
        focusEdit={focus === "edit"}
      />
      {review.open ? <OpenReviewNote review={review.open} /> : null}
      <GateNote gate={testing.gate} />
      <ComparePanel version={version} prodVersion={prompt.current.PROD} comparison={testing.comparison} />
      {testing.preview && !editor ? <PromotionPreviewPanel version={version} preview={testing.preview} /> : null}
      <div class="version-grid">
        <div class="version-main">
          {editor ? <Editor version={version} state={editor} /> : <BodyView version={version} />}
          <TestPanel
            version={version}
            status={testing.status}
            variables={testing.variables}
            now={now}
            focusResults={focus === "results"}
          />
        </div>
        <SideFacts version={version} />
      </div>
    </div>
  );
}

export function VersionPage(props: VersionViewProps & { flash?: FlashMessage | null }) {
  const { version } = props;
  return (
    <Layout title={`${version.prompt} v${version.version}`} flash={props.flash}>
      <VersionPanel {...props} flash={undefined} />
    </Layout>
  );
}

export type { EditorState, ErrorIssue };

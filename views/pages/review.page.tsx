import { type ReviewActions, reviewActions } from "../../src/domain/reviews.js";
import type { Review, ReviewEvidence, ReviewVote } from "../../src/model/review.model.js";
import { StageBadge, TimeAgo, versionUrl } from "../components.js";
import { CompareForm } from "../fragments/compare-form.js";
import { ContractChanges } from "../fragments/contract-changes.js";
import { DiffView } from "../fragments/diff.js";
import { TestResults } from "../fragments/test-panel.js";
import { type FlashMessage, Layout } from "../layout.js";
import { useViewer } from "../viewer.js";
import { comparisonUrl } from "./comparison.page.js";

export const reviewUrl = (id: number) => `/reviews/${id}`;

/** "open · 1 of 2 approvals", "applied", … */
export function ReviewState({ review }: { review: Review }) {
  const count = review.state === "open" ? ` · ${review.approvals.length} of ${review.needed} approvals` : "";
  return (
    <span class={`review-state review-${review.state}`}>
      {review.state}
      {count}
    </span>
  );
}

function Votes({ title, votes, now }: { title: string; votes: ReviewVote[]; now: Date }) {
  if (votes.length === 0) return null;
  return (
    <>
      <h3>{title}</h3>
      <ul class="votes">
        {votes.map((v) => (
          <li>
            <strong>{v.by}</strong> · <TimeAgo at={v.at} now={now} />
            {v.comment ? <blockquote>{v.comment}</blockquote> : null}
          </li>
        ))}
      </ul>
    </>
  );
}

/** One action's form; disabled with its reason written next to it when this person may not. */
function ActionForm(props: {
  review: Review;
  what: "approve" | "reject" | "withdraw";
  label: string;
  decision: ReviewActions["approve"];
  comment?: "optional" | "required";
  /** The id of a reason already on the page that says the same: described by it, not repeated. */
  reasonShown?: string;
}) {
  const { review, what, label, decision, comment, reasonShown } = props;
  const id = `${what}-comment`;
  const reason = reasonShown ?? `${what}-reason`;
  return (
    <form method="post" action={`${reviewUrl(review.id)}/${what}`} class={`review-action review-${what}`}>
      {comment ? (
        <>
          <label for={id}>{comment === "required" ? "Why (required)" : "Comment (optional)"}</label>
          <textarea
            id={id}
            name="comment"
            rows={2}
            maxlength={2000}
            required={comment === "required"}
            disabled={!decision.allowed}
          ></textarea>
        </>
      ) : null}
      <button
        type="submit"
        class={what === "approve" ? "primary" : what === "reject" ? "danger" : undefined}
        disabled={!decision.allowed}
        title={decision.reason ?? undefined}
        aria-describedby={decision.allowed ? undefined : reason}
      >
        {label}
      </button>
      {decision.allowed || reasonShown ? null : (
        <p id={reason} class="role-note">
          {decision.reason}
        </p>
      )}
    </form>
  );
}

/**
 * The newest finished comparison of exactly the reviewed content, or, while the review is open, a
 * button comparing it with the target stage's current version (docs/reviews.md).
 */
function ComparisonEvidence({ review, evidence, now }: { review: Review; evidence: ReviewEvidence; now: Date }) {
  const found = evidence.latestComparison;
  return (
    <section id="review-comparison" aria-labelledby="review-comparison-title">
      <h2 id="review-comparison-title" class="sub">
        Comparison
      </h2>
      {found ? (
        <p>
          Latest comparison of this content:{" "}
          <a href={comparisonUrl(review.prompt, found.id)}>{found.summary?.line ?? `comparison ${found.id}`}</a>
          {found.finishedAt ? (
            <>
              {" "}
              · <TimeAgo at={found.finishedAt} now={now} />
            </>
          ) : null}
        </p>
      ) : (
        <p class="muted">No comparison of this content yet.</p>
      )}
      {!found && review.state === "open" ? (
        <CompareForm
          prompt={review.prompt}
          candidate={review.version}
          stage={review.to}
          hasCurrent={review.base !== null}
          id="review-compare-why"
        />
      ) : null}
    </section>
  );
}

export function ReviewPage({
  review,
  evidence,
  now,
  flash,
}: {
  review: Review;
  evidence: ReviewEvidence;
  now: Date;
  flash?: FlashMessage | null;
}) {
  const viewer = useViewer();
  const voters = [...review.approvals, ...review.rejections].map((v) => v.by);
  const actions = reviewActions({ ...review, voters }, viewer?.user?.name ?? "local", viewer?.role ?? null);
  const { comparison, latestRun, version } = evidence;
  const crumbs = (
    <>
      <a href="/reviews">Reviews</a> <span aria-hidden="true">›</span> #{review.id}
    </>
  );
  return (
    <Layout
      title={`Review #${review.id}: ${review.prompt} v${review.version} → ${review.to}`}
      crumbs={crumbs}
      flash={flash}
    >
      <header class="review-head">
        <h1>
          Review #{review.id}: {review.prompt} v{review.version} → <StageBadge stage={review.to} />
        </h1>
        <p>
          <a href={versionUrl(review.prompt, review.version)}>
            {review.prompt} v{review.version}
          </a>{" "}
          · <ReviewState review={review} /> · asked by <strong>{review.requestedBy}</strong>{" "}
          <TimeAgo at={review.requestedAt} now={now} /> · replaces{" "}
          {review.base ? (
            <a href={versionUrl(review.prompt, review.base)}>v{review.base}</a>
          ) : (
            `nothing (${review.to} has no current version)`
          )}{" "}
          · content <code title={review.contentHash}>{review.contentHash.slice(0, 12)}</code>
        </p>
        {review.state === "stale" ? (
          <p class="flash flash-warn">
            Stale: the version was edited or {review.to} moved since this was asked. Its approvals count for nothing;
            ask again from the version page.
          </p>
        ) : null}
      </header>
      <section class="review-actions" aria-labelledby="decide-title">
        <h2 id="decide-title" class="sub">
          Decide
        </h2>
        <div class="review-forms">
          <ActionForm review={review} what="approve" label="Approve" decision={actions.approve} comment="optional" />
          <ActionForm
            review={review}
            what="reject"
            label="Reject"
            decision={actions.reject}
            comment="required"
            {...(actions.reject.reason && actions.reject.reason === actions.approve.reason
              ? { reasonShown: "approve-reason" }
              : {})}
          />
          <ActionForm review={review} what="withdraw" label="Withdraw" decision={actions.withdraw} />
        </div>
        <Votes title="Approvals" votes={review.approvals} now={now} />
        <Votes title="Rejections" votes={review.rejections} now={now} />
      </section>
      <section aria-labelledby="change-title">
        <h2 id="change-title" class="sub">
          The change {review.base ? `from v${review.base}` : ""} to v{review.version}
        </h2>
        {comparison ? (
          <>
            <ContractChanges changes={comparison.contract} />
            <DiffView comparison={comparison} />
          </>
        ) : (
          <p class="muted">
            {review.to} has no current version: v{version.version} is all new.{" "}
            <a href={versionUrl(review.prompt, review.version)}>Read it</a>.
          </p>
        )}
      </section>
      {latestRun ? (
        <TestResults run={latestRun} now={now} />
      ) : (
        <section id="test-results" aria-labelledby="test-results-title">
          <h2 id="test-results-title" class="sub">
            Test results
          </h2>
          <p class="muted">Not tested: no test run of exactly this content.</p>
        </section>
      )}
      <ComparisonEvidence review={review} evidence={evidence} now={now} />
    </Layout>
  );
}

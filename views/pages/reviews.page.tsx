import { REVIEW_STATES, type ReviewState as State } from "../../src/domain/reviews.js";
import type { Review } from "../../src/model/review.model.js";
import { promptUrl, StageBadge, TimeAgo, versionUrl } from "../components.js";
import { type FlashMessage, Layout } from "../layout.js";
import { ReviewState, reviewUrl } from "./review.page.js";

export function ReviewsPage({
  reviews,
  state,
  next,
  now,
  flash,
}: {
  reviews: Review[];
  state: State | undefined;
  next: string | null;
  now: Date;
  flash?: FlashMessage | null;
}) {
  return (
    <Layout title="Reviews" flash={flash}>
      <h1>Reviews</h1>
      <nav class="tabs" aria-label="Review states">
        <a href="/reviews" aria-current={state === undefined ? "page" : undefined}>
          All
        </a>
        {REVIEW_STATES.map((s) => (
          <a href={`/reviews?state=${s}`} aria-current={state === s ? "page" : undefined}>
            {s}
          </a>
        ))}
      </nav>
      {reviews.length === 0 ? (
        <p class="muted">
          {state === "open" ? "No open reviews." : "No reviews."} A review opens when someone promotes into a stage
          whose environment asks for approvals (Settings).
        </p>
      ) : (
        <div class="table-scroll">
          <table class="list reviews">
            <thead>
              <tr>
                <th scope="col">Review</th>
                <th scope="col">Version</th>
                <th scope="col">Into</th>
                <th scope="col">State</th>
                <th scope="col">Asked by</th>
              </tr>
            </thead>
            <tbody>
              {reviews.map((r) => (
                <tr>
                  <td>
                    <a href={reviewUrl(r.id)}>#{r.id}</a>
                  </td>
                  <td>
                    <a href={promptUrl(r.prompt)}>{r.prompt}</a>{" "}
                    <a href={versionUrl(r.prompt, r.version)}>v{r.version}</a>
                  </td>
                  <td>
                    <StageBadge stage={r.to} />
                  </td>
                  <td>
                    <ReviewState review={r} />
                  </td>
                  <td>
                    {r.requestedBy} · <TimeAgo at={r.requestedAt} now={now} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {next ? (
        <p>
          <a href={next}>Older reviews</a>
        </p>
      ) : null}
    </Layout>
  );
}

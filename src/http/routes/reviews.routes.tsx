import { type Context, Hono } from "hono";
import { AuditPage } from "../../../views/pages/audit.page.js";
import { ReviewPage, reviewUrl } from "../../../views/pages/review.page.js";
import { ReviewsPage } from "../../../views/pages/reviews.page.js";
import { REVIEW_STATES, type ReviewState } from "../../domain/reviews.js";
import { parseStage } from "../../domain/stage.js";
import type { Review } from "../../model/review.model.js";
import type { Services } from "../../services/index.js";
import { actorOf } from "../auth.js";
import { navigateAfterPost, takeFlash } from "../flash.js";
import { readInput } from "../input.js";
import { negotiate } from "../negotiate.js";
import { page } from "../render.js";
import { auditCsv, auditSchema, reviewJson, reviewsSchema, reviewWithEvidenceJson } from "../review-json.js";
import { nextUrl, pageQuery } from "./paging.js";

/**
 * A review opened (202) or found open (200) by a promotion: JSON with `Location`, else the
 * review page (a form follows a 303, htmx navigates).
 */
export function answerReview(c: Context, review: Review, created: boolean): Response {
  const url = reviewUrl(review.id);
  if (negotiate(c) === "json") {
    c.header("Location", url);
    return c.json(reviewJson(review), created ? 202 : 200);
  }
  const text = created
    ? `Review #${review.id} asked for: v${review.version} goes to ${review.to} once ${review.needed} other ${review.needed === 1 ? "person approves" : "people approve"}`
    : `v${review.version} already has review #${review.id} open`;
  return navigateAfterPost(c, url, text);
}

const stateOf = (value: string | undefined) =>
  (REVIEW_STATES as readonly string[]).includes(value ?? "") ? (value as ReviewState) : undefined;

export function createReviewRoutes(services: Services) {
  const { reviews } = services;

  /** After approve, reject or withdraw: the review as JSON, else back to its page. */
  function landOnReview(c: Context, review: Review, text: string) {
    if (negotiate(c) === "json") return c.json(reviewJson(review));
    return navigateAfterPost(c, reviewUrl(review.id), text);
  }

  return new Hono()
    .get("/reviews", async (c) => {
      const state = c.req.query("state");
      const paging = pageQuery(c);
      const { reviews: list, nextCursor } = await reviews.list({ ...paging, ...(state ? { state } : {}) });
      const next = nextUrl("/reviews", nextCursor, { state, limit: paging.limit });
      if (negotiate(c) === "json") return c.json(reviewsSchema.parse({ reviews: list, next }));
      return page(
        c,
        <ReviewsPage reviews={list} state={stateOf(state)} next={next} now={new Date()} flash={takeFlash(c)} />,
      );
    })
    .get("/reviews/:id", async (c) => {
      const { review, evidence } = await reviews.evidence(c.req.param("id"));
      if (negotiate(c) === "json") return c.json(reviewWithEvidenceJson(review, evidence));
      return page(c, <ReviewPage review={review} evidence={evidence} now={new Date()} flash={takeFlash(c)} />);
    })
    .post("/reviews/:id/approve", async (c) => {
      const review = await reviews.approve(c.req.param("id"), await readInput(c), actorOf(c));
      const text =
        review.state === "applied"
          ? `Approved: v${review.version} is now the current ${review.to} version`
          : `Approved: ${review.approvals.length} of ${review.needed} approvals`;
      return landOnReview(c, review, text);
    })
    .post("/reviews/:id/reject", async (c) => {
      const review = await reviews.reject(c.req.param("id"), await readInput(c), actorOf(c));
      return landOnReview(c, review, `Rejected review #${review.id}`);
    })
    .post("/reviews/:id/withdraw", async (c) => {
      const review = await reviews.withdraw(c.req.param("id"), actorOf(c));
      return landOnReview(c, review, `Withdrew review #${review.id}`);
    })
    .get("/audit", async (c) => {
      const { prompt, stage, format } = c.req.query();
      const paging = pageQuery(c);
      const filter = { ...(prompt ? { prompt } : {}), ...(stage ? { stage } : {}) };
      const { moves, nextCursor } = await reviews.audit({ ...paging, ...filter });
      if (format === "csv") {
        c.header("Content-Type", "text/csv; charset=utf-8");
        c.header("Content-Disposition", 'attachment; filename="promptrail-audit.csv"');
        const next = nextUrl("/audit", nextCursor, { ...filter, limit: paging.limit, format: "csv" });
        if (next) c.header("Link", `<${next}>; rel="next"`);
        return c.body(auditCsv(moves));
      }
      const next = nextUrl("/audit", nextCursor, { ...filter, limit: paging.limit });
      if (negotiate(c) === "json") return c.json(auditSchema.parse({ moves, next }));
      const csv = `/audit?${new URLSearchParams({ ...filter, ...(paging.cursor ? { cursor: paging.cursor } : {}), format: "csv" })}`;
      return page(
        c,
        <AuditPage
          moves={moves}
          prompt={prompt ?? ""}
          stage={parseStage(stage ?? "") ?? undefined}
          next={next}
          csv={csv}
          now={new Date()}
        />,
      );
    });
}

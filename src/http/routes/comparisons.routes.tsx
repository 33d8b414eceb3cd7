import { Hono } from "hono";
import { promptUrl } from "../../../views/components.js";
import {
  ComparisonLive,
  ComparisonPage,
  ComparisonsPage,
  comparisonUrl,
} from "../../../views/pages/comparison.page.js";
import type { Comparison } from "../../model/comparison.model.js";
import type { Services } from "../../services/index.js";
import { actorOf } from "../auth.js";
import { navigateAfterPost, takeFlash } from "../flash.js";
import { readInput } from "../input.js";
import { negotiate } from "../negotiate.js";
import { fragment, page } from "../render.js";
import { nextUrl, pageQuery } from "./paging.js";

const LIST = "/prompts/:name/comparisons";

/** A comparison as JSON: its cases' page, and `next`, the URL of the following one (or null). */
function comparisonJson(c: Comparison, limit: number | undefined) {
  const { nextCursor, ...rest } = c;
  return { ...rest, next: nextUrl(comparisonUrl(c.prompt, c.id), nextCursor, { limit }) };
}

/**
 * Comparisons (docs/evaluate.md#comparisons). JSON waits for the comparison to finish and
 * answers it (201); a form or htmx starts it and goes to its page, which shows the progress
 * and refreshes itself until it is done.
 */
export function createComparisonRoutes(services: Services) {
  const { comparisons } = services;
  return new Hono()
    .post(LIST, async (c) => {
      const name = c.req.param("name");
      const input = await readInput(c);
      if (negotiate(c) === "json") {
        const created = await comparisons.create(name, input, actorOf(c));
        c.header("Location", comparisonUrl(created.prompt, created.id));
        return c.json(comparisonJson(created, undefined), 201);
      }
      const { id } = await comparisons.start(name, input, actorOf(c));
      return navigateAfterPost(c, comparisonUrl(name, id), "Comparing: both versions run every test case");
    })
    .get(LIST, async (c) => {
      const name = c.req.param("name");
      const paging = pageQuery(c);
      const result = await comparisons.list(name, paging);
      const next = nextUrl(`${promptUrl(name)}/comparisons`, result.nextCursor, { limit: paging.limit });
      if (negotiate(c) === "json") return c.json({ comparisons: result.comparisons, next });
      return page(
        c,
        <ComparisonsPage
          prompt={name}
          comparisons={result.comparisons}
          next={next}
          now={new Date()}
          flash={takeFlash(c)}
        />,
      );
    })
    .get(`${LIST}/:id`, async (c) => {
      const { name, id } = c.req.param();
      const paging = pageQuery(c);
      const found = await comparisons.get(name, id, paging);
      const mode = negotiate(c);
      if (mode === "json") return c.json(comparisonJson(found, paging.limit));
      const offset = Number(paging.cursor ?? 0);
      // The running page polls its live part (hx-target is that element); any other htmx GET gets the page.
      if (mode === "fragment" && c.req.header("hx-target") === "comparison-live")
        return fragment(c, <ComparisonLive c={found} offset={offset} />);
      return page(c, <ComparisonPage c={found} offset={offset} now={new Date()} />);
    });
}

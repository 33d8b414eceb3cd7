import { type Context, Hono } from "hono";
import { RenderedPage } from "../../../views/pages/rendered.page.js";
import type { Services } from "../../services/index.js";
import type { Rendering } from "../../services/render.service.js";
import { readInput } from "../input.js";
import { negotiate } from "../negotiate.js";
import { page } from "../render.js";

/**
 * A render's variables are data: 10,000 chat messages are 30,000 JSON values, more than the body
 * budget of other routes allows. The 4 MiB body limit still bounds it (docs/limits.md).
 */
const RENDER_JSON_VALUES = 100_000;

/** `?strict=false` ignores variables the contract does not know; anything else renders strictly. */
const strictOf = (c: Context) => c.req.query("strict") !== "false";

/**
 * The render endpoints (docs/contract.md, "Rendering"): `{variables}` in, the filled prompt with
 * its config, tools and response format out. Reads, though POSTs: a viewer may render.
 */
export function createRenderRoutes({ render }: Services) {
  const answer = (c: Context, rendered: Rendering) =>
    negotiate(c) === "json" ? c.json(rendered) : page(c, <RenderedPage {...rendered} />);
  return new Hono()
    .post("/prompts/:name/versions/:v/render", async (c) => {
      const input = await readInput(c, { json: ["variables"] }, RENDER_JSON_VALUES);
      return answer(c, await render.version(c.req.param("name"), c.req.param("v"), input, strictOf(c)));
    })
    .post("/prompts/:name/stages/:stage/render", async (c) => {
      const input = await readInput(c, { json: ["variables"] }, RENDER_JSON_VALUES);
      return answer(c, await render.stage(c.req.param("name"), c.req.param("stage"), input, strictOf(c)));
    });
}

import { Hono } from "hono";
import { versionUrl } from "../../../views/components.js";
import { RevisionsPage } from "../../../views/pages/revisions.page.js";
import type { Services } from "../../services/index.js";
import { actorOf, roleOf } from "../auth.js";
import { navigateAfterPost, takeFlash } from "../flash.js";
import { readInput } from "../input.js";
import { revisionsJson, versionJson } from "../json.js";
import { negotiate } from "../negotiate.js";
import { page } from "../render.js";
import { nextUrl, pageQuery } from "./paging.js";

const REVISIONS = "/prompts/:name/versions/:v/revisions";

/** A version's saved revisions: the list (with what each save changed) and restoring one into the draft. */
export function createRevisionRoutes(services: Services) {
  const { versions, revisions } = services;
  return new Hono()
    .get(REVISIONS, async (c) => {
      const { name, v } = c.req.param();
      const paging = pageQuery(c);
      const more = (cursor: string | null) =>
        nextUrl(`${versionUrl(name, v)}/revisions`, cursor, { limit: paging.limit });
      if (negotiate(c) === "json") {
        const listed = await versions.revisions(name, v, paging);
        return c.json(revisionsJson(listed.revisions, more(listed.nextCursor)));
      }
      const [version, listed] = await Promise.all([versions.get(name, v), revisions.changes(name, v, paging)]);
      const props = { version, changes: listed.changes, next: more(listed.nextCursor), now: new Date() };
      return page(c, <RevisionsPage {...props} flash={takeFlash(c)} />);
    })
    .post(`${REVISIONS}/:r/restore`, async (c) => {
      const { name, v, r } = c.req.param();
      const input = await readInput(c, { int: ["revision"] });
      const restored = await revisions.restore(name, v, r, input, actorOf(c));
      if (negotiate(c) === "json") return c.json(versionJson(restored, roleOf(c)));
      const text = `Restored revision ${r} of v${restored.version}: it is revision ${restored.revision} now`;
      return navigateAfterPost(c, versionUrl(name, restored.version), text);
    });
}

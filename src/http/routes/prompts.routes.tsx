import { type Context, Hono } from "hono";
import { versionUrl } from "../../../views/components.js";
import { ComparePage } from "../../../views/pages/compare.page.js";
import { HistoryPage } from "../../../views/pages/history.page.js";
import { PromptPage } from "../../../views/pages/prompt.page.js";
import { PromptsPage, PromptTable } from "../../../views/pages/prompts.page.js";
import { DomainError } from "../../domain/errors.js";
import type { Services } from "../../services/index.js";
import type { CreatePromptInput } from "../../services/inputs.js";
import { redirectAfterPost, takeFlash } from "../flash.js";
import { readInput } from "../input.js";
import { compareSchema, historyJson, promptJson, promptListJson, versionJson } from "../json.js";
import { negotiate } from "../negotiate.js";
import { fragment, page } from "../render.js";
import { nextUrl, pageQuery } from "./paging.js";

export function createPromptRoutes(services: Services) {
  const { prompts } = services;

  async function list(c: Context) {
    const q = c.req.query("q") ?? "";
    const archived = c.req.query("archived") === "1";
    const paging = pageQuery(c);
    const result = await prompts.list({ ...paging, ...(q ? { q } : {}), archived });
    const next = nextUrl("/prompts", result.nextCursor, { q, limit: paging.limit, archived: archived ? 1 : undefined });
    const mode = negotiate(c);
    if (mode === "json") return c.json(promptListJson(result.prompts, next));
    const props = { prompts: result.prompts, q, next, now: new Date(), archived };
    if (mode === "fragment") return fragment(c, <PromptTable {...props} />);
    return page(c, <PromptsPage {...props} flash={takeFlash(c)} />);
  }

  return new Hono()
    .get("/", list)
    .get("/prompts", list)
    .post("/prompts", async (c) => {
      const mode = negotiate(c);
      const input = await readInput(c, { json: ["config"] });
      try {
        const created = await prompts.create(input as CreatePromptInput);
        const url = versionUrl(created.prompt, created.version);
        if (mode === "json") {
          c.header("Location", url);
          return c.json(versionJson(created), 201);
        }
        return redirectAfterPost(c, url, `Created ${created.prompt} — v1.0 is its current DEV draft`);
      } catch (error) {
        if (mode === "json" || !(error instanceof DomainError)) throw error;
        if (error.code !== "validation_failed" && error.code !== "name_taken") throw error;
        const issues = error.issues ?? [{ path: "name", message: error.message }];
        const text = (key: string) => (typeof input[key] === "string" ? (input[key] as string) : "");
        const result = await prompts.list({});
        const form = { name: text("name"), description: text("description"), body: text("body"), issues };
        const props = {
          prompts: result.prompts,
          q: "",
          next: nextUrl("/prompts", result.nextCursor, {}),
          now: new Date(),
          archived: false,
        };
        return page(
          c,
          <PromptsPage {...props} form={form} flash={{ kind: "error", text: error.message }} />,
          error.status as 422,
        );
      }
    })
    .get("/prompts/:name", async (c) => {
      const prompt = await prompts.get(c.req.param("name"));
      if (negotiate(c) === "json") return c.json(promptJson(prompt));
      return page(c, <PromptPage prompt={prompt} now={new Date()} flash={takeFlash(c)} />);
    })
    .get("/prompts/:name/compare", async (c) => {
      const name = c.req.param("name");
      const prompt = await prompts.get(name);
      const newest = prompt.versions[0]?.version ?? "1.0";
      const to = c.req.query("to") ?? newest;
      const toVersion = prompt.versions.find((v) => v.version === to.replace(/^v/i, ""));
      const from = c.req.query("from") ?? prompt.current.PROD ?? toVersion?.createdFrom ?? to;
      const comparison = await services.compare.compare(name, from, to);
      if (negotiate(c) === "json") {
        return c.json(
          compareSchema.parse({ from: comparison.from.version, to: comparison.to.version, diff: comparison.diff }),
        );
      }
      const versions = prompt.versions.map((v) => v.version);
      return page(c, <ComparePage prompt={name} versions={versions} comparison={comparison} />);
    })
    .get("/prompts/:name/history", async (c) => {
      const name = c.req.param("name");
      const paging = pageQuery(c);
      const result = await services.history.list(name, paging);
      const next = nextUrl(`/prompts/${encodeURIComponent(name)}/history`, result.nextCursor, { limit: paging.limit });
      if (negotiate(c) === "json") return c.json(historyJson(result.events, next));
      return page(
        c,
        <HistoryPage prompt={name} events={result.events} existing={result.existing} next={next} now={new Date()} />,
      );
    });
}

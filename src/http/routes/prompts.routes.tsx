import { type Context, Hono } from "hono";
import { promptUrl, versionUrl } from "../../../views/components.js";
import { ComparePage } from "../../../views/pages/compare.page.js";
import { HistoryPage } from "../../../views/pages/history.page.js";
import { PromptPage } from "../../../views/pages/prompt.page.js";
import { PromptsPage, PromptTable } from "../../../views/pages/prompts.page.js";
import { isBlankContent } from "../../domain/prompt-content.js";
import type { Services } from "../../services/index.js";
import { actorOf, roleOf } from "../auth.js";
import { createFromForm } from "../chat-form.js";
import { redirectAfterPost, setFlash, takeFlash } from "../flash.js";
import { messageForPeople } from "../for-people.js";
import { withFormErrors } from "../form.js";
import { isForm, readInput } from "../input.js";
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
      const input = await readInput(c, { json: ["config"] });
      return withFormErrors(
        c,
        ["validation_failed", "name_taken"],
        async () => {
          const created = await prompts.create(isForm(c) ? createFromForm(input) : input, actorOf(c));
          const url = versionUrl(created.prompt, created.version);
          if (negotiate(c) === "json") {
            c.header("Location", url);
            return c.json(versionJson(created, roleOf(c)), 201);
          }
          const text = `Created ${created.prompt} — v1.0 is its current DEV draft`;
          if (!isBlankContent(created)) return redirectAfterPost(c, url, text);
          setFlash(c, { kind: "warn", text: `${text}. Its text is empty: write it with Edit` });
          return c.redirect(url, 303);
        },
        async (error) => {
          const issues = error.issues ?? [{ path: "name", message: error.message }];
          const text = (key: string) => (typeof input[key] === "string" ? (input[key] as string) : "");
          const result = await prompts.list({});
          const form = {
            name: text("name"),
            description: text("description"),
            type: text("type"),
            body: text("body"),
            issues: issues.map((i) => (i.path.startsWith("messages") ? { ...i, path: "body" } : i)),
          };
          const props = {
            prompts: result.prompts,
            q: "",
            next: nextUrl("/prompts", result.nextCursor, {}),
            now: new Date(),
            archived: false,
          };
          const flash = { kind: "error" as const, text: messageForPeople(error) };
          return page(c, <PromptsPage {...props} form={form} flash={flash} />, error.status);
        },
      );
    })
    .get("/prompts/:name", async (c) => {
      const name = c.req.param("name");
      const paging = pageQuery(c);
      const prompt = await prompts.get(name, paging);
      const next = nextUrl(promptUrl(name), prompt.nextCursor, { limit: paging.limit });
      if (negotiate(c) === "json") return c.json(promptJson(prompt, next));
      return page(c, <PromptPage prompt={prompt} next={next} now={new Date()} flash={takeFlash(c)} />);
    })
    .get("/prompts/:name/compare", async (c) => {
      const name = c.req.param("name");
      const { from, to } = c.req.query();
      const { comparison, versions } = await services.compare.compare(name, { from, to });
      if (negotiate(c) === "json") {
        return c.json(
          compareSchema.parse({
            from: comparison.from.version,
            to: comparison.to.version,
            diff: comparison.diff,
            contract: comparison.contract,
          }),
        );
      }
      return page(c, <ComparePage prompt={name} versions={versions} comparison={comparison} />);
    })
    .get("/prompts/:name/history", async (c) => {
      const name = c.req.param("name");
      const paging = pageQuery(c);
      const result = await services.history.list(name, paging);
      const next = nextUrl(`${promptUrl(name)}/history`, result.nextCursor, { limit: paging.limit });
      if (negotiate(c) === "json") return c.json(historyJson(result.events, next));
      return page(
        c,
        <HistoryPage prompt={name} events={result.events} existing={result.existing} next={next} now={new Date()} />,
      );
    });
}

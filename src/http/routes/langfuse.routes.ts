import { Hono } from "hono";
import type { Services } from "../../services/index.js";
import { langfuseListJson, langfusePromptJson } from "../langfuse-json.js";

/**
 * docs/rules.md, chat prompts: the read half of Langfuse's public prompt API, so that an application using
 * Langfuse's SDK reads its prompts from Promptrail by changing only the base URL and keys.
 * Always JSON; refusals are rendered in Langfuse's `{message, error}` shape by on-error.tsx.
 * Auth is the same as every other route's (docs/accounts.md: HTTP Basic, a token as the password).
 */
export function createLangfuseRoutes(services: Services) {
  const { langfuse } = services;
  return new Hono()
    .get("/api/public/v2/prompts", async (c) => c.json(langfuseListJson(await langfuse.list(c.req.query()))))
    .get("/api/public/v2/prompts/:name", async (c) =>
      c.json(langfusePromptJson(await langfuse.get(c.req.param("name"), c.req.query()))),
    );
}

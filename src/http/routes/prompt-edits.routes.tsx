import { type Context, Hono } from "hono";
import { promptUrl } from "../../../views/components.js";
import { PromptPage } from "../../../views/pages/prompt.page.js";
import { DomainError } from "../../domain/errors.js";
import type { Services } from "../../services/index.js";
import type { DescribeInput } from "../../services/inputs.js";
import { navigateAfterPost } from "../flash.js";
import { readInput } from "../input.js";
import { archiveSchema, promptJson } from "../json.js";
import { negotiate } from "../negotiate.js";
import { page } from "../render.js";

/** A prompt's own changes: its description, and archiving it (hidden from the list, nothing deleted). */
export function createPromptEditRoutes(services: Services) {
  const { prompts, promptEdits } = services;

  /** A refused description from the form: the prompt page again, with what was typed and why. */
  async function keepDescription(c: Context, name: string, typed: unknown, error: DomainError) {
    const prompt = await prompts.get(name);
    const value = typeof typed === "string" ? typed : "";
    const draft = { value, error: error.issues?.[0]?.message ?? error.message };
    const flash = { kind: "error" as const, text: error.message };
    return page(c, <PromptPage prompt={prompt} now={new Date()} flash={flash} description={draft} />, 422);
  }

  return new Hono()
    .post("/prompts/:name/save", async (c) => {
      const name = c.req.param("name");
      const input = await readInput(c);
      try {
        await promptEdits.describe(name, input as DescribeInput);
      } catch (error) {
        const form = negotiate(c) === "page" && error instanceof DomainError && error.code === "validation_failed";
        if (!form) throw error;
        return keepDescription(c, name, input.description, error);
      }
      if (negotiate(c) === "json") return c.json(promptJson(await prompts.get(name)));
      return navigateAfterPost(c, promptUrl(name), `Saved the description of ${name}`);
    })
    .post("/prompts/:name/archive", async (c) => {
      const name = c.req.param("name");
      const archived = await promptEdits.archive(name);
      if (negotiate(c) === "json") return c.json(archiveSchema.parse(archived));
      const text = `Archived ${name}: hidden from the list; applications still read it`;
      return navigateAfterPost(c, promptUrl(name), text);
    })
    .post("/prompts/:name/unarchive", async (c) => {
      const name = c.req.param("name");
      const back = await promptEdits.unarchive(name);
      if (negotiate(c) === "json") return c.json(archiveSchema.parse(back));
      return navigateAfterPost(c, promptUrl(name), `${name} is back in the list`);
    });
}

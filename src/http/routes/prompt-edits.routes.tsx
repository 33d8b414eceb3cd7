import { type Context, Hono } from "hono";
import { promptUrl } from "../../../views/components.js";
import { PromptPage } from "../../../views/pages/prompt.page.js";
import type { DomainError } from "../../domain/errors.js";
import type { Services } from "../../services/index.js";
import { actorOf } from "../auth.js";
import { navigateAfterPost } from "../flash.js";
import { messageForPeople } from "../for-people.js";
import { withFormErrors } from "../form.js";
import { readInput } from "../input.js";
import { archiveSchema, promptJson } from "../json.js";
import { negotiate } from "../negotiate.js";
import { page } from "../render.js";
import { nextUrl } from "./paging.js";

/** A prompt's own changes: its description, and archiving it (hidden from the list, nothing deleted). */
export function createPromptEditRoutes(services: Services) {
  const { prompts, promptEdits } = services;

  /** A refused description from the form: the prompt page again, with what was typed and why. */
  async function keepDescription(c: Context, name: string, typed: unknown, error: DomainError) {
    const prompt = await prompts.get(name);
    const next = nextUrl(promptUrl(name), prompt.nextCursor, {});
    const value = typeof typed === "string" ? typed : "";
    const draft = { value, error: error.issues?.[0]?.message ?? error.message };
    const flash = { kind: "error" as const, text: messageForPeople(error) };
    return page(c, <PromptPage prompt={prompt} next={next} now={new Date()} flash={flash} description={draft} />, 422);
  }

  return new Hono()
    .post("/prompts/:name/save", async (c) => {
      const name = c.req.param("name");
      const input = await readInput(c);
      return withFormErrors(
        c,
        ["validation_failed"],
        async () => {
          await promptEdits.describe(name, input, actorOf(c));
          if (negotiate(c) === "json") {
            const prompt = await prompts.get(name);
            return c.json(promptJson(prompt, nextUrl(promptUrl(name), prompt.nextCursor, {})));
          }
          return navigateAfterPost(c, promptUrl(name), `Saved the description of ${name}`);
        },
        (error) => keepDescription(c, name, input.description, error),
      );
    })
    .post("/prompts/:name/archive", async (c) => {
      const name = c.req.param("name");
      const archived = await promptEdits.archive(name, actorOf(c));
      if (negotiate(c) === "json") return c.json(archiveSchema.parse(archived));
      const text = `Archived ${name}: hidden from the list; applications still read it`;
      return navigateAfterPost(c, promptUrl(name), text);
    })
    .post("/prompts/:name/unarchive", async (c) => {
      const name = c.req.param("name");
      const back = await promptEdits.unarchive(name, actorOf(c));
      if (negotiate(c) === "json") return c.json(archiveSchema.parse(back));
      return navigateAfterPost(c, promptUrl(name), `${name} is back in the list`);
    });
}

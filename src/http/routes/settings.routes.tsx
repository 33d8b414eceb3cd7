import { Hono } from "hono";
import { settingsHome } from "../../../views/fragments/account.js";
import { SettingsPage } from "../../../views/pages/settings.page.js";
import { parseStage } from "../../domain/stage.js";
import type { Services } from "../../services/index.js";
import { actorOf, roleOf } from "../auth.js";
import { redirectAfterPost, takeFlash } from "../flash.js";
import { messageForPeople } from "../for-people.js";
import { withFormErrors } from "../form.js";
import { readInput } from "../input.js";
import { environmentsSchema } from "../json.js";
import { negotiate } from "../negotiate.js";
import { page } from "../render.js";

export function createSettingsRoutes(services: Services) {
  const { environments } = services;
  return (
    new Hono()
      // The Settings link's own page: whichever tab this person may open first.
      .get("/settings", (c) => c.redirect(settingsHome(roleOf(c)), 302))
      .get("/settings/environments", async (c) => {
        const all = await environments.get();
        if (negotiate(c) === "json") return c.json(environmentsSchema.parse(all));
        return page(c, <SettingsPage environments={all} flash={takeFlash(c)} />);
      })
      .post("/settings/environments/:stage", async (c) => {
        const stage = c.req.param("stage");
        const input = withRegressionGate(
          await readInput(c, { int: ["timeoutMs", "approvals"], bool: ["gate", "noRegression"] }),
        );
        return withFormErrors(
          c,
          ["validation_failed"],
          async () => {
            const all = await environments.update(stage, input, actorOf(c));
            if (negotiate(c) === "json") return c.json(environmentsSchema.parse(all));
            return redirectAfterPost(c, "/settings/environments", `Saved the ${stage.toUpperCase()} environment`);
          },
          async (error) => {
            // The service checks the stage before the input, so a validation error names a real stage.
            const parsed = parseStage(stage) ?? "DEV";
            const values = Object.fromEntries(Object.entries(input).map(([k, v]) => [k, String(v)]));
            const draft = { stage: parsed, values, issues: error.issues ?? [] };
            const flash = { kind: "error" as const, text: messageForPeople(error) };
            return page(c, <SettingsPage environments={await environments.get()} draft={draft} flash={flash} />, 422);
          },
        );
      })
  );
}

/**
 * The settings form's two checkboxes as the one `gate` value JSON sends: "no-regression" when
 * both are ticked (the no-regression gate adds to the passing test), else the gate's own box.
 */
function withRegressionGate(input: Record<string, unknown>): Record<string, unknown> {
  if (!("noRegression" in input)) return input;
  const { noRegression, ...rest } = input;
  return noRegression === true && rest.gate === true ? { ...rest, gate: "no-regression" } : rest;
}

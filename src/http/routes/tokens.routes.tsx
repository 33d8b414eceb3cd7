import { type Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { FlashMessage } from "../../../views/layout.js";
import { type NewToken, type NewTokenDraft, TokensPage } from "../../../views/pages/tokens.page.js";
import { roleAllows } from "../../domain/roles.js";
import type { Services } from "../../services/index.js";
import { actorOf } from "../auth.js";
import { redirectAfterPost, takeFlash } from "../flash.js";
import { messageForPeople } from "../for-people.js";
import { withFormErrors } from "../form.js";
import { readInput } from "../input.js";
import { newTokenSchema, tokenSchema, tokensSchema } from "../json.js";
import { negotiate } from "../negotiate.js";
import { page } from "../render.js";

const TOKENS = "/settings/tokens";

/** SPEC §5: `/settings/tokens` — one's own tokens (an admin sees and manages everyone's). */
export function createTokensRoutes(services: Services) {
  const { tokens, users } = services;

  async function tokensPage(
    c: Context,
    extra: {
      created?: NewToken;
      draft?: NewTokenDraft;
      flash?: FlashMessage | null;
      status?: ContentfulStatusCode;
    } = {},
  ) {
    const by = actorOf(c);
    const admin = roleAllows(by.role, "admin").allowed;
    const [list, everyone] = await Promise.all([
      tokens.list(by),
      admin ? users.list(by).then((all) => all.filter((u) => !u.disabled).map((u) => u.name)) : null,
    ]);
    return page(
      c,
      <TokensPage
        tokens={list}
        everyone={admin}
        users={everyone}
        created={extra.created}
        draft={extra.draft}
        now={new Date()}
        flash={extra.flash ?? takeFlash(c)}
      />,
      extra.status ?? 200,
    );
  }

  return new Hono()
    .get(TOKENS, async (c) => {
      if (negotiate(c) === "json") return c.json(tokensSchema.parse({ tokens: await tokens.list(actorOf(c)) }));
      return tokensPage(c);
    })
    .post(TOKENS, async (c) => {
      const input = await readInput(c, { bool: ["readOnly"] });
      return withFormErrors(
        c,
        ["validation_failed", "forbidden", "not_found", "invalid_transition"],
        async () => {
          const created = await tokens.create(input, actorOf(c));
          if (negotiate(c) === "json") return c.json(newTokenSchema.parse(created), 201);
          // Shown in this answer only: a redirect would have to carry the secret in a cookie or URL.
          const flash = { kind: "ok" as const, text: `Created the token “${created.token.label}”` };
          return tokensPage(c, { created, flash, status: 201 });
        },
        (error) => {
          const text = (key: string) => (typeof input[key] === "string" ? (input[key] as string) : "");
          const issues = error.issues ?? [{ path: "label", message: error.message }];
          const draft = { label: text("label"), user: text("user"), readOnly: input.readOnly === true, issues };
          return tokensPage(c, {
            draft,
            flash: { kind: "error", text: messageForPeople(error) },
            status: error.status as 422,
          });
        },
      );
    })
    .post(`${TOKENS}/:id/revoke`, async (c) => {
      const revoked = await tokens.revoke(c.req.param("id"), actorOf(c));
      if (negotiate(c) === "json") return c.json(tokenSchema.parse(revoked));
      return redirectAfterPost(c, TOKENS, `Revoked the token “${revoked.label}”: it is refused from now on`);
    });
}

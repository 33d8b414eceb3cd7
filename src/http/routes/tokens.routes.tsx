import { type Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { FlashMessage } from "../../../views/layout.js";
import { type NewTokenDraft, TokensPage } from "../../../views/pages/tokens.page.js";
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
import { type ShownOnce, showOnce, takeShownOnce } from "../show-once.js";

const TOKENS = "/settings/tokens";

/** A new token's id and secret, for the page the form's redirect lands on (show-once.ts). */
const NEW_TOKEN: ShownOnce = {
  name: "promptrail_new_token",
  path: TOKENS,
  shape: /^(\d{1,15})\.(prt_[A-Za-z0-9_-]{1,100})$/,
};

/** docs/accounts.md: `/settings/tokens` — one's own tokens (an admin sees and manages everyone's). */
export function createTokensRoutes(services: Services) {
  const { tokens, users } = services;

  async function tokensPage(
    c: Context,
    extra: {
      /** The new token's id and secret, as left by the form's redirect. */
      created?: RegExpExecArray | null;
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
    // The token the form just made, if this page is where its redirect landed (and it is one of the list).
    const made = extra.created ? list.find((t) => t.id === Number(extra.created?.[1])) : undefined;
    return page(
      c,
      <TokensPage
        tokens={list}
        everyone={admin}
        users={everyone}
        created={made && extra.created ? { token: made, secret: extra.created[2] as string } : undefined}
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
      return tokensPage(c, { created: takeShownOnce(c, NEW_TOKEN) });
    })
    .post(TOKENS, async (c) => {
      const input = await readInput(c, { bool: ["readOnly"] });
      return withFormErrors(
        c,
        ["validation_failed", "forbidden", "not_found", "invalid_transition"],
        async () => {
          const created = await tokens.create(input, actorOf(c));
          if (negotiate(c) === "json") return c.json(newTokenSchema.parse(created), 201);
          // POST → 303 → GET: a reload of the page shows the list, and makes no second token.
          showOnce(c, NEW_TOKEN, `${created.token.id}.${created.secret}`);
          return redirectAfterPost(c, TOKENS, `Created the token “${created.token.label}”`);
        },
        (error) => {
          const text = (key: string) => (typeof input[key] === "string" ? (input[key] as string) : "");
          const issues = error.issues ?? [{ path: "label", message: error.message }];
          const draft = { label: text("label"), user: text("user"), readOnly: input.readOnly === true, issues };
          return tokensPage(c, {
            draft,
            flash: { kind: "error", text: messageForPeople(error) },
            status: error.status,
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

import { Hono } from "hono";
import { getCookie } from "hono/cookie";
import { LoginPage } from "../../../views/pages/login.page.js";
import { PasswordPage } from "../../../views/pages/password.page.js";
import { SESSION_COOKIE, safeNext } from "../../domain/accounts.js";
import { DomainError } from "../../domain/errors.js";
import type { Services } from "../../services/index.js";
import { actorOf, viewerOf } from "../auth.js";
import { navigateAfterPost, takeFlash } from "../flash.js";
import { messageForPeople } from "../for-people.js";
import { withFormErrors } from "../form.js";
import { readInput } from "../input.js";
import { meSchema } from "../json.js";
import { negotiate } from "../negotiate.js";
import { page } from "../render.js";
import { clearSessionCookie, clientAddress, type ProxyTrust, setSessionCookie } from "../session-cookie.js";

/** docs/accounts.md: the sign-in page, signing in and out, and `GET /me`. */
export function createSessionRoutes(services: Services, trust: ProxyTrust) {
  return new Hono()
    .get("/login", (c) => {
      const next = safeNext(c.req.query("next"));
      const viewer = viewerOf(c);
      if (viewer?.mode === "secured" && viewer.session) return c.redirect(next, 303);
      return page(c, <LoginPage next={next} open={viewer?.mode === "open"} flash={takeFlash(c)} />);
    })
    .post("/login", async (c) => {
      const input = await readInput(c);
      const next = safeNext(input.next);
      try {
        const credentials = { name: input.name, password: input.password };
        const { user, secret } = await services.signIn.signIn(credentials, clientAddress(c, trust));
        setSessionCookie(c, secret, trust);
        if (negotiate(c) === "json") return c.json({ user: meSchema.shape.user.parse(user) });
        return navigateAfterPost(c, next, `Signed in as ${user.name} (${user.role})`);
      } catch (error) {
        const refused =
          error instanceof DomainError && (error.code === "unauthorized" || error.code === "rate_limited");
        if (!refused || negotiate(c) === "json") throw error;
        if (error.retryAfter !== undefined) c.header("Retry-After", String(error.retryAfter));
        const name = typeof input.name === "string" ? input.name.slice(0, 64) : "";
        return page(c, <LoginPage next={next} name={name} error={error.message} />, error.status);
      }
    })
    .post("/logout", async (c) => {
      const secret = getCookie(c, SESSION_COOKIE);
      if (secret) await services.signIn.signOut(secret);
      clearSessionCookie(c, trust);
      if (negotiate(c) === "json") return c.json({ signedOut: true });
      return navigateAfterPost(c, "/login", "Signed out");
    })
    .get("/settings/password", (c) => page(c, <PasswordPage flash={takeFlash(c)} />))
    .post("/settings/password", async (c) => {
      const { confirm, ...input } = await readInput(c);
      return withFormErrors(
        c,
        ["validation_failed", "invalid_transition"],
        async () => {
          if (confirm !== undefined && confirm !== input.password) {
            const message = "The two new passwords differ";
            throw new DomainError("validation_failed", message, [{ path: "confirm", message }]);
          }
          const by = actorOf(c);
          const user = await services.users.changeOwnPassword(input, by);
          // Every session of the user ended; the browser that asked stays signed in with a new one.
          if (by.userId !== undefined && by.token === undefined)
            setSessionCookie(c, await services.signIn.startSession(by.userId), trust);
          if (negotiate(c) === "json") return c.json({ user: meSchema.shape.user.parse(user) });
          return navigateAfterPost(c, "/settings/password", "Password changed; every other browser is signed out");
        },
        (error) => {
          const issues = error.issues ?? [{ path: "current", message: error.message }];
          return page(
            c,
            <PasswordPage issues={issues} flash={{ kind: "error", text: messageForPeople(error) }} />,
            error.status,
          );
        },
      );
    })
    .get("/me", (c) => {
      const viewer = viewerOf(c);
      return c.json(meSchema.parse({ mode: viewer?.mode ?? "open", user: viewer?.user ?? null }));
    });
}

import { type Context, Hono } from "hono";
import { type NewUserDraft, UsersPage } from "../../../views/pages/users.page.js";
import type { DomainError } from "../../domain/errors.js";
import type { User } from "../../model/account.model.js";
import type { Services } from "../../services/index.js";
import { actorOf } from "../auth.js";
import { redirectAfterPost, takeFlash } from "../flash.js";
import { messageForPeople } from "../for-people.js";
import { withFormErrors } from "../form.js";
import { readInput } from "../input.js";
import { userSchema, usersSchema } from "../json.js";
import { negotiate } from "../negotiate.js";
import { page } from "../render.js";

const USERS = "/settings/users";

/** docs/accounts.md: `/settings/users` (admin) — the list, a new user, role changes, disable and enable. */
export function createUsersRoutes(services: Services) {
  const { users } = services;

  /** The users page again, with why the last change was refused (and the new-user form as typed). */
  async function again(c: Context, error: DomainError, draft?: NewUserDraft) {
    const all = await users.list(actorOf(c));
    const flash = { kind: "error" as const, text: messageForPeople(error) };
    return page(c, <UsersPage users={all} now={new Date()} draft={draft} flash={flash} />, error.status);
  }

  /** One change of one user: JSON answers the user, a form goes back to the list. */
  function change(act: (c: Context, name: string) => Promise<User>, said: (user: User) => string) {
    return (c: Context) =>
      withFormErrors(
        c,
        ["validation_failed", "invalid_transition"],
        async () => {
          const user = await act(c, c.req.param("name") as string);
          if (negotiate(c) === "json") return c.json(userSchema.parse(user));
          return redirectAfterPost(c, USERS, said(user));
        },
        (error) => again(c, error),
      );
  }

  return new Hono()
    .get(USERS, async (c) => {
      const all = await users.list(actorOf(c));
      if (negotiate(c) === "json") return c.json(usersSchema.parse({ users: all }));
      return page(c, <UsersPage users={all} now={new Date()} flash={takeFlash(c)} />);
    })
    .post(USERS, async (c) => {
      const input = await readInput(c);
      return withFormErrors(
        c,
        ["validation_failed", "name_taken"],
        async () => {
          const user = await users.add(input, actorOf(c));
          if (negotiate(c) === "json") return c.json(userSchema.parse(user), 201);
          return redirectAfterPost(c, USERS, `Added ${user.name} as ${user.role}`);
        },
        (error) => {
          const text = (key: string) => (typeof input[key] === "string" ? (input[key] as string) : "");
          const issues = error.issues ?? [{ path: "name", message: error.message }];
          return again(c, error, { name: text("name"), role: text("role"), issues });
        },
      );
    })
    .post(
      `${USERS}/:name/save`,
      change(
        async (c, name) => users.setRole(name, await readInput(c), actorOf(c)),
        (user) => `${user.name} is ${user.role === "admin" || user.role === "editor" ? "an" : "a"} ${user.role} now`,
      ),
    )
    .post(
      `${USERS}/:name/disable`,
      change(
        (c, name) => users.disable(name, actorOf(c)),
        (user) => `Disabled ${user.name}: their sessions ended and their tokens stopped`,
      ),
    )
    .post(
      `${USERS}/:name/enable`,
      change(
        (c, name) => users.enable(name, actorOf(c)),
        (user) => `Enabled ${user.name}`,
      ),
    );
}

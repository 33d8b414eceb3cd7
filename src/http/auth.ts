import type { IncomingMessage } from "node:http";
import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { SESSION_COOKIE, TOKEN_PREFIX } from "../domain/accounts.js";
import { DomainError } from "../domain/errors.js";
import { requirePermission } from "../domain/roles.js";
import type { Viewer } from "../model/account.model.js";
import { setRequestActor } from "../server/request-log.js";
import type { Credential, Mode } from "../services/access.service.js";
import { type Actor, LOCAL } from "../services/context.js";
import type { Services } from "../services/index.js";
import { routePermission } from "./access.js";

declare module "hono" {
  interface ContextVariableMap {
    /** Who the request acts as (R11): set by the access check, LOCAL in open mode. */
    actor: Actor;
    mode: Mode;
  }
}

export const NO_CREDENTIALS = "Sign in, or send an API token (Authorization: Bearer prt_…)";

/**
 * The credential a request shows: `Authorization: Bearer prt_…`, HTTP Basic whose password is
 * the token (any user name, for clients such as Langfuse's SDKs that only speak Basic), or the
 * session cookie. An Authorization header that is not a token is a wrong credential, not none.
 */
export function credentialOf(c: Context): Credential | "wrong" | null {
  const header = c.req.header("authorization");
  if (header !== undefined) {
    const token = tokenOf(header);
    return token ? { kind: "token", secret: token } : "wrong";
  }
  const session = getCookie(c, SESSION_COOKIE);
  return session ? { kind: "session", secret: session } : null;
}

function tokenOf(header: string): string | null {
  const space = header.indexOf(" ");
  const scheme = header.slice(0, space).toLowerCase();
  const value = header.slice(space + 1).trim();
  if (scheme === "bearer") return value.startsWith(TOKEN_PREFIX) ? value : null;
  if (scheme !== "basic") return null;
  const decoded = Buffer.from(value, "base64").toString("utf8");
  const password = decoded.slice(decoded.indexOf(":") + 1);
  return decoded.includes(":") && password.startsWith(TOKEN_PREFIX) ? password : null;
}

/** Records who the request is, for the handlers (c.var.actor) and the request log. */
function admit(c: Context, mode: Mode, actor: Actor): Actor {
  c.set("mode", mode);
  c.set("actor", actor);
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (incoming && actor !== LOCAL) setRequestActor(incoming, actor.actor);
  return actor;
}

/**
 * Who the request is: LOCAL in open mode; in secured mode the actor of a valid session or token,
 * else 401 unauthorized (or null when `optional`). Synchronous when the access service has the
 * answer in memory, so the runtime read stays cheap.
 */
export function authenticate(services: Services, c: Context, optional = false): Actor | null | Promise<Actor | null> {
  const mode = services.access.mode();
  if (mode instanceof Promise) return mode.then((m) => identify(services, c, m, optional));
  return identify(services, c, mode, optional);
}

function identify(services: Services, c: Context, mode: Mode, optional: boolean) {
  if (mode === "open") return admit(c, mode, LOCAL);
  c.set("mode", mode);
  const credential = credentialOf(c);
  const refuse = (): null => {
    if (optional) return null;
    throw new DomainError(
      "unauthorized",
      credential === null ? NO_CREDENTIALS : "That session or API token is not valid (any more): sign in again",
    );
  };
  if (credential === null || credential === "wrong") return refuse();
  const found = services.access.identify(credential);
  const settle = (actor: Actor | null) => (actor ? admit(c, mode, actor) : refuse());
  return found instanceof Promise ? found.then(settle) : settle(found);
}

/**
 * SPEC §5 for every route mounted after it: who the request is, and whether its role may do what
 * the route does (routePermission); 401 without a valid credential in secured mode, 403
 * `forbidden` naming the role needed. Public routes pass, signed in or not.
 */
export function requireAccess(services: Services): MiddlewareHandler {
  return async (c, next) => {
    const permission = routePermission(c.req.method, c.req.path);
    const actor = await authenticate(services, c, permission === "public");
    if (actor && permission !== "public") requirePermission(actor.role, permission);
    return next();
  };
}

/** The actor of this request, for the services (LOCAL where no access check ran). */
export function actorOf(c: Context): Actor {
  return c.get("actor") ?? LOCAL;
}

/** What the pages need to know about who looks at them. */
export function viewerOf(c: Context): Viewer | null {
  const mode = c.get("mode");
  if (mode === undefined) return null;
  const actor = actorOf(c);
  const user = actor.userId !== undefined ? { name: actor.actor, role: actor.role ?? "viewer" } : null;
  return { mode, user, role: actor.role, session: actor.userId !== undefined && actor.token === undefined };
}

/** The role this request acts with (null in open mode). */
export const roleOf = (c: Context) => actorOf(c).role;

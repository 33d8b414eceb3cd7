import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { SESSION_COOKIE, TOKEN_PREFIX } from "../domain/accounts.js";
import { DomainError } from "../domain/errors.js";
import { requirePermission } from "../domain/roles.js";
import type { Viewer } from "../model/account.model.js";
import { type Actor, LOCAL } from "../services/context.js";
import type { Services } from "../services/index.js";
import type { Credential, Mode, Who } from "../services/runtime.service.js";
import { routePermission } from "./access.js";
import { requestHeader } from "./request-header.js";
import { incomingOf, type RequestNotes } from "./request-notes.js";

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
  const header = requestHeader(c, "authorization");
  if (header !== undefined) return authorizationCredential(header);
  // Only when it carries one: getCookie would build the request's Headers object (request-header.ts).
  const session = requestHeader(c, "cookie") === undefined ? undefined : getCookie(c, SESSION_COOKIE);
  return session ? { kind: "session", secret: session } : null;
}

/** What an Authorization header shows: an API token, or a wrong credential. */
export function authorizationCredential(header: string): Credential | "wrong" {
  const token = tokenOf(header);
  return token ? { kind: "token", secret: token } : "wrong";
}

/** The API token an Authorization header carries (Bearer, or Basic with the token as password); null if none. */
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

/**
 * Admits a request as `who` says (docs/accounts.md): records its actor for the handlers (c.var.actor) and
 * the request log. In secured mode without a valid credential: 401 unauthorized, or null when
 * `optional` (public routes).
 */
export function admit(
  c: Context,
  notes: RequestNotes,
  who: Who,
  credential: Credential | "wrong" | null,
  optional = false,
): Actor | null {
  c.set("mode", who.mode);
  const { actor } = who;
  if (actor === null) {
    if (optional) return null;
    throw new DomainError(
      "unauthorized",
      credential === null ? NO_CREDENTIALS : "That session or API token is not valid (any more): sign in again",
    );
  }
  c.set("actor", actor);
  const incoming = incomingOf(c);
  if (incoming && actor !== LOCAL) notes.identified(incoming, actor.actor);
  return actor;
}

/** A credential the runtime can look up: a wrong one is none, and admit() tells them apart. */
export const usable = (credential: Credential | "wrong" | null): Credential | null =>
  credential === "wrong" ? null : credential;

/**
 * docs/accounts.md for every route mounted after it: who the request is, and whether its role may do what
 * the route does (routePermission); 401 without a valid credential in secured mode, 403
 * `forbidden` naming the role needed. Public routes pass, signed in or not.
 */
export function requireAccess(services: Services, notes: RequestNotes): MiddlewareHandler {
  return async (c, next) => {
    const permission = routePermission(c.req.method, c.req.path);
    const credential = credentialOf(c);
    const who = await services.runtime.who(usable(credential));
    const actor = admit(c, notes, who, credential, permission === "public");
    if (actor && permission !== "public") requirePermission(actor.role, permission);
    return next();
  };
}

/**
 * The runtime read's access rules, for the routes that programs call and that check access before
 * the access middleware (the change stream, MCP): who the request is, and a role that may read.
 * Throws unauthorized (secured mode without a valid credential) or forbidden.
 */
export async function admitReader(c: Context, services: Services, notes: RequestNotes): Promise<Actor> {
  const credential = credentialOf(c);
  const actor = admit(c, notes, await services.runtime.who(usable(credential)), credential) as Actor;
  requirePermission(actor.role, "read");
  return actor;
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

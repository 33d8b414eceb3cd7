import { ROLES, type Role } from "../../src/domain/roles.js";
import { createServices } from "../../src/services/index.js";
import { freshApp } from "../integration/http/support/http.js";

/** Every test user's password. */
export const PASSWORD = "correct horse battery staple";

export interface Credentials {
  /** The `promptrail_session` cookie's value. */
  session: string;
  /** A full API token (acts with the user's role). */
  token: string;
  /** A read-only API token (acts as a viewer). */
  readOnly: string;
}

/** What a request shows: a session cookie, an API token as Bearer, or nothing. */
export type Shown = { session: string } | { token: string } | null;

export function credentialHeaders(shown: Shown): Record<string, string> {
  if (shown === null) return {};
  if ("session" in shown) return { cookie: `promptrail_session=${shown.session}` };
  return { authorization: `Bearer ${shown.token}` };
}

/** The session cookie an answer sets, or null. */
export function sessionCookie(res: Response): string | null {
  return /promptrail_session=([^;]*)/.exec(res.headers.get("set-cookie") ?? "")?.[1] || null;
}

/**
 * The app over a fresh database in secured mode: one user per role, named after it (the admin
 * first), each signed in once through POST /login and with a full and a read-only token.
 */
export async function securedApp(options: Parameters<typeof freshApp>[0] = {}) {
  const client = await freshApp(options);
  const local = createServices({ db: client.db });
  const who = {} as Record<Role, Credentials>;
  for (const role of ["admin", ...ROLES.filter((r) => r !== "admin")] as Role[])
    await local.users.add({ name: role, role, password: PASSWORD });
  for (const role of ROLES) {
    const res = await client.request("/login", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ name: role, password: PASSWORD }),
    });
    const session = sessionCookie(res);
    if (res.status !== 200 || !session) throw new Error(`${role} could not sign in: ${res.status}`);
    const token = (await local.tokens.create({ user: role, label: `${role} full` })).secret;
    const readOnly = (await local.tokens.create({ user: role, label: `${role} read-only`, readOnly: true })).secret;
    who[role] = { session, token, readOnly };
  }

  /** A JSON call showing `shown`; answers status, headers and the parsed body. */
  async function as(shown: Shown, method: string, path: string, body?: unknown) {
    const res = await client.request(path, {
      method,
      headers: {
        accept: "application/json",
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...credentialHeaders(shown),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    // biome-ignore lint/suspicious/noExplicitAny: JSON bodies are checked by the assertions that read them
    let json: any = null;
    try {
      json = JSON.parse(text);
    } catch {
      // Pages answer HTML even to JSON callers (the sign-in page, confirmation pages).
    }
    return { status: res.status, headers: res.headers, body: json, text };
  }

  return { ...client, local, who, as };
}

export type SecuredClient = Awaited<ReturnType<typeof securedApp>>;

import { describe, expect, test } from "vitest";
import { ROLES, type Role } from "../../../src/domain/roles.js";
import { createServices } from "../../../src/services/index.js";
import { hashPassword } from "../../../src/services/secrets.js";
import { PASSWORD, type SecuredClient, type Shown, securedApp } from "../../support/accounts.js";
import { type Client, freshApp } from "../http/support/http.js";

/**
 * docs/accounts.md, every route × every role × {session, token, read-only token, nothing}, in open and in
 * secured mode, against ONE table: what each route needs (the rows of the role table) and what
 * it answers when allowed. The table is checked against `app.routes`, so a route added later
 * without a line here fails this test until someone decides who may use it.
 */
type Need = "public" | "read" | "edit" | "release" | "admin" | "self";

/** docs/accounts.md's role table, written out here rather than imported, so the code cannot grade itself. */
const MAY: Record<Exclude<Need, "public">, Role[]> = {
  read: ["viewer", "editor", "releaser", "admin"],
  edit: ["editor", "releaser", "admin"],
  release: ["releaser", "admin"],
  admin: ["admin"],
  self: ["viewer", "editor", "releaser", "admin"],
};

type Mode = "open" | "secured";
type Cred = "session" | "token" | "readOnly" | "none";

/** Makes fresh data for one request, as `local` (no HTTP, no role). */
interface Fixtures {
  s: ReturnType<typeof createServices>;
  unique(prefix?: string): string;
  /** A prompt with v1.0 current in DEV. */
  prompt(): Promise<string>;
  /**
   * A user inserted straight into the table (hashing once keeps this fast). In open mode always
   * a disabled one: an active user would secure the registry.
   */
  user(role: Role, disabled?: boolean): Promise<string>;
  /** The acting user's name (secured mode), for routes about one's own things. */
  me: string | null;
  /** A webhook with one delivery queued (a prompt created after it), made once per fixtures. */
  webhook(): Promise<{ id: number; delivery: string }>;
  /** A webhook of its own (for delete). */
  freshWebhook(): Promise<number>;
}

interface Request {
  path: string;
  body?: unknown;
  /** Show a session of this user made for this request only (signing out ends it). */
  freshSession?: boolean;
  /** Headers beside (or instead of) the JSON ones. */
  headers?: Record<string, string>;
}

interface Case {
  need: Need;
  request(f: Fixtures): Promise<Request>;
  /** The status when allowed; a function where it depends on the mode or credential. */
  ok: number | ((mode: Mode, cred: Cred) => number);
}

const V = "/prompts/:name/versions/:v";
const at = (name: string, v = "1.0") => `/prompts/${name}/versions/${v}`;

/** Every route the app has, by method and path as `app.routes` lists them. */
const TABLE: Record<string, Case[]> = {
  "GET /healthz": [{ need: "public", request: async () => ({ path: "/healthz" }), ok: 200 }],
  "GET /static/:file": [{ need: "public", request: async () => ({ path: "/static/app.css" }), ok: 200 }],
  "GET /login": [
    {
      need: "public",
      request: async () => ({ path: "/login" }),
      // Signed in already: on to `next`.
      ok: (mode, cred) => (mode === "secured" && cred === "session" ? 303 : 200),
    },
  ],
  "POST /login": [
    {
      need: "public",
      request: async () => ({ path: "/login", body: { name: "admin", password: PASSWORD } }),
      ok: (mode) => (mode === "open" ? 401 : 200),
    },
  ],
  "POST /logout": [{ need: "self", request: async () => ({ path: "/logout", body: {}, freshSession: true }), ok: 200 }],
  "GET /me": [{ need: "self", request: async () => ({ path: "/me" }), ok: 200 }],
  "GET /": [{ need: "read", request: async () => ({ path: "/" }), ok: 200 }],
  "GET /prompts": [{ need: "read", request: async () => ({ path: "/prompts" }), ok: 200 }],
  "POST /prompts": [
    {
      need: "edit",
      request: async (f) => ({ path: "/prompts", body: { name: f.unique(), body: "Hi {{x}}" } }),
      ok: 201,
    },
  ],
  "GET /prompts/:name": [{ need: "read", request: async (f) => ({ path: `/prompts/${await f.prompt()}` }), ok: 200 }],
  "POST /prompts/:name/save": [
    {
      need: "edit",
      request: async (f) => ({ path: `/prompts/${await f.prompt()}/save`, body: { description: "d" } }),
      ok: 200,
    },
  ],
  "POST /prompts/:name/archive": [
    { need: "edit", request: async (f) => ({ path: `/prompts/${await f.prompt()}/archive`, body: {} }), ok: 200 },
  ],
  "POST /prompts/:name/unarchive": [
    {
      need: "edit",
      request: async (f) => {
        const name = await f.prompt();
        await f.s.promptEdits.archive(name);
        return { path: `/prompts/${name}/unarchive`, body: {} };
      },
      ok: 200,
    },
  ],
  "GET /prompts/:name/compare": [
    {
      need: "read",
      request: async (f) => ({ path: `/prompts/${await f.prompt()}/compare?from=1.0&to=1.0` }),
      ok: 200,
    },
  ],
  "GET /prompts/:name/history": [
    { need: "read", request: async (f) => ({ path: `/prompts/${await f.prompt()}/history` }), ok: 200 },
  ],
  "GET /prompts/:name/stages/:stage": [
    { need: "read", request: async (f) => ({ path: `/prompts/${await f.prompt()}/stages/dev` }), ok: 200 },
  ],
  // Review before PROD: the role each needs (no review exists: an allowed request finds none, 404).
  "GET /reviews": [{ need: "read", request: async () => ({ path: "/reviews?state=open" }), ok: 200 }],
  "GET /reviews/:id": [{ need: "read", request: async () => ({ path: "/reviews/999999" }), ok: 404 }],
  "POST /reviews/:id/approve": [
    { need: "release", request: async () => ({ path: "/reviews/999999/approve", body: {} }), ok: 404 },
  ],
  "POST /reviews/:id/reject": [
    { need: "release", request: async () => ({ path: "/reviews/999999/reject", body: { comment: "no" } }), ok: 404 },
  ],
  "POST /reviews/:id/withdraw": [
    { need: "edit", request: async () => ({ path: "/reviews/999999/withdraw", body: {} }), ok: 404 },
  ],
  "GET /audit": [{ need: "read", request: async () => ({ path: "/audit" }), ok: 200 }],
  "GET /changes": [{ need: "read", request: async () => ({ path: "/changes" }), ok: 200 }],
  // An MCP call only reads, though every call is a POST (docs/mcp.md).
  "POST /mcp": [
    {
      need: "read",
      request: async () => ({
        path: "/mcp",
        body: { jsonrpc: "2.0", id: 1, method: "tools/list" },
        headers: { accept: "application/json, text/event-stream" },
      }),
      ok: 200,
    },
  ],
  // A render only reads, though its variables come in a POST body (docs/contract.md).
  "POST /prompts/:name/stages/:stage/render": [
    {
      need: "read",
      request: async (f) => ({
        path: `/prompts/${await f.prompt()}/stages/dev/render`,
        body: { variables: { x: "y" } },
      }),
      ok: 200,
    },
  ],
  [`POST ${V}/render`]: [
    {
      need: "read",
      request: async (f) => ({ path: `${at(await f.prompt())}/render`, body: { variables: { x: "y" } } }),
      ok: 200,
    },
  ],
  [`GET ${V}`]: [{ need: "read", request: async (f) => ({ path: at(await f.prompt()) }), ok: 200 }],
  [`POST ${V}/save`]: [
    { need: "edit", request: async (f) => ({ path: `${at(await f.prompt())}/save`, body: { body: "new" } }), ok: 200 },
  ],
  [`GET ${V}/promote`]: [
    { need: "edit", request: async (f) => ({ path: `${at(await f.prompt())}/promote` }), ok: 200 },
    {
      need: "release",
      request: async (f) => {
        const name = await f.prompt();
        await f.s.versions.promote(name, "1.0");
        return { path: `${at(name)}/promote` };
      },
      ok: 200,
    },
  ],
  [`POST ${V}/promote`]: [
    { need: "edit", request: async (f) => ({ path: `${at(await f.prompt())}/promote`, body: {} }), ok: 200 },
    {
      // The same route, the role the version's stage asks for: TST → PROD is a release.
      need: "release",
      request: async (f) => {
        const name = await f.prompt();
        await f.s.versions.promote(name, "1.0");
        return { path: `${at(name)}/promote`, body: { to: "PROD" } };
      },
      ok: 200,
    },
  ],
  [`POST ${V}/new`]: [
    { need: "edit", request: async (f) => ({ path: `${at(await f.prompt())}/new`, body: {} }), ok: 201 },
  ],
  [`GET ${V}/delete`]: [
    {
      need: "edit",
      request: async (f) => {
        const name = await f.prompt();
        await f.s.versions.createNew(name, "1.0");
        return { path: `${at(name, "1.1")}/delete` };
      },
      ok: 200,
    },
  ],
  [`POST ${V}/delete`]: [
    {
      need: "edit",
      request: async (f) => {
        const name = await f.prompt();
        await f.s.versions.createNew(name, "1.0");
        return { path: `${at(name, "1.1")}/delete`, body: {} };
      },
      ok: 200,
    },
  ],
  [`POST ${V}/make-current`]: [
    {
      need: "edit",
      request: async (f) => {
        const name = await f.prompt();
        await f.s.versions.createNew(name, "1.0");
        return { path: `${at(name, "1.1")}/make-current`, body: {} };
      },
      ok: 200,
    },
    {
      // A rollback of PROD is a release.
      need: "release",
      request: async (f) => {
        const name = await f.prompt();
        await f.s.versions.promote(name, "1.0");
        await f.s.versions.promote(name, "1.0", { to: "PROD" });
        await f.s.versions.createNew(name, "1.0");
        await f.s.versions.promote(name, "1.1");
        await f.s.versions.promote(name, "1.1", { to: "PROD" });
        return { path: `${at(name)}/make-current`, body: {} };
      },
      ok: 200,
    },
  ],
  [`POST ${V}/test`]: [
    { need: "edit", request: async (f) => ({ path: `${at(await f.prompt())}/test`, body: {} }), ok: 200 },
  ],
  [`GET ${V}/tests`]: [{ need: "read", request: async (f) => ({ path: `${at(await f.prompt())}/tests` }), ok: 200 }],
  [`GET ${V}/revisions`]: [
    { need: "read", request: async (f) => ({ path: `${at(await f.prompt())}/revisions` }), ok: 200 },
  ],
  [`POST ${V}/revisions/:r/restore`]: [
    {
      need: "edit",
      request: async (f) => {
        const name = await f.prompt();
        await f.s.versions.save(name, "1.0", { body: "second" });
        return { path: `${at(name)}/revisions/1/restore`, body: {} };
      },
      ok: 200,
    },
  ],
  "GET /prompts/:name/test-cases": [
    { need: "read", request: async (f) => ({ path: `/prompts/${await f.prompt()}/test-cases` }), ok: 200 },
  ],
  "POST /prompts/:name/test-cases": [
    {
      need: "edit",
      request: async (f) => ({ path: `/prompts/${await f.prompt()}/test-cases`, body: { name: "c", variables: {} } }),
      ok: 201,
    },
  ],
  "GET /prompts/:name/test-cases/:id": [
    { need: "read", request: async (f) => ({ path: await testCasePath(f) }), ok: 200 },
  ],
  "POST /prompts/:name/test-cases/:id/save": [
    {
      need: "edit",
      request: async (f) => ({ path: `${await testCasePath(f)}/save`, body: { name: "c2", variables: {} } }),
      ok: 200,
    },
  ],
  "GET /prompts/:name/test-cases/:id/delete": [
    { need: "edit", request: async (f) => ({ path: `${await testCasePath(f)}/delete` }), ok: 200 },
  ],
  "POST /prompts/:name/test-cases/:id/delete": [
    { need: "edit", request: async (f) => ({ path: `${await testCasePath(f)}/delete`, body: {} }), ok: 200 },
  ],
  // Where Settings starts for the person asking: environments for an admin, tokens for the rest.
  "GET /settings": [{ need: "self", request: async () => ({ path: "/settings" }), ok: 302 }],
  "GET /settings/environments": [{ need: "admin", request: async () => ({ path: "/settings/environments" }), ok: 200 }],
  "POST /settings/environments/:stage": [
    {
      need: "admin",
      request: async () => ({ path: "/settings/environments/dev", body: { timeoutMs: 20000 } }),
      ok: 200,
    },
  ],
  "GET /settings/webhooks": [{ need: "admin", request: async () => ({ path: "/settings/webhooks" }), ok: 200 }],
  "POST /settings/webhooks": [
    {
      need: "admin",
      request: async () => ({ path: "/settings/webhooks", body: { url: "https://hooks.example.com/new" } }),
      ok: 201,
    },
  ],
  "GET /settings/webhooks/:id": [
    { need: "admin", request: async (f) => ({ path: `/settings/webhooks/${(await f.webhook()).id}` }), ok: 200 },
  ],
  "GET /settings/webhooks/:id/delete": [
    { need: "admin", request: async (f) => ({ path: `/settings/webhooks/${(await f.webhook()).id}/delete` }), ok: 200 },
  ],
  "POST /settings/webhooks/:id/save": [
    {
      need: "admin",
      request: async (f) => ({ path: `/settings/webhooks/${(await f.webhook()).id}/save`, body: { active: true } }),
      ok: 200,
    },
  ],
  "POST /settings/webhooks/:id/delete": [
    {
      need: "admin",
      request: async (f) => ({ path: `/settings/webhooks/${await f.freshWebhook()}/delete`, body: {} }),
      ok: 200,
    },
  ],
  "POST /settings/webhooks/:id/test": [
    {
      need: "admin",
      request: async (f) => ({ path: `/settings/webhooks/${(await f.webhook()).id}/test`, body: {} }),
      ok: 200,
    },
  ],
  "POST /settings/webhooks/:id/deliveries/:delivery/redeliver": [
    {
      need: "admin",
      request: async (f) => {
        const { id, delivery } = await f.webhook();
        return { path: `/settings/webhooks/${id}/deliveries/${delivery}/redeliver`, body: {} };
      },
      ok: 200,
    },
  ],
  "GET /api/public/v2/prompts": [{ need: "read", request: async () => ({ path: "/api/public/v2/prompts" }), ok: 200 }],
  "GET /api/public/v2/prompts/:name": [
    {
      need: "read",
      request: async (f) => ({ path: `/api/public/v2/prompts/${await f.prompt()}?label=development` }),
      ok: 200,
    },
  ],
  "GET /settings/users": [{ need: "admin", request: async () => ({ path: "/settings/users" }), ok: 200 }],
  "POST /settings/users": [
    {
      need: "admin",
      request: async (f) => ({
        path: "/settings/users",
        body: { name: f.unique("u"), role: "admin", password: PASSWORD },
      }),
      ok: 201,
    },
  ],
  "POST /settings/users/:name/save": [
    {
      need: "admin",
      request: async (f) => ({ path: `/settings/users/${await f.user("viewer")}/save`, body: { role: "editor" } }),
      ok: 200,
    },
  ],
  "POST /settings/users/:name/disable": [
    {
      need: "admin",
      request: async (f) => ({ path: `/settings/users/${await f.user("editor")}/disable`, body: {} }),
      // Open mode has only disabled users (one active user would secure it).
      ok: (mode) => (mode === "open" ? 409 : 200),
    },
  ],
  "POST /settings/users/:name/enable": [
    {
      need: "admin",
      request: async (f) => ({ path: `/settings/users/${await f.user("editor", true)}/enable`, body: {} }),
      // Open mode has no admin yet: the first active user must be one.
      ok: (mode) => (mode === "open" ? 409 : 200),
    },
  ],
  "GET /settings/tokens": [{ need: "self", request: async () => ({ path: "/settings/tokens" }), ok: 200 }],
  "POST /settings/tokens": [
    {
      need: "self",
      // Read-only, so that a read-only token may make it too (it may not make a stronger one).
      request: async () => ({ path: "/settings/tokens", body: { label: "made", readOnly: true } }),
      // Open mode has no user to own a token.
      ok: (mode) => (mode === "open" ? 422 : 201),
    },
  ],
  "POST /settings/tokens/:id/revoke": [
    {
      need: "self",
      request: async (f) => {
        if (!f.me) return { path: "/settings/tokens/999999/revoke", body: {} };
        const { token } = await f.s.tokens.create({ user: f.me, label: "to revoke" });
        return { path: `/settings/tokens/${token.id}/revoke`, body: {} };
      },
      ok: (mode) => (mode === "open" ? 404 : 200),
    },
  ],
  "GET /settings/password": [{ need: "self", request: async () => ({ path: "/settings/password" }), ok: 200 }],
  "POST /settings/password": [
    {
      need: "self",
      // A wrong current password: allowed through, refused by the check (a right one would
      // end this user's sessions under the other cases' feet).
      request: async () => ({
        path: "/settings/password",
        body: { current: "not it at all", password: "a new one, long" },
      }),
      ok: (mode) => (mode === "open" ? 409 : 422),
    },
  ],
};

async function testCasePath(f: Fixtures): Promise<string> {
  const name = await f.prompt();
  const created = await f.s.testCases.create(name, { name: "c", variables: {} });
  return `/prompts/${name}/test-cases/${created.id}`;
}

/** What the table says a request gets. */
function expected(c: Case, mode: Mode, role: Role | null, cred: Cred): number {
  const ok = typeof c.ok === "number" ? c.ok : c.ok(mode, cred);
  if (mode === "open" || c.need === "public") return ok;
  if (cred === "none" || role === null) return 401;
  const acting = cred === "readOnly" ? "viewer" : role;
  return MAY[c.need].includes(acting) ? ok : 403;
}

function routesOf(client: Client): string[] {
  const all = client.app.routes.filter((r) => r.method !== "ALL").map((r) => `${r.method} ${r.path}`);
  return [...new Set(all)].sort();
}

function fixtures(client: Client, me: string | null, mode: Mode): Fixtures {
  const s = createServices({ db: client.db });
  let n = 0;
  const unique = (prefix = "p") => `${prefix}-${++n}-${Math.random().toString(36).slice(2, 8)}`;
  let hash: Promise<string> | undefined;
  let hook: Promise<{ id: number; delivery: string }> | undefined;
  const newWebhook = async () =>
    (await s.webhooks.create({ url: `https://hooks.example.com/${unique("h")}` })).webhook.id;
  return {
    s,
    me,
    unique,
    webhook() {
      hook ??= (async () => {
        const id = await newWebhook();
        await s.prompts.create({ name: unique(), body: "queued for the webhook" });
        const delivery = (await s.webhooks.get(String(id))).deliveries[0]?.id;
        if (!delivery) throw new Error("no delivery was queued for the webhook");
        return { id, delivery };
      })();
      return hook;
    },
    freshWebhook: newWebhook,
    async prompt() {
      const name = unique();
      await s.prompts.create({ name, body: "Hello {{x}}" });
      return name;
    },
    async user(role, disabled = false) {
      hash ??= hashPassword(PASSWORD);
      const name = unique("u");
      const now = new Date().toISOString();
      await client.db.kysely
        .insertInto("users")
        .values({
          name,
          role,
          disabled: disabled || mode === "open" ? 1 : 0,
          password_hash: await hash,
          created_at: now,
          updated_at: now,
        })
        .execute();
      return name;
    },
  };
}

async function call(client: Client | SecuredClient, shown: Shown, req: Request) {
  const body = req.body;
  const res = await client.request(req.path, {
    method: body === undefined ? "GET" : "POST",
    headers: {
      accept: "application/json",
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...(shown === null ? {} : "session" in shown ? { cookie: `promptrail_session=${shown.session}` } : {}),
      ...(shown !== null && "token" in shown ? { authorization: `Bearer ${shown.token}` } : {}),
      ...req.headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  // A change stream never ends by itself: its status is the answer.
  if (res.headers.get("content-type")?.startsWith("text/event-stream")) {
    await res.body?.cancel();
    return { status: res.status, text: "" };
  }
  return { status: res.status, text: await res.text() };
}

/** Each case as `route #n` for the report. */
const CASES = Object.entries(TABLE).flatMap(([route, cases]) =>
  cases.map((c, i) => ({ route, c, label: cases.length > 1 ? `${route} #${i + 1} (${c.need})` : route })),
);

describe("every route × every role × every credential (docs/accounts.md)", () => {
  test("the table covers every route the app has, and nothing else", async () => {
    const client = await freshApp();
    expect(routesOf(client)).toEqual(Object.keys(TABLE).sort());
  });

  test("open mode: every request is allowed, without credentials", async () => {
    const client = await freshApp();
    const f = fixtures(client, null, "open");
    const wrong: string[] = [];
    // Adding a user secures the registry (that is the point): it goes last.
    const last = (route: string) => (route === "POST /settings/users" ? 1 : 0);
    for (const { c, label } of [...CASES].sort((a, b) => last(a.route) - last(b.route))) {
      const got = await call(client, null, await c.request(f));
      const want = expected(c, "open", null, "none");
      if (got.status !== want) wrong.push(`${label}: ${got.status}, expected ${want} ${got.text.slice(0, 160)}`);
    }
    expect(wrong).toEqual([]);
  });

  test("secured mode: 401 without credentials, 403 below the role needed, the answer otherwise", async () => {
    const client = await securedApp();
    const wrong: string[] = [];
    const combos: Array<[Role | null, Cred]> = [
      [null, "none"],
      ...ROLES.flatMap((role) =>
        (["session", "token", "readOnly"] as Cred[]).map((cred): [Role, Cred] => [role, cred]),
      ),
    ];
    const userIds = new Map(
      (await client.db.kysely.selectFrom("users").select(["name", "id"]).execute()).map((u) => [u.name, u.id]),
    );
    for (const [role, cred] of combos) {
      const f = fixtures(client, role, "secured");
      for (const { c, label } of CASES) {
        const req = await c.request(f);
        let shown: Shown = null;
        if (role && cred === "session")
          shown = {
            session: req.freshSession
              ? await f.s.signIn.startSession(userIds.get(role) as number)
              : client.who[role].session,
          };
        if (role && cred === "token") shown = { token: client.who[role].token };
        if (role && cred === "readOnly") shown = { token: client.who[role].readOnly };
        const got = await call(client, shown, req);
        const want = expected(c, "secured", role, cred);
        if (got.status !== want)
          wrong.push(
            `${label} as ${role ?? "nobody"} (${cred}): ${got.status}, expected ${want} ${got.text.slice(0, 160)}`,
          );
      }
    }
    expect(wrong).toEqual([]);
  }, 120_000);
});

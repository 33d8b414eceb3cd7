import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { connectPostgres, type Db } from "../../../src/db/connect.js";
import type { Actor } from "../../../src/services/context.js";
import { createServices } from "../../../src/services/index.js";
import { postgresInstances } from "../../support/pg-instances.js";
import { rawSql } from "../../support/state.js";

/**
 * Review before PROD with real processes: two `promptrail serve` instances on one PostgreSQL
 * database. Two approvals sent together to both apply the promotion once; an edit racing the
 * last approval leaves either the approved content in PROD and the edit refused, or a stale
 * review — never PROD holding content nobody approved.
 */
const setup = postgresInstances(2);
const PASSWORD = "correct horse battery staple";
let db: Db;
let local: ReturnType<typeof createServices>;
const token: Record<string, string> = {};
let a = "";
let b = "";

beforeAll(async () => {
  [a = "", b = ""] = setup().instances;
  db = connectPostgres(setup().url, { max: 2 });
  local = createServices({ db });
  const root: Actor = { actor: "root", role: "admin" };
  await local.users.add({ name: "root", role: "admin", password: PASSWORD });
  for (const [name, role] of [
    ["rita", "releaser"],
    ["remy", "releaser"],
    ["eddie", "editor"],
  ] as const)
    await local.users.add({ name, role, password: PASSWORD }, root);
  for (const name of ["root", "rita", "remy", "eddie"])
    token[name] = (await local.tokens.create({ user: name, label: `${name} races` }, root)).secret;
  await local.environments.update("PROD", { approvals: 1 }, root);
}, 60_000);

afterAll(async () => {
  await db?.close();
});

async function call(base: string, who: string, path: string, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: {
      accept: "application/json",
      authorization: `Bearer ${token[who]}`,
      ...(body !== undefined && { "content-type": "application/json" }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: (await res.json()) as Record<string, any> };
}

/** A new prompt with v1.0 current in TST, and rita's review of it into PROD. */
async function asked(name: string): Promise<number> {
  expect((await call(a, "eddie", "/prompts", { name, body: `first ${name}` })).status).toBe(201);
  expect((await call(b, "eddie", `/prompts/${name}/versions/1.0/promote`, {})).status).toBe(200);
  const review = await call(a, "rita", `/prompts/${name}/versions/1.0/promote`, { to: "PROD" });
  expect(review.status).toBe(202);
  return review.json.id as number;
}

/** PROD's current content hash, and the hashes of the applied reviews of that version. */
async function prodState(name: string) {
  const { rows } = await rawSql<{ prod: string | null; approved: string | null }>(
    { kysely: db.kysely },
    `SELECT v.content_hash AS prod, r.content_hash AS approved FROM prompts p
     LEFT JOIN versions v ON v.id = p.current_prod
     LEFT JOIN reviews r ON r.version_id = v.id AND r.state = 'applied'
     WHERE p.name = ?`,
    name,
  );
  return rows;
}

describe("review races on two instances", () => {
  test("two approvals sent together, one to each instance, apply the promotion once", async () => {
    for (let round = 0; round < 4; round++) {
      const name = `together-${round}`;
      const id = await asked(name);
      const [x, y] = await Promise.all([
        call(a, "remy", `/reviews/${id}/approve`, {}),
        call(b, "root", `/reviews/${id}/approve`, {}),
      ]);
      expect([x.status, y.status].sort()).toEqual([200, 409]);
      const refused = x.status === 409 ? x : y;
      expect(refused.json.error.code).toBe("invalid_transition");
      const promoted = await rawSql<{ n: string }>(
        { kysely: db.kysely },
        `SELECT count(*)::text AS n FROM events e JOIN prompts p ON p.id = e.prompt_id
         WHERE p.name = ? AND e.type = 'version.promoted' AND e.detail LIKE '%"to":"PROD"%'`,
        name,
      );
      expect(promoted.rows[0]?.n).toBe("1");
      expect((await call(b, "eddie", `/prompts/${name}/stages/PROD`)).json.version).toBe("1.0");
    }
  });

  test("an edit racing the last approval: the approved content in PROD and the edit refused, or a stale review", async () => {
    const seen = new Set<string>();
    for (let round = 0; round < 6; round++) {
      const name = `edited-${round}`;
      const id = await asked(name);
      const [edit, approval] = await Promise.all([
        call(round % 2 ? a : b, "eddie", `/prompts/${name}/versions/1.0/save`, { body: `changed ${round}` }),
        call(round % 2 ? b : a, "remy", `/reviews/${id}/approve`, {}),
      ]);
      const state = (await call(a, "eddie", `/reviews/${id}`)).json.state as string;
      if (approval.status === 200) {
        expect(edit.status).toBe(409);
        expect(edit.json.error.code).toBe("version_immutable");
        expect(state).toBe("applied");
        const [row] = await prodState(name);
        expect(row?.prod).toBe(row?.approved);
        seen.add("applied");
      } else {
        expect(edit.status).toBe(200);
        expect(approval.json.error.code).toBe("invalid_transition");
        expect(state).toBe("stale");
        expect((await prodState(name))[0]?.prod).toBeNull();
        seen.add("stale");
      }
    }
    expect(seen.size).toBeGreaterThan(0);
  });
});

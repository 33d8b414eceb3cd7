import pg from "pg";
import { beforeAll, describe, expect, test } from "vitest";
import { cli } from "../../support/cli.js";
import { postgresInstances } from "../../support/pg-instances.js";

/**
 * docs/postgresql.md with real processes: two `promptrail serve` instances on one PostgreSQL database,
 * as behind a load balancer. Races go to both at once; the database must keep one current
 * version per stage and lose no update, and a change on one is seen by the next read on the other.
 */
const setup = postgresInstances(2);
let a = "";
let b = "";
beforeAll(() => {
  [a = "", b = ""] = setup().instances;
});

async function call(base: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: {
      accept: "application/json",
      ...(body !== undefined && { "content-type": "application/json" }),
      ...headers,
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: (await res.json()) as Record<string, any> };
}

async function sql<T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: setup().url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

describe("two instances on one PostgreSQL database", () => {
  test("racing promotions leave one current version per stage, and every answer is a success or a clean refusal", async () => {
    expect((await call(a, "/prompts", { name: "raced", body: "v1 {{x}}" })).status).toBe(201);
    // Ten DEV drafts (v1.0 … v1.9), made alternately on each instance.
    for (let i = 0; i < 9; i++)
      expect((await call(i % 2 ? a : b, `/prompts/raced/versions/1.${i}/new`, {})).status).toBe(201);
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => call(i % 2 ? a : b, `/prompts/raced/versions/1.${i}/promote`, {})),
    );
    for (const r of results) expect([200, 409]).toContain(r.status);
    const currents = await sql<{ stage: string; n: string }>(
      `SELECT v.stage, count(*)::text AS n FROM versions v JOIN prompts p ON p.id = v.prompt_id
       WHERE p.name = 'raced' AND v.is_current = 1 GROUP BY v.stage`,
    );
    for (const row of currents) expect(row.n).toBe("1");
    const pointers = await sql<{ ok: boolean }>(
      `SELECT bool_and(v.id IN (p.current_dev, p.current_tst, p.current_prod)) AS ok
       FROM versions v JOIN prompts p ON p.id = v.prompt_id WHERE p.name = 'raced' AND v.is_current = 1`,
    );
    expect(pointers[0]?.ok).toBe(true);
  });

  test("two saves of one revision, one to each instance: one is saved, the other is stale_revision (no lost update)", async () => {
    expect((await call(a, "/prompts", { name: "edited", body: "first" })).status).toBe(201);
    for (let round = 1; round <= 5; round++) {
      const [x, y] = await Promise.all([
        call(a, "/prompts/edited/versions/1.0/save", { body: `from a ${round}`, revision: round }),
        call(b, "/prompts/edited/versions/1.0/save", { body: `from b ${round}`, revision: round }),
      ]);
      expect([x.status, y.status].sort()).toEqual([200, 409]);
      const saved = x.status === 200 ? x : y;
      const refused = x.status === 200 ? y : x;
      expect(refused.json.error.code).toBe("stale_revision");
      expect(saved.json.revision).toBe(round + 1);
      for (const base of [a, b])
        expect((await call(base, "/prompts/edited/versions/1.0")).json.body).toBe(saved.json.body);
    }
    const revisions = await sql<{ n: string }>(
      `SELECT count(*)::text AS n FROM revisions r JOIN versions v ON v.id = r.version_id
       JOIN prompts p ON p.id = v.prompt_id WHERE p.name = 'edited'`,
    );
    expect(revisions[0]?.n).toBe("6");
  });

  test("a promotion on one instance is what the very next runtime read on the other answers", async () => {
    expect((await call(a, "/prompts", { name: "served", body: "one" })).status).toBe(201);
    for (const to of ["TST", "PROD"])
      expect((await call(a, "/prompts/served/versions/1.0/promote", { to })).json.stage).toBe(to);
    expect((await call(b, "/prompts/served/stages/PROD")).json.body).toBe("one");
    for (let i = 1; i <= 5; i++) {
      const made = await call(b, `/prompts/served/versions/1.${i - 1}/new`, {});
      expect(made.status).toBe(201);
      expect((await call(b, `/prompts/served/versions/1.${i}/save`, { body: `release ${i}` })).status).toBe(200);
      await call(b, `/prompts/served/versions/1.${i}/promote`, { to: "TST" });
      const promoted = await call(b, `/prompts/served/versions/1.${i}/promote`, { to: "PROD" });
      expect(promoted.json.stage).toBe("PROD");
      const read = await call(a, "/prompts/served/stages/PROD");
      expect(read.json.version).toBe(`1.${i}`);
      expect(read.json.body).toBe(`release ${i}`);
    }
  });
});

/** Last: from here on the registry is secured. */
describe("two instances on one PostgreSQL database, secured", () => {
  const env = () => ({ PROMPTRAIL_DATABASE_URL: setup().url });
  async function run(argv: string[], stdin = "") {
    const done = await cli(argv, { env: env(), stdin });
    expect(done.code, done.stderr).toBe(0);
    return done.stdout.trim();
  }
  const read = (base: string, token: string) =>
    call(base, "/prompts/served/stages/PROD", undefined, { authorization: `Bearer ${token}` });

  test("a revoked token and a disabled user's token are refused by the very next request on every instance", async () => {
    await run(["user", "add", "ada", "--role", "admin"], "ada's long passphrase\n");
    await run(["user", "add", "eve", "--role", "viewer"], "eve's long passphrase\n");
    const adas = await run(["token", "create", "ada", "--label", "admin"]);
    const revoked = await run(["token", "create", "eve", "--label", "to revoke"]);
    const disabled = await run(["token", "create", "eve", "--label", "kept"]);
    // Both instances have seen both tokens (and keep who they are in memory).
    for (const base of [a, b, a, b]) {
      expect((await read(base, revoked)).status).toBe(200);
      expect((await read(base, disabled)).status).toBe(200);
    }
    const listed = await call(a, "/settings/tokens", undefined, { authorization: `Bearer ${adas}` });
    const id = (listed.json.tokens as Array<{ id: number; label: string }>).find((t) => t.label === "to revoke")?.id;
    const answer = await call(a, `/settings/tokens/${id}/revoke`, {}, { authorization: `Bearer ${adas}` });
    expect(answer.status).toBe(200);
    expect((await read(b, revoked)).status).toBe(401);
    expect((await read(a, revoked)).status).toBe(401);
    expect((await read(b, disabled)).status).toBe(200);

    await run(["user", "disable", "eve"]);
    expect((await read(a, disabled)).status).toBe(401);
    expect((await read(b, disabled)).status).toBe(401);
    expect((await read(b, adas)).status).toBe(200);

    // By raw SQL too (psql): the database's triggers, not the app, tell the instances.
    await sql(
      "UPDATE api_tokens SET revoked_at = now()::text WHERE secret_hash = encode(sha256(convert_to($1, 'UTF8')), 'hex')",
      [adas],
    );
    expect((await read(a, adas)).status).toBe(401);
    expect((await read(b, adas)).status).toBe(401);
  });
});

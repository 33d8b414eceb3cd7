import pg from "pg";
import { beforeAll, describe, expect, test } from "vitest";
import { postgresInstances } from "../../support/pg-instances.js";
import { sseReader } from "../../support/sse.js";

/**
 * The change stream on PostgreSQL (docs/applications.md, "The change stream"): two real
 * `promptrail serve` processes on one database, as behind a load balancer. Each instance's
 * stream carries the changes made on either, and `seq` order is commit order, so that a
 * subscriber resuming after the last id it saw can never skip an event that committed late.
 */
const setup = postgresInstances(2);
let a = "";
let b = "";
beforeAll(() => {
  [a = "", b = ""] = setup().instances;
});

async function post(base: string, path: string, body: unknown = {}) {
  const res = await fetch(`${base}${path}`, {
    method: "POST",
    headers: { accept: "application/json", "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(res.status, await res.clone().text()).toBeLessThan(300);
}

async function stream(base: string, lastEventId?: number) {
  const res = await fetch(`${base}/changes`, {
    headers: {
      accept: "text/event-stream",
      ...(lastEventId !== undefined && { "last-event-id": String(lastEventId) }),
    },
  });
  expect(res.status).toBe(200);
  const reader = sseReader(res.body as ReadableStream<Uint8Array>);
  await reader.next((m) => m.comment?.startsWith("changes after") === true);
  return reader;
}

async function client() {
  const c = new pg.Client({ connectionString: setup().url });
  await c.connect();
  return c;
}

async function promptEventIds(): Promise<number[]> {
  const c = await client();
  try {
    const { rows } = await c.query<{ id: number }>("SELECT id FROM events WHERE prompt_id IS NOT NULL ORDER BY id");
    return rows.map((r) => Number(r.id));
  } finally {
    await c.end();
  }
}

describe("the change stream across two instances on one PostgreSQL database", () => {
  test("each instance's stream carries the changes made on either, in the same order with the same ids", async () => {
    const onA = await stream(a);
    const onB = await stream(b);
    await post(a, "/prompts", { name: "shared", body: "one" });
    await post(b, "/prompts/shared/versions/1.0/promote");
    await post(a, "/prompts/shared/versions/1.0/save", { body: "two" });
    await post(b, "/prompts/shared/versions/1.0/promote", { to: "PROD" });
    const seenA = [];
    const seenB = [];
    for (let i = 0; i < 5; i++) {
      seenA.push(await onA.change());
      seenB.push(await onB.change());
    }
    expect(seenA.map((e) => `${e?.data.type} ${e?.data.stage}`)).toEqual([
      "prompt.created DEV",
      "version.created DEV",
      "version.promoted TST",
      "version.edited TST",
      "version.promoted PROD",
    ]);
    expect(seenB).toEqual(seenA);
    await onA.cancel();
    await onB.cancel();
  });

  test("an INSERT into the log outside the app's transactions waits for the writer in progress, and draws a later id", async () => {
    await post(a, "/prompts", { name: "locked", body: "x" });
    const writer = await client();
    const raw = await client();
    try {
      const rawPid = (await raw.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]?.pid;
      await writer.query("BEGIN");
      await writer.query("SELECT pg_advisory_xact_lock($1)", [0x7072_7477]);
      const first = await writer.query<{ id: number }>(
        "INSERT INTO events (prompt_id, at, actor, type, version) SELECT id, 'now', 'writer', 'version.tested', '1.0' FROM prompts WHERE name = 'locked' RETURNING id",
      );
      const late = raw.query<{ id: number }>(
        "INSERT INTO events (prompt_id, at, actor, type, version) SELECT id, 'now', 'psql', 'version.tested', '1.0' FROM prompts WHERE name = 'locked' RETURNING id",
      );
      // The raw insert queues on the lock (before drawing an id), however long the writer takes.
      // pg_locks is cluster-wide: other test files' writers wait on advisory locks too, so only
      // the raw connection's own wait counts.
      await expect
        .poll(async () => {
          const { rows } = await writer.query<{ n: string }>(
            "SELECT count(*)::text AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND pid = $1",
            [rawPid],
          );
          return rows[0]?.n;
        })
        .toBe("1");
      await writer.query("COMMIT");
      const second = await late;
      expect(Number(second.rows[0]?.id)).toBeGreaterThan(Number(first.rows[0]?.id));
    } finally {
      await writer.query("ROLLBACK").catch(() => undefined);
      await writer.end();
      await raw.end();
    }
  });

  test("under concurrent writes on both instances and raw SQL, a stream skips no event: it carries the log whole", async () => {
    const from = (await promptEventIds()).at(-1) ?? 0;
    const onA = await stream(a, from);
    const onB = await stream(b, from);
    await Promise.all([
      post(a, "/prompts", { name: "busy-a", body: "a" }),
      post(b, "/prompts", { name: "busy-b", body: "b" }),
    ]);
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < 12; i++) {
      writes.push(post(a, "/prompts/busy-a/versions/1.0/save", { body: `a ${i}` }));
      writes.push(post(b, "/prompts/busy-b/versions/1.0/save", { body: `b ${i}` }));
    }
    const raw = await client();
    writes.push(
      raw.query(
        "INSERT INTO events (prompt_id, at, actor, type, version) SELECT id, 'now', 'psql', 'version.tested', '1.0' FROM prompts WHERE name = 'busy-a'",
      ),
    );
    await Promise.all(writes);
    await raw.end();
    const expected = (await promptEventIds()).filter((id) => id > from);
    expect(expected).toHaveLength(4 + 24 + 1);
    for (const reader of [onA, onB]) {
      const ids = [];
      for (let i = 0; i < expected.length; i++) ids.push(Number((await reader.change())?.id));
      expect(ids).toEqual(expected);
      await reader.cancel();
    }
  });
});

import { getRequestListener } from "@hono/node-server";
import { afterEach, describe, expect, test } from "vitest";
import { type HttpServer, listen } from "../../../src/server/http-server.js";
import { PASSWORD, securedApp } from "../../support/accounts.js";
import { rawSql } from "../../support/state.js";

/**
 * The failed-sign-in limit under a burst, over a real HTTP server on the test's engine: each
 * attempt is recorded (reserved) in the transaction that counts the earlier ones, before the
 * password is hashed, so the 6th failure in 15 minutes is 429 however the attempts arrive.
 */
const servers: HttpServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.stop();
});

async function served() {
  const client = await securedApp({ trustProxy: true });
  const server = await listen(getRequestListener(client.app.fetch), { host: "127.0.0.1", port: 0 });
  servers.push(server);
  /** One JSON sign-in as it comes from `address` (behind a trusted proxy, which names the client). */
  const attempt = async (name: string, password: string, address: string) => {
    const res = await fetch(`${server.url}/login`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json", "x-forwarded-for": address },
      body: JSON.stringify({ name, password }),
    });
    await res.arrayBuffer();
    return res.status;
  };
  return { client, attempt };
}

const tally = (statuses: number[]) =>
  statuses.reduce<Record<number, number>>((n, s) => Object.assign(n, { [s]: (n[s] ?? 0) + 1 }), {});

describe("the failed sign-in limit under concurrent attempts", () => {
  test("120 concurrent wrong passwords for one name: 5 are checked (401), 115 are 429; the right one sent amid them waits too", async () => {
    const { client, attempt } = await served();
    const burst = Array.from({ length: 121 }, (_, i) =>
      // Every attempt from its own address: only the per-name limit applies.
      i === 60 ? attempt("editor", PASSWORD, "10.2.0.200") : attempt("editor", "wrong", `10.2.0.${i}`),
    );
    const statuses = await Promise.all(burst);
    const right = statuses.splice(60, 1)[0];
    expect(tally(statuses)).toEqual({ 401: 5, 429: 115 });
    expect(right).toBe(429);
    expect(await attempt("editor", PASSWORD, "10.2.0.201")).toBe(429);
    // Refused attempts are neither checked nor counted: the five failures are all there is.
    const counted = await rawSql(client.db, "SELECT id FROM sign_in_failures WHERE name = ?", "editor");
    expect(counted.rows).toHaveLength(5);
  });

  test("120 concurrent attempts under many names from one address: 5 are checked, the rest are 429", async () => {
    const { attempt } = await served();
    const statuses = await Promise.all(
      Array.from({ length: 120 }, (_, i) => attempt(`guess-${i}`, "wrong", "10.3.0.1")),
    );
    expect(tally(statuses)).toEqual({ 401: 5, 429: 115 });
  });

  test("a success forgives its name's failures, but their address keeps counting them", async () => {
    const { attempt } = await served();
    for (let i = 0; i < 4; i++) expect(await attempt("viewer", "wrong", "10.4.0.1")).toBe(401);
    expect(await attempt("viewer", PASSWORD, "10.4.0.1")).toBe(200);
    // viewer's name is forgiven: a typo from elsewhere is checked.
    expect(await attempt("viewer", "wrong", "10.4.0.2")).toBe(401);
    // 10.4.0.1 has 4 failures (viewer's) and now a 5th: the next attempt from it waits, for any name.
    expect(await attempt("editor", "wrong", "10.4.0.1")).toBe(401);
    expect(await attempt("admin", PASSWORD, "10.4.0.1")).toBe(429);
    expect(await attempt("admin", PASSWORD, "10.4.0.3")).toBe(200);
  });

  test("a success leaves no failure of its own", async () => {
    const { client, attempt } = await served();
    expect(await attempt("viewer", PASSWORD, "10.5.0.1")).toBe(200);
    expect((await rawSql(client.db, "SELECT name FROM sign_in_failures")).rows).toEqual([]);
  });
});

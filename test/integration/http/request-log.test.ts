import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { getRequestListener } from "@hono/node-server";
import { afterEach, describe, expect, test } from "vitest";
import { createApp } from "../../../src/app.js";
import { connect, connectPostgres, type Db } from "../../../src/db/connect.js";
import { migrateToLatest } from "../../../src/db/migrate.js";
import { listen } from "../../../src/server/http-server.js";
import { createServerLog, type LogFormat } from "../../../src/server/request-log.js";
import { tempFolder } from "../../support/cli.js";
import { TEST_ENGINE } from "../../support/db.js";
import { pgUrl } from "../../support/pg-databases.js";

const stops: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

/**
 * Paths whose decoded form holds a newline, a forged JSON object, BEL, ESC, U+2028 and
 * backslashes (a NUL is refused 422 before any route runs: nul-characters.test.ts).
 */
const HOSTILE = [
  "/prompts/a%0A%7B%22forged%22:true%7D%0A%07",
  "/prompts/a%0D%0A%7B%22forged%22%3Atrue%7D/versions/1.0",
  "/prompts/%1B%5B31mred%E2%80%A8%7B%22forged%22:true%7D",
  "/prompts/x%0A%7B%22forged%22:true%7D/stages/PROD%0A%7B%22forged%22:true%7D",
  "/prompts/%5C%22%0A%7B%22forged%22:true%7D%5C",
];

/**
 * A database every request fails on, from the access check on: a SQLite file whose users table
 * is dropped once the app is built, or a PostgreSQL database that does not exist.
 */
async function brokenDb(): Promise<{ db: Db; breakIt: () => void }> {
  if (TEST_ENGINE === "sqlite") {
    const db = connect(join(tempFolder(), "broken.db"));
    await migrateToLatest(db.kysely);
    return { db, breakIt: () => db.sqlite.exec("DROP TABLE users") };
  }
  const url = new URL(pgUrl("postgres"));
  url.pathname = `/promptrail_missing_${randomBytes(6).toString("hex")}`;
  return { db: connectPostgres(url.toString(), { max: 1 }), breakIt: () => {} };
}

/**
 * The whole app behind the server's log, on a database every query fails on, so that every route
 * fails inside and answers 500: the failure lines carry the error and the path.
 */
async function failingServer(format: LogFormat) {
  const { db, breakIt } = await brokenDb();
  stops.push(() => db.close());
  const text: string[] = [];
  const log = createServerLog(format, (chunk) => text.push(chunk));
  const app = createApp({ db, notes: log });
  breakIt();
  const server = await listen(log.requests(getRequestListener(app.fetch)), { host: "127.0.0.1", port: 0 });
  stops.unshift(() => server.stop());
  return {
    async get(path: string) {
      return (await fetch(`${server.url}${path}`, { headers: { accept: "application/json" } })).status;
    },
    lines() {
      log.flush();
      return text.join("").split("\n").slice(0, -1);
    },
  };
}

describe("no path and no error can forge a log line", () => {
  test("JSON: every line is one JSON object of the log's own, whatever the path decodes to", async () => {
    const s = await failingServer("json");
    for (const path of HOSTILE) expect(await s.get(path)).toBe(500);
    const lines = s.lines();
    const entries = lines.map((line) => JSON.parse(line));
    expect(entries).toHaveLength(2 * HOSTILE.length); // the failure and the request, for each
    for (const entry of entries) expect(entry.time).toMatch(/^\d{4}-\d\d-\d\dT/);
    const failures = entries.filter((e) => e.level === "error");
    expect(failures.map((e) => e.path)).toEqual(HOSTILE); // as sent, still percent-encoded
    for (const failure of failures) expect(failure).toMatchObject({ msg: "request failed", method: "GET" });
    expect(entries.filter((e) => e.status === 500).map((e) => e.path)).toEqual(HOSTILE);
  });

  test("text: one line per entry, control characters escaped", async () => {
    const s = await failingServer("text");
    for (const path of HOSTILE) expect(await s.get(path)).toBe(500);
    const lines = s.lines();
    expect(lines).toHaveLength(2 * HOSTILE.length);
    for (const line of lines) {
      expect(line).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z GET \/prompts\//);
      // biome-ignore lint/suspicious/noControlCharactersInRegex: no control character may reach a line
      expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
    }
    expect(lines.filter((line) => / 500 [\d.]+ms local$/.test(line))).toHaveLength(HOSTILE.length);
  });
});

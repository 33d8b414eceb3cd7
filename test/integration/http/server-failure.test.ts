import { afterEach, expect, test } from "vitest";
import type { RequestNotes } from "../../../src/http/request-notes.js";
import { rawSql } from "../../support/state.js";
import { type Client, expectFragment, expectKeys, expectPage, freshApp } from "./support/http.js";

// The app tells the server's log what failed; check that it did, with the error behind it.
const failures: Array<{ path: string; message: string; error: unknown }> = [];
const notes: RequestNotes = {
  identified() {},
  failed: (request, message, error) => void failures.push({ path: request.path, message, error }),
};
/** The databases broken below, mended after the test (PostgreSQL's are reused, rows reset). */
const brokenDbs: Client["db"][] = [];
afterEach(async () => {
  for (const db of brokenDbs.splice(0)) await rawSql(db, "ALTER TABLE events_gone RENAME TO events");
  expect(failures.splice(0)).toEqual([
    { path: "/prompts/p/versions/1.0/promote", message: "request failed", error: expect.any(Error) },
  ]);
});

/** A prompt whose next promotion fails half-way: its event cannot be written any more. */
async function broken(): Promise<Client> {
  const client = await freshApp({ notes });
  await client.create("p");
  await rawSql(client.db, "ALTER TABLE events RENAME TO events_gone");
  brokenDbs.push(client.db);
  return client;
}

test("a failure half-way through a change writes nothing (R13) and answers 500 internal in JSON", async () => {
  const client = await broken();
  const before = await client.dump();
  const res = await client.api("POST", "/prompts/p/versions/1.0/promote");
  expect(res.status).toBe(500);
  expectKeys(res.body, ["error"]);
  expect(res.body.error.code).toBe("internal");
  expect(res.body.error.message).not.toMatch(/events|sqlite|SQL/i);
  expect(await client.dump()).toEqual(before);
});

test("htmx: the failure shows in #flash, never silently", async () => {
  const client = await broken();
  const res = await client.htmx("/prompts/p/versions/1.0/promote", {});
  expect(res.headers.get("hx-retarget")).toBe("#flash");
  const html = await expectFragment(res, "flash", 500);
  expect(html).toMatch(/class="flash flash-error"/);
});

test("a form post: an error page with the 500 status", async () => {
  const client = await broken();
  const html = await expectPage(await client.form("/prompts/p/versions/1.0/promote"), 500);
  expect(html).toContain("<code>internal</code>");
});

import { afterEach, describe, expect, test } from "vitest";
import { createApp } from "../../../src/app.js";
import { STDERR_NOTES } from "../../../src/http/request-notes.js";
import { createChangeRoutes } from "../../../src/http/routes/changes.routes.js";
import {
  type ChangeFeed,
  type ChangeFeedOptions,
  createChangeFeed,
} from "../../../src/services/change-feed.service.js";
import { createServices } from "../../../src/services/index.js";
import { credentialHeaders, PASSWORD } from "../../support/accounts.js";
import { freshDb } from "../../support/db.js";
import { sseReader } from "../../support/sse.js";

/**
 * GET /changes (docs/applications.md, "The change stream"): one event per committed change,
 * `id:` equal to `data.seq`, resumable with Last-Event-ID from the event log, a heartbeat, the
 * runtime read's access rules, and streams that end when the server stops.
 */
const readers: Array<ReturnType<typeof sseReader>> = [];
const feeds: ChangeFeed[] = [];
afterEach(async () => {
  for (const r of readers.splice(0)) await r.cancel();
  for (const feed of feeds.splice(0)) feed.close();
});

async function setup(options: Omit<ChangeFeedOptions, "db"> = {}) {
  const db = await freshDb();
  const feed = createChangeFeed({ db, pollMs: 20, ...options });
  feeds.push(feed);
  const app = createApp({ db, changes: feed });
  const services = createServices({ db });
  const json = { accept: "application/json", "content-type": "application/json" };
  const call = async (path: string, body: unknown = {}, headers: Record<string, string> = {}) => {
    const res = await app.request(path, {
      method: "POST",
      headers: { ...json, ...headers },
      body: JSON.stringify(body),
    });
    expect(res.status, await res.clone().text()).toBeLessThan(300);
    return res.json();
  };
  async function open(headers: Record<string, string> = {}) {
    const res = await app.request("/changes", { headers: { accept: "text/event-stream", ...headers } });
    expect(res.status).toBe(200);
    const reader = sseReader(res.body as ReadableStream<Uint8Array>);
    readers.push(reader);
    return { res, reader };
  }
  return { db, feed, app, services, call, open };
}

describe("the change stream", () => {
  test("starts with the next change: one event per change, id equal to data.seq, growing", async () => {
    const { call, open } = await setup();
    await call("/prompts", { name: "before", body: "made before the stream" });
    const { res, reader } = await open();
    expect(res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("no-cache, no-transform");
    const opening = await reader.next();
    expect(opening?.retry).toBe("2000");
    expect(opening?.comment).toMatch(/^changes after \d+$/);

    await call("/prompts", { name: "greeting", body: "Hello {{name}}" });
    await call("/prompts/greeting/versions/1.0/promote", {});
    await call("/prompts/greeting/versions/1.0/save", { body: "Hi {{name}}" });
    const seen = [];
    for (let i = 0; i < 4; i++) seen.push(await reader.change());
    expect(seen.map((e) => [e?.event, e?.data.prompt, e?.data.version, e?.data.stage])).toEqual([
      ["prompt.created", "greeting", "1.0", "DEV"],
      ["version.created", "greeting", "1.0", "DEV"],
      ["version.promoted", "greeting", "1.0", "TST"],
      ["version.edited", "greeting", "1.0", "TST"],
    ]);
    const seqs = seen.map((e) => e?.data.seq as number);
    for (const [i, e] of seen.entries()) {
      expect(Object.keys(e?.data ?? {}).sort()).toEqual(["at", "prompt", "seq", "stage", "type", "version"]);
      expect(e?.id).toBe(String(e?.data.seq));
      expect(e?.event).toBe(e?.data.type);
      expect(Date.parse(e?.data.at)).not.toBeNaN();
      if (i > 0) expect(seqs[i]).toBeGreaterThan(seqs[i - 1] as number);
    }
    expect(Number(opening?.comment?.split(" ").at(-1))).toBeLessThan(seqs[0] as number);
  });

  test("Last-Event-ID resumes after that change, from the log, with the stages the changes had then", async () => {
    const { call, open } = await setup({ batch: 3 });
    const { reader: live } = await open();
    await call("/prompts", { name: "flow", body: "v1" });
    await call("/prompts/flow/versions/1.0/save", { body: "v1 edited in DEV" });
    await call("/prompts/flow/versions/1.0/promote", {});
    await call("/prompts/flow/versions/1.0/save", { body: "v1 edited in TST" });
    await call("/prompts/flow/versions/1.0/promote", { to: "PROD" });
    await call("/prompts/flow/versions/1.0/new", {});
    await call("/prompts/flow/versions/1.1/make-current", {});
    await call("/prompts/flow/versions/1.0/new", {});
    await call("/prompts/flow/versions/1.2/delete", {});
    const all = [];
    for (let i = 0; i < 10; i++) all.push(await live.change());
    expect(all.map((e) => `${e?.data.type} ${e?.data.version} ${e?.data.stage}`)).toEqual([
      "prompt.created 1.0 DEV",
      "version.created 1.0 DEV",
      "version.edited 1.0 DEV",
      "version.promoted 1.0 TST",
      "version.edited 1.0 TST",
      "version.promoted 1.0 PROD",
      "version.created 1.1 DEV",
      "version.made_current 1.1 DEV",
      "version.created 1.2 DEV",
      "version.deleted 1.2 DEV",
    ]);

    // From the second change on, in batches of 3: the same events, in order, none twice.
    const { reader: resumed } = await open({ "last-event-id": String(all[1]?.id) });
    expect((await resumed.next())?.comment).toBe(`changes after ${all[1]?.id}`);
    const again = [];
    for (let i = 0; i < 8; i++) again.push(await resumed.change());
    expect(again).toEqual(all.slice(2));
    // …then it is live like any other.
    await call("/prompts/flow/versions/1.1/promote", {});
    const next = await resumed.change();
    expect(next?.data).toMatchObject({ type: "version.promoted", version: "1.1", stage: "TST" });
    expect(await live.change()).toEqual(next);
  });

  test("a Last-Event-ID past the newest change (another registry's) starts with the next change", async () => {
    const { call, open } = await setup();
    await call("/prompts", { name: "here", body: "x" });
    const { reader } = await open({ "last-event-id": "999999" });
    const opening = await reader.next();
    expect(Number(opening?.comment?.split(" ").at(-1))).toBeLessThan(999999);
    await call("/prompts/here/versions/1.0/promote", {});
    expect((await reader.change())?.data).toMatchObject({ type: "version.promoted", prompt: "here" });
  });

  test("HEAD answers the stream's headers and no stream", async () => {
    const { app, feed } = await setup();
    const res = await app.request("/changes", { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    expect(await res.text()).toBe("");
    expect(feed.subscribers).toBe(0);
  });

  test("a comment line keeps an idle stream open, at the period set", async () => {
    const { open } = await setup({ heartbeatMs: 30 });
    const { reader } = await open();
    await reader.next((m) => m.comment?.startsWith("changes after") === true);
    expect(await reader.next((m) => m.comment !== undefined)).toEqual({ comment: "keep-alive" });
    expect(await reader.next((m) => m.comment !== undefined)).toEqual({ comment: "keep-alive" });
  });

  test("settings changes (environments, users, tokens) are not changes to prompts: not on the stream", async () => {
    const { call, open } = await setup();
    const { reader } = await open();
    await call("/settings/environments/DEV", { timeoutMs: 5000 });
    await call("/prompts", { name: "after-settings", body: "x" });
    expect((await reader.change())?.data).toMatchObject({ type: "prompt.created", prompt: "after-settings" });
  });

  test("a Last-Event-ID that is not a change id is 400 bad_request, as JSON", async () => {
    const { app } = await setup();
    for (const id of ["abc", "-1", "1.5", "9".repeat(20)]) {
      const res = await app.request("/changes", { headers: { accept: "text/event-stream", "last-event-id": id } });
      expect(res.status).toBe(400);
      expect(res.headers.get("content-type")).toMatch(/^application\/json/);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("bad_request");
    }
  });

  test("a reader that leaves too much unread has its stream ended, not buffered without bound", async () => {
    const { db, feed, call } = await setup();
    const app = createChangeRoutes(createServices({ db }), STDERR_NOTES, feed, 2_000);
    const res = await app.request("/changes", { headers: { accept: "text/event-stream" } });
    expect(feed.subscribers).toBe(1);
    for (let i = 0; i < 12; i++) await call("/prompts", { name: `flood-${i}`, body: "x" }); // ~24 events, ~4 KB
    await expect.poll(() => feed.subscribers).toBe(0);
    // What was queued before the end is still delivered whole; then the stream is over.
    const text = await res.text();
    expect(text.endsWith("\n\n")).toBe(true);
    expect(text.length).toBeLessThan(2_000 + 1_000);
  });

  test("stopping the server ends every open stream; a stream that leaves stops being fed", async () => {
    const { feed, open } = await setup();
    const { reader: first } = await open();
    const { reader: second } = await open();
    await first.next();
    await second.next();
    expect(feed.subscribers).toBe(2);
    await second.cancel();
    await expect.poll(() => feed.subscribers).toBe(1);
    feed.close();
    expect(await first.next()).toBeNull();
    expect(feed.subscribers).toBe(0);
  });
});

describe("the change stream's access: the runtime read's", () => {
  async function secured() {
    const s = await setup();
    await s.services.users.add({ name: "ada", role: "admin", password: PASSWORD });
    const readOnly = (await s.services.tokens.create({ user: "ada", label: "app", readOnly: true })).secret;
    return { ...s, readOnly };
  }

  test("without credentials 401 with WWW-Authenticate, never a redirect, whatever it accepts", async () => {
    const { app } = await secured();
    for (const accept of ["text/event-stream", "text/html", "*/*", "application/json"]) {
      const res = await app.request("/changes", { headers: { accept } });
      expect(res.status, accept).toBe(401);
      expect(res.headers.get("www-authenticate")).toBe('Bearer realm="promptrail"');
      expect(res.headers.get("location")).toBeNull();
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
    }
    const wrong = await app.request("/changes", { headers: credentialHeaders({ token: "prt_not-a-token" }) });
    expect(wrong.status).toBe(401);
  });

  test("a read-only token is enough", async () => {
    const { readOnly, services, open, call } = await secured();
    const full = (await services.tokens.create({ user: "ada", label: "editor" })).secret;
    const { reader } = await open(credentialHeaders({ token: readOnly }));
    await reader.next();
    await call("/prompts", { name: "seen", body: "x" }, credentialHeaders({ token: full }));
    expect((await reader.change())?.data).toMatchObject({ type: "prompt.created", prompt: "seen" });
  });
});

import { describe, expect, test } from "vitest";
import { createServices } from "../../../src/services/index.js";
import { connectAgain } from "../../support/db.js";
import { raceProcesses } from "../../support/processes.js";
import { type Client, freshApp } from "./support/http.js";

/**
 * The runtime read answers from memory; these tests hold it to "a write is visible to the very
 * next read", whoever wrote: this app, another connection in this process (a CLI verb, a second
 * server), or another process on the same database (docs/postgresql.md: another instance).
 */
async function reads(client: Client, stage: string) {
  const json = await client.request(`/prompts/p/stages/${stage}`, { headers: { accept: "application/json" } });
  const text = await client.request(`/prompts/p/stages/${stage}`, { headers: { accept: "text/plain" } });
  return { status: json.status, etag: json.headers.get("etag"), json: await json.json(), text: await text.text() };
}

/** Reads a few times, so that whatever is cached is warm before the write. */
async function warm(client: Client, stage: string) {
  for (let i = 0; i < 3; i++) await reads(client, stage);
  return reads(client, stage);
}

describe("the runtime read after a write", () => {
  test("through this app: save, promote, make-current and a new PROD each show on the next read", async () => {
    const client = await freshApp();
    await client.create("p", "one");
    await warm(client, "dev");
    await client.act("p", "1.0", "save", { body: "two" });
    expect((await reads(client, "dev")).text).toBe("two");

    await client.act("p", "1.0", "promote");
    await client.act("p", "1.0", "promote", { to: "PROD" });
    expect((await reads(client, "dev")).status).toBe(404);
    expect((await warm(client, "prod")).json).toMatchObject({ version: "1.0", body: "two" });

    await client.act("p", "1.0", "new");
    await client.act("p", "1.1", "save", { body: "three" });
    await client.act("p", "1.1", "promote");
    await warm(client, "prod");
    await client.act("p", "1.1", "promote", { to: "PROD" });
    expect(await reads(client, "prod")).toMatchObject({ json: { version: "1.1" }, text: "three" });
    await client.act("p", "1.0", "make-current");
    expect(await reads(client, "PROD")).toMatchObject({ json: { version: "1.0" }, text: "two" });
  });

  test("an ETag taken before a write is not answered 304 after it", async () => {
    const client = await freshApp();
    await client.create("p", "one");
    const before = await warm(client, "dev");
    await client.act("p", "1.0", "save", { body: "two" });
    const res = await client.request("/prompts/p/stages/dev", { headers: { "if-none-match": before.etag ?? "" } });
    expect(res.status).toBe(200);
    expect((await res.json()).body).toBe("two");
  });

  test("a prompt created after a read that found nothing is found by the next read", async () => {
    const client = await freshApp();
    expect((await reads(client, "dev")).status).toBe(404);
    await client.create("p", "new");
    expect((await reads(client, "dev")).text).toBe("new");
  });

  test("by another connection in this process, e.g. a second server on the same database", async () => {
    const client = await freshApp();
    await client.create("p", "one");
    await client.act("p", "1.0", "promote");
    await client.act("p", "1.0", "promote", { to: "PROD" });
    await warm(client, "prod");
    const other = connectAgain(client.db);
    try {
      const services = createServices({ db: other });
      await services.versions.createNew("p", "1.0");
      await services.versions.save("p", "1.1", { body: "from elsewhere" });
      await services.versions.promote("p", "1.1");
      await warm(client, "tst");
      await services.versions.promote("p", "1.1", { to: "PROD" });
      expect(await reads(client, "prod")).toMatchObject({ json: { version: "1.1" }, text: "from elsewhere" });
      expect((await reads(client, "tst")).status).toBe(404);
    } finally {
      await other.close();
    }
  });

  test("by another process on the same database", async () => {
    const client = await freshApp();
    await client.create("p", "one");
    await client.act("p", "1.0", "promote");
    await client.act("p", "1.0", "promote", { to: "PROD" });
    await client.act("p", "1.0", "new");
    await client.act("p", "1.1", "save", { body: "from another process" });
    await client.act("p", "1.1", "promote");
    const before = await warm(client, "prod");
    expect(before.json.version).toBe("1.0");
    const [outcome] = await raceProcesses(client.db.file, client.db.dir, [["promote", "p", "1.1"]]);
    expect(outcome).toEqual({ ok: true, stage: "PROD", revision: 2 });
    expect(await reads(client, "prod")).toMatchObject({ json: { version: "1.1" }, text: "from another process" });
    const stale = await client.request("/prompts/p/stages/prod", { headers: { "if-none-match": before.etag ?? "" } });
    expect(stale.status).toBe(200);
  });
});

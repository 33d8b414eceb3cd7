import type { Kysely } from "kysely";
import { describe, expect, test } from "vitest";
import type { Database } from "../../../src/db/schema.js";
import { createRuntimeService, MAX_CHARS, MAX_ENTRIES } from "../../../src/services/runtime.service.js";
import type { Changes } from "../../../src/store/changes.store.js";
import type { CurrentRow, CurrentSource } from "../../../src/store/runtime.store.js";

/** A source over an in-memory list of current versions that counts what it is asked. */
function fakeSource(bodies: Record<string, string>) {
  const asked: string[] = [];
  let commits = 0;
  const row = (body: string): CurrentRow => ({
    id: 1,
    seq: 1,
    prompt_type: "text",
    prompt_id: 1,
    major: 1,
    minor: 0,
    stage: "PROD",
    is_current: 1,
    body,
    config: "{}",
    revision: 1,
    content_hash: "0".repeat(64),
    created_from: null,
    created_at: "2030-01-01T00:00:00.000Z",
    edited_at: "2026-01-01T00:00:00.000Z",
    updated_at: "2030-01-01T00:00:00.000Z",
    variables: "[]",
    tools: "[]",
    response_format: null,
  });
  const source: CurrentSource = {
    current: async (name) => {
      asked.push(name);
      const body = bodies[name];
      return body === undefined ? undefined : row(body);
    },
    promptExists: async (name) => name in bodies,
  };
  const changes: Changes = { read: async () => commits };
  // The versions never need the database: only who asks does.
  const runtime = createRuntimeService({ db: {} as Kysely<Database>, changes, source });
  return { runtime, asked, commit: () => commits++ };
}

describe("the runtime read's memory", () => {
  test("an unchanged version is read from the source once, and is the same object every time", async () => {
    const { runtime, asked } = fakeSource({ p: "hello" });
    const first = await runtime.current("p", "prod");
    expect(await runtime.current("p", "prod")).toBe(first);
    expect(asked).toEqual(["p"]);
  });

  test("a change drops everything: the next read asks the source again", async () => {
    const fake = fakeSource({ p: "hello" });
    const first = await fake.runtime.current("p", "prod");
    fake.commit();
    expect(await fake.runtime.current("p", "prod")).not.toBe(first);
    expect(fake.asked).toEqual(["p", "p"]);
  });

  test("misses are remembered too, and at most MAX_ENTRIES entries are kept (oldest out first)", async () => {
    const { runtime, asked } = fakeSource({});
    const miss = (name: string) => expect(runtime.current(name, "prod")).rejects.toThrow(/No prompt named/);
    await miss("first");
    await miss("first");
    expect(asked).toEqual(["first"]);
    for (let i = 0; i < MAX_ENTRIES; i++) await miss(`other-${i}`);
    await miss("first");
    expect(asked.filter((name) => name === "first")).toHaveLength(2);
  });

  test("large bodies are kept up to MAX_CHARS together", async () => {
    const body = "x".repeat(1024 * 1024);
    const count = Math.ceil(MAX_CHARS / body.length) + 1;
    const bodies = Object.fromEntries(Array.from({ length: count }, (_, i) => [`p${i}`, body]));
    const { runtime, asked } = fakeSource(bodies);
    for (let i = 0; i < count; i++) await runtime.current(`p${i}`, "prod");
    await runtime.current("p0", "prod");
    await runtime.current(`p${count - 1}`, "prod");
    expect(asked.filter((name) => name === "p0")).toHaveLength(2);
    expect(asked.filter((name) => name === `p${count - 1}`)).toHaveLength(1);
  });
});

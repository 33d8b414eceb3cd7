import { describe, expect, test } from "vitest";

import { createRuntimeService, MAX_CHARS, MAX_ENTRIES } from "../../../src/services/runtime.service.js";
import type { CurrentRow, CurrentSource } from "../../../src/store/runtime.store.js";

/** A source over an in-memory list of current versions that counts what it is asked. */
function fakeSource(bodies: Record<string, string>) {
  const asked: string[] = [];
  let commits = 0;
  let seen = -1;
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
    changed: () => {
      const changed = commits !== seen;
      seen = commits;
      return changed;
    },
    current: (name) => {
      asked.push(name);
      const body = bodies[name];
      return body === undefined ? undefined : row(body);
    },
    promptExists: (name) => name in bodies,
  };
  return { source, asked, commit: () => commits++ };
}

describe("the runtime read's memory", () => {
  test("an unchanged version is read from the source once, and is the same object every time", () => {
    const { source, asked } = fakeSource({ p: "hello" });
    const runtime = createRuntimeService(source);
    const first = runtime.current("p", "prod");
    expect(runtime.current("p", "prod")).toBe(first);
    expect(asked).toEqual(["p"]);
  });

  test("a commit drops everything: the next read asks the source again", () => {
    const fake = fakeSource({ p: "hello" });
    const runtime = createRuntimeService(fake.source);
    const first = runtime.current("p", "prod");
    fake.commit();
    expect(runtime.current("p", "prod")).not.toBe(first);
    expect(fake.asked).toEqual(["p", "p"]);
  });

  test("misses are remembered too, and at most MAX_ENTRIES entries are kept (oldest out first)", () => {
    const { source, asked } = fakeSource({});
    const runtime = createRuntimeService(source);
    const miss = (name: string) => expect(() => runtime.current(name, "prod")).toThrow(/No prompt named/);
    miss("first");
    miss("first");
    expect(asked).toEqual(["first"]);
    for (let i = 0; i < MAX_ENTRIES; i++) miss(`other-${i}`);
    miss("first");
    expect(asked.filter((name) => name === "first")).toHaveLength(2);
  });

  test("large bodies are kept up to MAX_CHARS together", () => {
    const body = "x".repeat(1024 * 1024);
    const count = Math.ceil(MAX_CHARS / body.length) + 1;
    const bodies = Object.fromEntries(Array.from({ length: count }, (_, i) => [`p${i}`, body]));
    const { source, asked } = fakeSource(bodies);
    const runtime = createRuntimeService(source);
    for (let i = 0; i < count; i++) runtime.current(`p${i}`, "prod");
    runtime.current("p0", "prod");
    runtime.current(`p${count - 1}`, "prod");
    expect(asked.filter((name) => name === "p0")).toHaveLength(2);
    expect(asked.filter((name) => name === `p${count - 1}`)).toHaveLength(1);
  });
});

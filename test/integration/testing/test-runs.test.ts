import { describe, expect, it } from "vitest";
import { MAX_LIST_RESULT_BYTES } from "../../../src/services/test-runs.service.js";
import { rawSql, refusedRaw } from "../../support/state.js";
import { rejection, testingServices } from "../../support/testing.js";

const NOW = /^\d{4}-\d\d-\d\dT/;

async function greet() {
  const s = await testingServices();
  await s.prompts.create({ name: "greet", body: "Hello {{ name }}, welcome to {{place}}." });
  return s;
}

describe("TEST on echo", () => {
  it("runs every test case, evaluates each assertion type, stores and answers the run", async () => {
    const s = await greet();
    await s.testCases.create("greet", {
      name: "all pass",
      variables: { name: "Ada", place: "Paris" },
      assertions: [
        { type: "contains", value: "Ada" },
        { type: "not-contains", value: "Bob" },
        { type: "equals", value: "Hello Ada, welcome to Paris." },
        { type: "regex", value: "/^hello ada/i" },
        { type: "max-length", value: 40 },
      ],
    });
    await s.testCases.create("greet", {
      name: "some fail",
      variables: { name: "Bob", place: "Rome" },
      assertions: [{ type: "contains", value: "Ada" }, { type: "json" }],
    });
    const run = await s.testRuns.run("greet", "v1.0");
    expect(run).toEqual({
      id: expect.any(Number),
      version: "1.0",
      revision: 1,
      contentHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      stage: "DEV",
      provider: "echo",
      model: "gpt-4o-mini",
      status: "failed",
      startedAt: expect.stringMatching(NOW),
      durationMs: expect.any(Number),
      results: [
        {
          case: "all pass",
          status: "passed",
          output: "Hello Ada, welcome to Paris.",
          error: null,
          latencyMs: expect.any(Number),
          tokens: null,
          assertions: [
            { type: "contains", value: "Ada", passed: true, message: 'output contains "Ada"' },
            { type: "not-contains", value: "Bob", passed: true, message: 'output does not contain "Bob"' },
            {
              type: "equals",
              value: "Hello Ada, welcome to Paris.",
              passed: true,
              message: 'output equals "Hello Ada, welcome to Paris."',
            },
            { type: "regex", value: "/^hello ada/i", passed: true, message: 'output matches "/^hello ada/i"' },
            { type: "max-length", value: 40, passed: true, message: "output has 28 characters, at most 40" },
          ],
        },
        {
          case: "some fail",
          status: "failed",
          output: "Hello Bob, welcome to Rome.",
          error: null,
          latencyMs: expect.any(Number),
          tokens: null,
          assertions: [
            { type: "contains", value: "Ada", passed: false, message: 'expected output to contain "Ada"' },
            {
              type: "json",
              value: null,
              passed: false,
              message: expect.stringMatching(/^expected output to be valid JSON/),
            },
          ],
        },
      ],
    });
    expect((await s.testRuns.list("greet", "1.0")).runs).toEqual([run]);
  });

  it("a missing template variable is that case's error, naming it; the others still run", async () => {
    const s = await greet();
    await s.testCases.create("greet", { name: "no place", variables: { name: "Ada" } });
    await s.testCases.create("greet", { name: "nothing" });
    await s.testCases.create("greet", { name: "ok", variables: { name: "Ada", place: "Oslo" } });
    const run = await s.testRuns.run("greet", "1.0");
    expect(run.status).toBe("error");
    expect(
      run.results.map(({ case: name, status, error, output, latencyMs }) => ({
        name,
        status,
        error,
        output,
        latencyMs,
      })),
    ).toEqual([
      { name: "no place", status: "error", error: "Missing template variable: place", output: null, latencyMs: null },
      {
        name: "nothing",
        status: "error",
        error: "Missing template variables: name, place",
        output: null,
        latencyMs: null,
      },
      {
        name: "ok",
        status: "passed",
        error: null,
        output: "Hello Ada, welcome to Oslo.",
        latencyMs: expect.any(Number),
      },
    ]);
  });

  it("a config of the wrong kind errs every case, before any call", async () => {
    const s = await greet();
    await s.versions.save("greet", "1.0", { body: "Hi", config: { temperature: "warm" } });
    const run = await s.testRuns.run("greet", "1.0");
    expect(run.results).toEqual([
      expect.objectContaining({
        case: "ad-hoc",
        status: "error",
        error: "config.temperature must be a number from 0 to 2",
      }),
    ]);
  });
});

describe("the ad-hoc case", () => {
  it("runs alone when the prompt has no test cases, even without variables", async () => {
    const s = await testingServices();
    await s.prompts.create({ name: "plain", body: "Just text" });
    const run = await s.testRuns.run("plain", "1.0");
    expect(run.status).toBe("passed");
    expect(run.results).toEqual([
      {
        case: "ad-hoc",
        status: "passed",
        output: "Just text",
        error: null,
        latencyMs: expect.any(Number),
        tokens: null,
        assertions: [],
      },
    ]);
  });

  it("joins the test cases (first) when variables are given, and only then", async () => {
    const s = await greet();
    await s.testCases.create("greet", { name: "Ada", variables: { name: "Ada", place: "Paris" } });
    expect((await s.testRuns.run("greet", "1.0")).results.map((r) => r.case)).toEqual(["Ada"]);
    expect((await s.testRuns.run("greet", "1.0", { variables: {} })).results.map((r) => r.case)).toEqual(["Ada"]);
    const run = await s.testRuns.run("greet", "1.0", { variables: { name: "Zoe", place: "Lima" } });
    expect(run.results.map((r) => [r.case, r.output])).toEqual([
      ["ad-hoc", "Hello Zoe, welcome to Lima."],
      ["Ada", "Hello Ada, welcome to Paris."],
    ]);
  });

  it("its variables are remembered per prompt and prefill one input per template variable", async () => {
    const s = await greet();
    expect(await s.testRuns.adHocVariables("greet", "1.0")).toEqual({ name: "", place: "" });
    await s.testRuns.run("greet", "1.0", { variables: { name: "Zoe", place: "Lima" } });
    await s.testRuns.run("greet", "1.0", { variables: { name: "Max" } });
    expect(await s.testRuns.adHocVariables("greet", "1.0")).toEqual({ name: "Max", place: "Lima" });
    // With no test cases and no variables, the remembered ones feed the ad-hoc case.
    const run = await s.testRuns.run("greet", "1.0");
    expect(run.results[0]).toMatchObject({ case: "ad-hoc", output: "Hello Max, welcome to Lima." });
  });

  it("refuses variables that are not strings", async () => {
    const s = await greet();
    const error = await rejection(s.testRuns.run("greet", "1.0", { variables: { name: 1 } as never }));
    expect(error.code).toBe("validation_failed");
    expect(error.issues).toEqual([expect.objectContaining({ path: "variables.name" })]);
    expect((await s.testRuns.list("greet", "1.0")).runs).toEqual([]);
  });
});

describe("stored runs", () => {
  it("a page stops before its stored results pass 512 KiB, so large runs never load a whole page at once", async () => {
    const s = await greet();
    const { id } = await s.versions.get("greet", "1.0");
    const output = "x".repeat(MAX_LIST_RESULT_BYTES / 4 - 200);
    const results = JSON.stringify([
      { case: "big", status: "passed", output, error: null, latencyMs: 1, tokens: null, assertions: [] },
    ]);
    const insert = `INSERT INTO test_runs (version_id, revision, content_hash, stage, provider, model, status, started_at, duration_ms, results)
       SELECT id, revision, content_hash, stage, 'echo', 'm', 'passed', '2030-01-01T00:00:00.000Z', 1, ? FROM versions WHERE id = ?`;
    for (let i = 0; i < 6; i++) await rawSql(s.db, insert, results, id);
    const seen: number[][] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof s.testRuns.list>> = await s.testRuns.list("greet", "1.0", {
        ...(cursor ? { cursor } : {}),
      });
      seen.push(page.runs.map((r) => r.id));
      cursor = page.nextCursor;
    } while (cursor && seen.length < 10);
    expect(seen.map((ids) => ids.length)).toEqual([4, 2]);
    expect(new Set(seen.flat()).size).toBe(6);
  });

  it("are listed newest first with pagination, and each appends a version.tested event", async () => {
    const s = await greet();
    const runs = [];
    for (let i = 0; i < 3; i++)
      runs.push(await s.testRuns.run("greet", "1.0", { variables: { name: `n${i}`, place: "x" } }));
    const first = await s.testRuns.list("greet", "1.0", { limit: 2 });
    expect(first.runs.map((r) => r.id)).toEqual([runs[2]?.id, runs[1]?.id]);
    const rest = await s.testRuns.list("greet", "1.0", { limit: 2, cursor: first.nextCursor ?? "" });
    expect(rest).toEqual({ runs: [runs[0]], nextCursor: null });
    const { events } = await s.history.list("greet");
    expect(events[0]).toMatchObject({
      type: "version.tested",
      version: "1.0",
      actor: "local",
      detail: { run: runs[2]?.id, status: "passed", stage: "DEV", revision: 1, provider: "echo", model: "gpt-4o-mini" },
    });
  });

  it("can never be changed, and go only with their deleted draft (R9)", async () => {
    const s = await greet();
    const draft = await s.versions.createNew("greet", "1.0");
    const run = await s.testRuns.run("greet", draft.version, { variables: { name: "a", place: "b" } });
    const kept = await s.testRuns.run("greet", "1.0", { variables: { name: "a", place: "b" } });
    expect((await refusedRaw(s.db, "UPDATE test_runs SET status = 'passed'")).message).toContain(
      "test runs are never changed",
    );
    expect((await refusedRaw(s.db, "DELETE FROM test_runs WHERE id = ?", run.id)).message).toContain(
      "test runs are deleted only with their version",
    );
    await s.versions.delete("greet", draft.version);
    const ids = (await s.db.kysely.selectFrom("test_runs").select("id").execute()).map((r) => r.id);
    expect(ids).toEqual([kept.id]);
  });

  it("status tells whether the latest run still applies", async () => {
    const s = await greet();
    expect(await s.testRuns.status("greet", "1.0")).toEqual({ latest: null, fresh: false, summary: "Not tested yet" });
    const run = await s.testRuns.run("greet", "1.0", { variables: { name: "a", place: "b" } });
    expect(await s.testRuns.status("greet", "1.0")).toEqual({
      latest: run,
      fresh: true,
      summary: "passed on revision 1",
    });
    await s.versions.save("greet", "1.0", { body: "Changed {{name}}" });
    expect(await s.testRuns.status("greet", "1.0")).toMatchObject({
      fresh: false,
      summary: "passed on revision 1 — edited since",
    });
  });

  it("unknown prompts and versions are not_found", async () => {
    const s = await greet();
    expect((await rejection(s.testRuns.run("greet", "9.9"))).code).toBe("not_found");
    expect((await rejection(s.testRuns.list("nope", "1.0"))).code).toBe("not_found");
    for (const cursor of ["abc", "", "-3", "1e3"])
      expect((await rejection(s.testRuns.list("greet", "1.0", { cursor }))).code).toBe("validation_failed");
  });
});

import { describe, expect, it } from "vitest";
import { boundedProvider, Slots } from "../../../src/providers/bounded.js";
import { ProviderError } from "../../../src/providers/provider.js";
import { completion, fakeOpenAi, sendJson } from "../../support/fake-openai.js";
import { rejection, testingServices } from "../../support/testing.js";

/** p: v1.0 in PROD ("Hello {{name}}"), v1.1 a DEV draft ("Hi {{name}}"), three test cases. */
async function setup(options: { env?: Record<string, string> } = {}) {
  const s = await testingServices(options);
  await s.prompts.create({ name: "p", body: "Hello {{name}}" });
  await s.versions.promote("p", "1.0");
  await s.versions.promote("p", "1.0", { to: "PROD" });
  await s.versions.createNew("p", "1.0");
  await s.versions.save("p", "1.1", { body: "Hi {{name}}" });
  await s.testCases.create("p", {
    name: "says hello",
    variables: { name: "Ada" },
    assertions: [{ type: "contains", value: "Hello" }],
  });
  await s.testCases.create("p", {
    name: "says hi",
    variables: { name: "Bob" },
    assertions: [{ type: "contains", value: "Hi" }],
  });
  await s.testCases.create("p", {
    name: "names",
    variables: { name: "Cy" },
    assertions: [{ type: "contains", value: "Cy" }],
  });
  return s;
}

describe("comparisons", () => {
  it("runs the candidate and current PROD over every case as two stored runs; broken cases first", async () => {
    const { comparisons, testRuns } = await setup();
    const c = await comparisons.create("p", { candidate: "1.1" });
    expect(c).toMatchObject({
      status: "done",
      stage: "DEV",
      candidate: { version: "1.1" },
      baseline: { version: "1.0", stage: "PROD" },
      progress: { done: 6, total: 6 },
      summary: {
        fixed: 1,
        broke: 1,
        same: 1,
        candidate: { passed: 2, failed: 1, errors: 0 },
        baseline: { passed: 2, failed: 1, errors: 0 },
      },
    });
    expect(c.summary?.line).toMatch(/^v1\.1 vs PROD v1\.0: 1 same, 1 fixed, 1 broke/);
    expect(c.cases.map((x) => [x.case, x.change])).toEqual([
      ["says hello", "broke"],
      ["says hi", "fixed"],
      ["names", "same"],
    ]);
    const broke = c.cases[0];
    expect(broke?.candidate).toMatchObject({ status: "failed", output: "Hi Ada" });
    expect(broke?.baseline).toMatchObject({ status: "passed", output: "Hello Ada" });
    expect(broke?.changed).toEqual([{ type: "contains", value: "Hello", baseline: true, candidate: false }]);
    // Two linked runs, both in the candidate's stage environment.
    const candidateRuns = (await testRuns.list("p", "1.1")).runs;
    const baselineRuns = (await testRuns.list("p", "1.0")).runs;
    expect(candidateRuns[0]).toMatchObject({ id: c.candidate.run, stage: "DEV", status: "failed" });
    expect(baselineRuns[0]).toMatchObject({ id: c.baseline.run, stage: "DEV" });
    expect((await comparisons.list("p")).comparisons.map((x) => x.id)).toEqual([c.id]);
    expect(await comparisons.latestOf("p", "1.1")).toMatchObject({ id: c.id });
  });

  it("pages the cases: cursor counts the cases before", async () => {
    const { comparisons } = await setup();
    const c = await comparisons.create("p", { candidate: "1.1" });
    const first = await comparisons.get("p", c.id, { limit: 2 });
    expect(first.cases).toHaveLength(2);
    expect(first.nextCursor).toBe("2");
    const rest = await comparisons.get("p", c.id, { limit: 2, cursor: "2" });
    expect(rest.cases.map((x) => x.case)).toEqual(["names"]);
    expect(rest.nextCursor).toBeNull();
  });

  it("refuses a version against itself, a baseline in another prompt or an earlier stage, no test cases; nothing is written", async () => {
    const s = await setup();
    await s.prompts.create({ name: "other", body: "x" });
    const itself = await rejection(s.comparisons.create("p", { candidate: "1.1", baseline: "1.1" }));
    expect(itself).toMatchObject({
      code: "validation_failed",
      message: "v1.1 cannot be compared with itself: name another baseline",
    });
    const prod = await rejection(s.comparisons.create("p", { candidate: "1.0" }));
    expect(prod.message).toMatch(/cannot be compared with itself/);
    const elsewhere = await rejection(
      s.comparisons.create("p", { candidate: "1.1", baseline: { prompt: "other", version: "1.0" } }),
    );
    expect(elsewhere).toMatchObject({ code: "validation_failed" });
    expect(elsewhere.message).toMatch(/^The baseline must be a version of p/);
    const earlier = await rejection(s.comparisons.create("p", { candidate: "1.0", baseline: "1.1" }));
    expect(earlier.message).toMatch(/has not reached/);
    const none = await rejection(s.comparisons.create("other", { candidate: "1.0", baseline: "1.0" }));
    expect(none.code).toBe("validation_failed");
    expect((await rejection(s.comparisons.create("p", { candidate: "9.9" }))).code).toBe("not_found");
    expect((await s.comparisons.list("p")).comparisons).toEqual([]);
  });

  it("a judge's score is shown per side", async () => {
    const server = await fakeOpenAi((request, res) => {
      const messages = (request.body as { messages: Array<{ role: string; content: string }> }).messages;
      if (messages[0]?.role !== "system") return sendJson(res, 200, completion(messages[0]?.content ?? ""));
      const polite = /OUTPUT:\n<<<\nHello/.test(messages[1]?.content ?? "");
      sendJson(res, 200, completion(JSON.stringify({ score: polite ? 0.9 : 0.4, reason: polite ? "polite" : "curt" })));
    });
    const s = await setup();
    await s.environments.update("DEV", { provider: "openai", baseUrl: server.baseUrl, apiKeyEnv: null });
    await s.testCases.create("p", {
      name: "polite",
      variables: { name: "Di" },
      assertions: [{ type: "judge", value: "Is polite" }],
    });
    const c = await s.comparisons.create("p", { candidate: "1.1" });
    const polite = c.cases.find((x) => x.case === "polite");
    expect(polite).toMatchObject({ change: "broke", candidate: { score: 0.4 }, baseline: { score: 0.9 } });
    expect(c.summary?.candidate.tokens).toBeGreaterThan(0);
  });
});

describe("bounded model calls", () => {
  it("429 answers are retried with backoff (Retry-After honoured); other failures are not", async () => {
    const waits: number[] = [];
    let calls = 0;
    const flaky = {
      name: "openai" as const,
      async complete() {
        calls++;
        if (calls < 3)
          throw new ProviderError("rate limited", { status: 429, retryAfterMs: calls === 2 ? 2000 : undefined });
        return { output: "ok", tokens: null };
      },
    };
    const sleep = async (ms: number) => void waits.push(ms);
    const provider = boundedProvider(flaky, new Slots(1), { retries: 3, baseDelayMs: 100, maxDelayMs: 5000, sleep });
    const request = { messages: [], text: "", model: "m", timeoutMs: 1000 };
    expect(await provider.complete(request)).toEqual({ output: "ok", tokens: null });
    expect(waits).toEqual([100, 2000]);

    let failing = 0;
    const broken = boundedProvider(
      {
        name: "openai",
        complete: async () => {
          failing++;
          throw new ProviderError("HTTP 500", { status: 500 });
        },
      },
      new Slots(1),
      { retries: 3, baseDelayMs: 1, maxDelayMs: 1, sleep },
    );
    await expect(broken.complete(request)).rejects.toThrow("HTTP 500");
    expect(failing).toBe(1);
  });

  it("at most the environment's share of calls are in flight at once", async () => {
    const slots = new Slots(2);
    let inFlight = 0;
    let most = 0;
    const slow = {
      name: "openai" as const,
      async complete() {
        most = Math.max(most, ++inFlight);
        await new Promise((r) => setTimeout(r, 10));
        inFlight--;
        return { output: "", tokens: null };
      },
    };
    const a = boundedProvider(slow, slots);
    const b = boundedProvider(slow, slots);
    const request = { messages: [], text: "", model: "m", timeoutMs: 1000 };
    await Promise.all([
      ...Array.from({ length: 5 }, () => a.complete(request)),
      ...Array.from({ length: 5 }, () => b.complete(request)),
    ]);
    expect(most).toBe(2);
  });
});

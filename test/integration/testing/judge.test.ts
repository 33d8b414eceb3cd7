import { describe, expect, it } from "vitest";
import { GRADER_VERSION } from "../../../src/providers/grader/judge.prompt.js";
import { gradingModel } from "../../support/fake-grader.js";
import { fakeOpenAi } from "../../support/fake-openai.js";
import { rejection, testingServices } from "../../support/testing.js";

async function setup() {
  const server = await fakeOpenAi(gradingModel);
  const s = await testingServices();
  await s.environments.update("DEV", { provider: "openai", baseUrl: server.baseUrl, model: "grader", apiKeyEnv: null });
  await s.prompts.create({ name: "greet", body: "Hello {{name}}" });
  return { server, ...s };
}

describe("the judge assertion", () => {
  it("the environment's model grades the output with the fixed grader prompt; score and reason are stored", async () => {
    const { server, testCases, testRuns } = await setup();
    await testCases.create("greet", {
      name: "Ada",
      variables: { name: "Ada" },
      assertions: [{ type: "judge", value: "Greets the person by name: Ada" }],
    });
    await testCases.create("greet", {
      name: "strict",
      variables: { name: "Bob" },
      assertions: [{ type: "judge", value: "Mentions Ada", threshold: 0.1 }],
    });
    const run = await testRuns.run("greet", "1.0");
    expect(run.status).toBe("passed");
    expect(run.results[0]?.assertions[0]).toEqual({
      type: "judge",
      value: "Greets the person by name: Ada",
      passed: true,
      message: "judge scored 1 (at least 0.7): mentions Ada",
      score: 1,
      reason: "mentions Ada",
      threshold: 0.7,
      grader: GRADER_VERSION,
    });
    expect(run.results[1]?.assertions[0]).toMatchObject({ passed: true, score: 0.2, threshold: 0.1 });
    const graded = server.requests.find(
      (r) => (r.body as { messages: Array<{ role: string }> }).messages[0]?.role === "system",
    );
    expect(graded?.body).toMatchObject({ model: "grader", temperature: 0, response_format: { type: "json_object" } });
  });

  it("a score under the threshold fails the case", async () => {
    const { testCases, testRuns } = await setup();
    await testCases.create("greet", {
      name: "Bob",
      variables: { name: "Bob" },
      assertions: [{ type: "judge", value: "Mentions Ada" }],
    });
    const run = await testRuns.run("greet", "1.0");
    expect(run.status).toBe("failed");
    expect(run.results[0]?.assertions[0]).toMatchObject({ passed: false, score: 0.2, reason: "never mentions Ada" });
  });

  it("a malformed grade or a score out of range is a case error that says so, never a pass", async () => {
    const { testCases, testRuns } = await setup();
    await testCases.create("greet", {
      name: "a",
      variables: { name: "A" },
      assertions: [{ type: "judge", value: "MALFORMED" }],
    });
    await testCases.create("greet", {
      name: "b",
      variables: { name: "B" },
      assertions: [{ type: "judge", value: "OUTOFRANGE" }],
    });
    const run = await testRuns.run("greet", "1.0");
    expect(run.status).toBe("error");
    expect(run.results[0]).toMatchObject({
      status: "error",
      error: expect.stringMatching(/^The judge's grade is not JSON/),
    });
    expect(run.results[1]).toMatchObject({ status: "error", error: expect.stringMatching(/no score from 0 to 1/) });
  });

  it("without a model (echo) a judge is a case error saying so", async () => {
    const s = await testingServices();
    await s.prompts.create({ name: "greet", body: "Hello {{name}}" });
    await s.testCases.create("greet", {
      name: "a",
      variables: { name: "A" },
      assertions: [{ type: "judge", value: "Polite" }],
    });
    const run = await s.testRuns.run("greet", "1.0");
    expect(run.results[0]).toMatchObject({ status: "error", error: expect.stringMatching(/needs a model.*echo/) });
  });

  it("a rubric over 10,000 characters or a threshold outside 0..1 is refused when saved", async () => {
    const { testCases } = await setup();
    const long = await rejection(
      testCases.create("greet", { name: "a", assertions: [{ type: "judge", value: "x".repeat(10_001) }] }),
    );
    expect(long).toMatchObject({ code: "validation_failed" });
    expect(long.message).toMatch(/rubric under 10,000 characters/);
    const high = await rejection(
      testCases.create("greet", { name: "a", assertions: [{ type: "judge", value: "ok", threshold: 1.5 }] }),
    );
    expect(high.message).toMatch(/at most 1/);
    expect(await testCases.list("greet")).toEqual([]);
  });
});

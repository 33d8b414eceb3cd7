import { describe, expect, it } from "vitest";
import { echoBack, fakeOpenAi } from "../../support/fake-openai.js";
import { testingServices } from "../../support/testing.js";

/** a JSON classifier behind a gate can pass with the echo provider. */
describe("a test case's echo output", () => {
  const classifier = 'Classify this ticket as JSON {"label": …}: {{ticket}}';

  it("is what echo answers for the case, so assertions on model output can pass", async () => {
    const s = await testingServices();
    await s.prompts.create({ name: "triage", body: classifier });
    const testCase = await s.testCases.create("triage", {
      name: "refund",
      variables: { ticket: "I want my money back" },
      assertions: [{ type: "json" }, { type: "contains", value: '"refund"' }],
      echoOutput: '{"label": "refund"}',
    });
    expect(testCase.echoOutput).toBe('{"label": "refund"}');
    const run = await s.testRuns.run("triage", "1.0");
    expect(run.status).toBe("passed");
    expect(run.results[0]).toMatchObject({ case: "refund", output: '{"label": "refund"}', status: "passed" });
  });

  it("still needs the template's variables: a missing one is the case's error", async () => {
    const s = await testingServices();
    await s.prompts.create({ name: "triage", body: classifier });
    await s.testCases.create("triage", { name: "no-ticket", assertions: [{ type: "json" }], echoOutput: "{}" });
    const run = await s.testRuns.run("triage", "1.0");
    expect(run.results[0]).toMatchObject({ status: "error", error: "Missing template variable: ticket" });
  });

  it("is not used by a real model: the rendered prompt goes to it as always", async () => {
    const server = await fakeOpenAi(echoBack);
    const s = await testingServices();
    await s.environments.update("DEV", { provider: "openai", baseUrl: server.baseUrl, apiKeyEnv: null });
    await s.prompts.create({ name: "triage", body: classifier });
    await s.testCases.create("triage", { name: "refund", variables: { ticket: "money" }, echoOutput: "{}" });
    await s.testRuns.run("triage", "1.0");
    const body = server.requests[0]?.body as { messages: Array<{ content: string }> } | undefined;
    const sent = body?.messages[0]?.content;
    expect(sent).toBe('Classify this ticket as JSON {"label": …}: money');
  });

  it("defaults to null: echo answers the rendered prompt", async () => {
    const s = await testingServices();
    await s.prompts.create({ name: "triage", body: classifier });
    expect((await s.testCases.create("triage", { name: "plain" })).echoOutput).toBeNull();
  });
});

import { describe, expect, it } from "vitest";
import { completion, fakeOpenAi, type Responder, sendJson } from "../../support/fake-openai.js";
import { testingServices } from "../../support/testing.js";

/**
 * TEST with a prompt contract (docs/contract.md): the version's tools and response format go to
 * an OpenAI-compatible provider as `tools` and `response_format`; with a json_schema response
 * format every case's output is checked against the schema (a `schema` assertion); test cases'
 * text variables are read as their declared types.
 */
const TOOLS = [
  {
    type: "function",
    function: {
      name: "lookup_order",
      description: "Find an order",
      parameters: { type: "object", properties: { id: { type: "string" } }, required: ["id"] },
    },
  },
];
const SCHEMA = {
  type: "object",
  properties: { label: { type: "string", enum: ["refund", "other"] } },
  required: ["label"],
  additionalProperties: false,
};
const FORMAT = { type: "json_schema", json_schema: { name: "triage", schema: SCHEMA, strict: true } };

async function setup(respond: Responder) {
  const server = await fakeOpenAi(respond);
  const s = await testingServices();
  await s.environments.update("DEV", { provider: "openai", baseUrl: server.baseUrl, model: "m", apiKeyEnv: null });
  return { server, ...s };
}

/** Answers what the rendered prompt asks for: the text after "say:". */
const sayWhatIsAsked: Responder = (request, res) => {
  const content = (request.body as { messages: Array<{ content: string }> }).messages[0]?.content ?? "";
  sendJson(res, 200, completion(content.replace(/^[\s\S]*say:/, "")));
};

describe("TEST with a contract", () => {
  it("sends tools and response_format to the provider, as the version holds them", async () => {
    const s = await setup(sayWhatIsAsked);
    await s.prompts.create({
      name: "triage",
      body: "Ticket {{ticket}} ({{priority}}) say:{{answer}}",
      variables: [{ name: "priority", type: "number", default: 2 }],
      tools: TOOLS,
      responseFormat: FORMAT,
    });
    const run = await s.testRuns.run("triage", "1.0", { variables: { ticket: "T1", answer: '{"label":"refund"}' } });
    expect(s.server.requests[0]?.body).toEqual({
      model: "m",
      messages: [{ role: "user", content: 'Ticket T1 (2) say:{"label":"refund"}' }],
      tools: TOOLS,
      response_format: FORMAT,
    });
    expect(run.status).toBe("passed");
    expect(run.results[0]?.assertions).toEqual([
      { type: "schema", value: "triage", passed: true, message: "Matches schema triage" },
    ]);
  });

  it("an output the schema refuses, or that is not JSON, fails its case with a schema assertion", async () => {
    const s = await setup(sayWhatIsAsked);
    await s.prompts.create({ name: "triage", body: "say:{{answer}}", responseFormat: FORMAT });
    await s.testCases.create("triage", {
      name: "wrong label",
      variables: { answer: '{"label":"spam"}' },
      assertions: [],
    });
    await s.testCases.create("triage", { name: "prose", variables: { answer: "It is a refund." }, assertions: [] });
    await s.testCases.create("triage", {
      name: "fenced",
      variables: { answer: '```json\n{"label":"other"}\n```' },
      assertions: [],
    });
    const run = await s.testRuns.run("triage", "1.0");
    expect(run.status).toBe("failed");
    const byCase = Object.fromEntries(run.results.map((r) => [r.case, r]));
    expect(byCase["wrong label"]?.assertions[0]).toMatchObject({ type: "schema", passed: false });
    expect(byCase["wrong label"]?.assertions[0]?.message).toMatch(/label/);
    expect(byCase.prose?.assertions[0]?.message).toMatch(/not JSON/);
    expect(byCase.fenced?.status).toBe("passed");
  });

  it("no tools and no response format: the request is as it was before contracts", async () => {
    const s = await setup(sayWhatIsAsked);
    await s.prompts.create({ name: "plain", body: "say:hi" });
    await s.testRuns.run("plain", "1.0");
    expect(s.server.requests[0]?.body).toEqual({ model: "m", messages: [{ role: "user", content: "say:hi" }] });
  });

  it("a model that calls a tool: the output is the tool calls as JSON", async () => {
    const s = await setup((_, res) =>
      sendJson(res, 200, {
        ...completion(null),
        choices: [
          {
            index: 0,
            finish_reason: "tool_calls",
            message: {
              role: "assistant",
              content: null,
              tool_calls: [{ id: "c1", type: "function", function: { name: "lookup_order", arguments: '{"id":"7"}' } }],
            },
          },
        ],
      }),
    );
    await s.prompts.create({ name: "agent", body: "Where is order 7?", tools: TOOLS });
    await s.testCases.create("agent", {
      name: "calls lookup",
      variables: {},
      assertions: [{ type: "contains", value: '"name":"lookup_order"' }],
    });
    const run = await s.testRuns.run("agent", "1.0");
    expect(run.results[0]).toMatchObject({ status: "passed" });
    expect(JSON.parse(run.results[0]?.output ?? "")).toEqual({
      tool_calls: [{ name: "lookup_order", arguments: '{"id":"7"}' }],
    });
  });

  it("test case text is read as the declared type; text that is not of it errs the case", async () => {
    const s = await testingServices();
    await s.prompts.create({
      name: "typed",
      body: "{{n}} {{flag}} {{data}}",
      variables: [
        { name: "n", type: "number" },
        { name: "flag", type: "boolean" },
        { name: "data", type: "json" },
      ],
    });
    await s.testCases.create("typed", {
      name: "good",
      variables: { n: "2.50", flag: "true", data: '{"a": 1}' },
      assertions: [],
    });
    await s.testCases.create("typed", { name: "bad", variables: { n: "two", flag: "yes", data: "{" }, assertions: [] });
    const run = await s.testRuns.run("typed", "1.0");
    const byCase = Object.fromEntries(run.results.map((r) => [r.case, r]));
    expect(byCase.good).toMatchObject({ status: "passed", output: '2.5 true {"a":1}' });
    expect(byCase.bad?.status).toBe("error");
    expect(byCase.bad?.error).toMatch(/Variable n: Expected a number; Variable flag: .*; Variable data: Expected JSON/);
  });
});

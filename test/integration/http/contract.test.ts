import { describe, expect, test } from "vitest";
import { contentHash } from "../../../src/domain/content.js";
import { freshApp } from "./support/http.js";

/**
 * The prompt contract on the version routes (docs/contract.md): typed variables, tools and a
 * response format are saved with the text, covered by the content hash, kept in revisions,
 * copied by Create New Version, frozen in PROD; bad input is a 422 naming the field, nothing saved.
 */
const SCHEMA = { type: "object", properties: { label: { type: "string" } }, required: ["label"] };
const BODY = "Hi {{customer}} x{{count}} {{tone}}";
const CONTRACT = {
  variables: [
    { name: "customer", description: "Who writes" },
    { name: "count", type: "number", default: 1 },
    { name: "tone", type: "enum", values: ["formal", "casual"] },
    { name: "style", type: "enum", values: ["short", "long"], default: "short" },
    { name: "history", type: "messages", default: [{ role: "user", content: "Hi" }] },
  ],
  tools: [{ type: "function", function: { name: "lookup_order", parameters: { type: "object" } } }],
  responseFormat: { type: "json_schema", json_schema: { name: "label", schema: SCHEMA } },
};

async function withPrompt() {
  const app = await freshApp();
  const created = await app.api("POST", "/prompts", { name: "p", body: "Hi {{customer}} x{{count}} {{tone}}" });
  expect(created.status).toBe(201);
  return app;
}

describe("the contract on a version", () => {
  test("a version without a contract keeps the hash of {body, config} and shows an empty contract", async () => {
    const app = await withPrompt();
    const { body } = await app.api("GET", "/prompts/p/versions/1.0");
    expect(body.contentHash).toBe(contentHash("Hi {{customer}} x{{count}} {{tone}}", {}));
    expect(body).toMatchObject({ variables: [], tools: [], responseFormat: null });
  });

  test("a save stores the contract in stored form, changes the hash, and keeps it in the revision", async () => {
    const app = await withPrompt();
    const saved = await app.api("POST", "/prompts/p/versions/1.0/save", {
      body: "Hi {{customer}} x{{count}} {{tone}}",
      revision: 1,
      ...CONTRACT,
    });
    expect(saved.status).toBe(200);
    expect(saved.body.revision).toBe(2);
    expect(saved.body.variables).toEqual([
      { name: "customer", type: "string", required: true, description: "Who writes" },
      { name: "count", type: "number", required: false, default: 1 },
      { name: "tone", type: "enum", required: true, values: ["formal", "casual"] },
      { name: "style", type: "enum", required: false, values: ["short", "long"], default: "short" },
      { name: "history", type: "messages", required: false, default: [{ role: "user", content: "Hi" }] },
    ]);
    expect(saved.body.tools).toEqual(CONTRACT.tools);
    expect(saved.body.responseFormat).toEqual(CONTRACT.responseFormat);
    expect(saved.body.contentHash).not.toBe(contentHash("Hi {{customer}} x{{count}} {{tone}}", {}));
    const { body } = await app.api("GET", "/prompts/p/versions/1.0/revisions");
    expect(body.revisions[0].variables).toEqual(saved.body.variables);
    expect(body.revisions[1].variables).toEqual([]);
    // A save that leaves the contract out keeps it.
    const again = await app.api("POST", "/prompts/p/versions/1.0/save", { body: "Hello {{customer}}", revision: 2 });
    expect(again.body.tools).toEqual(CONTRACT.tools);
  });

  test("Create New Version copies the contract; PROD refuses a contract change", async () => {
    const app = await withPrompt();
    await app.api("POST", "/prompts/p/versions/1.0/save", { body: BODY, revision: 1, ...CONTRACT });
    const copy = await app.api("POST", "/prompts/p/versions/1.0/new", {});
    expect(copy.body.variables).toHaveLength(5);
    expect(copy.body.contentHash).toBe((await app.api("GET", "/prompts/p/versions/1.0")).body.contentHash);
    await app.api("POST", "/prompts/p/versions/1.0/promote", { to: "TST" });
    await app.api("POST", "/prompts/p/versions/1.0/promote", { to: "PROD" });
    const refused = await app.api("POST", "/prompts/p/versions/1.0/save", { body: BODY, tools: [] });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe("version_immutable");
  });

  test("the runtime read carries the contract", async () => {
    const app = await withPrompt();
    await app.api("POST", "/prompts/p/versions/1.0/save", { body: BODY, revision: 1, ...CONTRACT });
    const { body } = await app.api("GET", "/prompts/p/stages/DEV");
    expect(body.tools).toEqual(CONTRACT.tools);
    expect(body.variables.map((v: { name: string }) => v.name)).toEqual([
      "customer",
      "count",
      "tone",
      "style",
      "history",
    ]);
    expect(body.responseFormat).toEqual(CONTRACT.responseFormat);
  });
});

describe("the Langfuse read", () => {
  test("puts tools and response_format inside config when set, and only then", async () => {
    const app = await withPrompt();
    await app.api("POST", "/prompts/p/versions/1.0/save", { body: BODY, revision: 1, config: { model: "m" } });
    const plain = await app.api("GET", "/api/public/v2/prompts/p?label=development");
    expect(plain.body.config).toEqual({ model: "m" });
    await app.api("POST", "/prompts/p/versions/1.0/save", { body: BODY, revision: 2, ...CONTRACT });
    const read = await app.api("GET", "/api/public/v2/prompts/p?label=development");
    expect(read.body.config).toEqual({ model: "m", tools: CONTRACT.tools, response_format: CONTRACT.responseFormat });
    const list = await app.api("GET", "/api/public/v2/prompts");
    expect(list.body.data[0].lastConfig.tools).toEqual(CONTRACT.tools);
  });
});

describe("bad contracts are 422 naming the field, and change nothing", () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ["an unknown type", { variables: [{ name: "a", type: "date" }] }, "variables.0.type"],
    ["a duplicate name", { variables: [{ name: "a" }, { name: "a" }] }, "variables.1.name"],
    [
      "a default of the wrong type",
      { variables: [{ name: "a", type: "number", default: "1" }] },
      "variables.0.default",
    ],
    ["an enum without values", { variables: [{ name: "a", type: "enum", values: [] }] }, "variables.0.values"],
    ["values on a string", { variables: [{ name: "a", values: ["x"] }] }, "variables.0.values"],
    ["a bad variable name", { variables: [{ name: "1st" }] }, "variables.0.name"],
    [
      "more than 128 tools",
      {
        tools: Array.from({ length: 129 }, (_, i) => ({
          type: "function",
          function: { name: `t${i}`, parameters: { type: "object" } },
        })),
      },
      "tools",
    ],
    [
      "a 1 MB schema",
      {
        responseFormat: {
          type: "json_schema",
          json_schema: { name: "big", schema: { type: "object", description: "x".repeat(1_000_000) } },
        },
      },
      "responseFormat.json_schema.schema",
    ],
    [
      "a schema that is not draft 2020-12",
      {
        tools: [
          {
            type: "function",
            function: { name: "t", parameters: { type: "object", properties: { a: { type: "strin" } } } },
          },
        ],
      },
      "tools.0.function.parameters.properties.a.type",
    ],
    [
      "a $ref that points nowhere",
      { responseFormat: { type: "json_schema", json_schema: { name: "r", schema: { $ref: "#/$defs/nope" } } } },
      "responseFormat.json_schema.schema.$ref",
    ],
    ["a response format of an unknown type", { responseFormat: { type: "xml" } }, "responseFormat"],
    ["a tool that is not a function", { tools: [{ type: "web_search" }] }, "tools.0"],
  ];
  for (const [what, fields, path] of cases)
    test(what, async () => {
      const app = await withPrompt();
      const before = await app.dump();
      const res = await app.api("POST", "/prompts/p/versions/1.0/save", { body: BODY, revision: 1, ...fields });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe("validation_failed");
      expect(res.body.error.issues.map((i: { path: string }) => i.path)).toContain(path);
      expect(await app.dump()).toEqual(before);
    });
});

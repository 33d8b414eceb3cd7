import { describe, expect, test } from "vitest";
import { EMPTY_CONTRACT } from "../../../src/domain/contract.js";
import type { CaseResult } from "../../../src/model/testing.model.js";
import { COLUMNS, readColumn, readContract } from "../../../src/services/columns.js";
import { compareResults, storedCasesSchema, summarySchema } from "../../../src/services/comparisons.service.js";
import { STORED } from "../../../src/store/columns.js";

test("a JSON column is read back as the value its schema says", () => {
  expect(readColumn(COLUMNS.config, '{"model":"m","temperature":0.2}', "config")).toEqual({
    model: "m",
    temperature: 0.2,
  });
  expect(readColumn(COLUMNS.stages, '["DEV","PROD"]', "webhook stages")).toEqual(["DEV", "PROD"]);
  expect(readColumn(COLUMNS.assertions, '[{"type":"json","value":null}]', "assertions")).toEqual([
    { type: "json", value: null },
  ]);
});

test("a column that does not fit its schema fails at the read, naming the column", () => {
  expect(() => readColumn(COLUMNS.config, "[1,2]", "config")).toThrow(/^The stored config is not what it should be/);
  expect(() => readColumn(COLUMNS.stages, '["QA"]', "webhook stages")).toThrow(/stored webhook stages/);
  expect(() => readColumn(COLUMNS.variables, '{"a":1}', "test case variables")).toThrow(/test case variables/);
});

test("a column that is not JSON at all fails naming the column too", () => {
  expect(() => readColumn(COLUMNS.config, "{not json", "config")).toThrow(
    /^The stored config is not what it should be: not JSON/,
  );
});

describe("a version's contract from its three columns", () => {
  const variables = '[{"name":"city","required":true,"type":"string"}]';
  const tools =
    '[{"function":{"name":"weather","parameters":{"properties":{"city":{"type":"string"}},"type":"object"}},"type":"function"}]';
  const format = '{"type":"json_object"}';

  test("the empty contract is the shared one, unparsed; a stored one reads back whole", () => {
    expect(readContract("[]", "[]", null)).toBe(EMPTY_CONTRACT);
    expect(readContract(variables, tools, format)).toEqual({
      variables: [{ name: "city", required: true, type: "string" }],
      tools: [
        {
          type: "function",
          function: { name: "weather", parameters: { properties: { city: { type: "string" } }, type: "object" } },
        },
      ],
      responseFormat: { type: "json_object" },
    });
  });

  test("a column that is not a contract's is refused, naming it, instead of read as one", () => {
    expect(() => readContract('[{"name":"city","type":"date","required":true}]', "[]", null)).toThrow(
      /^The stored contract variables is not what it should be/,
    );
    expect(() => readContract("[]", '[{"type":"function","function":{"name":"f"}}]', null)).toThrow(
      /stored contract tools/,
    );
    expect(() => readContract("[]", "[]", '{"type":"text"}')).toThrow(/stored response format/);
    expect(() => readContract("{}", "[]", null)).toThrow(/stored contract variables/);
  });
});

describe("a comparison's stored cases and summary", () => {
  const result = (name: string, status: "passed" | "failed"): CaseResult => ({
    case: name,
    status,
    output: "out",
    error: null,
    latencyMs: 12,
    tokens: { prompt: 1, completion: 2, total: 3 },
    assertions: [],
  });

  test("what compareResults stores reads back as it was", () => {
    const stored = compareResults(
      [result("a", "failed"), result("b", "passed")],
      [result("a", "passed"), result("b", "passed")],
    );
    expect(readColumn(storedCasesSchema, JSON.stringify(stored), "comparison cases")).toEqual(stored);
    const side = { passed: 1, failed: 1, errors: 0, latencyMs: 12, tokens: 6 };
    const summary = { candidate: side, baseline: side, fixed: 0, broke: 1, same: 1, line: "v2 vs v1: 1 same, 1 broke" };
    expect(readColumn(summarySchema, JSON.stringify(summary), "comparison summary")).toEqual(summary);
  });

  test("a corrupted case list or summary is refused instead of shown", () => {
    const side = { status: "passed", latencyMs: null, tokens: null, score: null };
    expect(() =>
      readColumn(
        storedCasesSchema,
        JSON.stringify([{ case: "a", change: "improved", candidate: side, baseline: side }]),
        "comparison cases",
      ),
    ).toThrow(/^The stored comparison cases is not what it should be/);
    expect(() => readColumn(summarySchema, '{"fixed":1}', "comparison summary")).toThrow(/stored comparison summary/);
  });
});

test("the store's own reads: webhook filters name known types and stages; an event detail is an object", () => {
  expect(readColumn(STORED.eventTypes, '["version.promoted"]', "webhook types")).toEqual(["version.promoted"]);
  expect(() => readColumn(STORED.eventTypes, '["version.renamed"]', "webhook types")).toThrow(/stored webhook types/);
  expect(() => readColumn(STORED.stages, '"PROD"', "webhook stages")).toThrow(/stored webhook stages/);
  expect(() => readColumn(STORED.detail, "null", "event detail")).toThrow(/stored event detail/);
});

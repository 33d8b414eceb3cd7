import { describe, expect, test } from "vitest";
import { EMPTY_CONTRACT } from "../../../src/domain/contract.js";
import { COLUMNS, readColumn, readContract } from "../../../src/services/columns.js";
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

test("the store's own reads: webhook filters name known types and stages; an event detail is an object", () => {
  expect(readColumn(STORED.eventTypes, '["version.promoted"]', "webhook types")).toEqual(["version.promoted"]);
  expect(() => readColumn(STORED.eventTypes, '["version.renamed"]', "webhook types")).toThrow(/stored webhook types/);
  expect(() => readColumn(STORED.stages, '"PROD"', "webhook stages")).toThrow(/stored webhook stages/);
  expect(() => readColumn(STORED.detail, "null", "event detail")).toThrow(/stored event detail/);
});

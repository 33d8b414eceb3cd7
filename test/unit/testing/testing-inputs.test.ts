import { describe, expect, it } from "vitest";
import {
  assertionInput,
  environmentUpdateInput,
  runInput,
  testCaseInput,
} from "../../../src/services/testing.inputs.js";

describe("testing input schemas (shared with the HTTP layer)", () => {
  it("normalise assertions: json gets a null value, max-length digits become a number", () => {
    expect(assertionInput.parse({ type: "json", value: "" })).toEqual({ type: "json", value: null });
    expect(assertionInput.parse({ type: "json" })).toEqual({ type: "json", value: null });
    expect(assertionInput.parse({ type: "max-length", value: "120" })).toEqual({ type: "max-length", value: 120 });
    expect(assertionInput.safeParse({ type: "max-length", value: "12.5" }).success).toBe(false);
  });

  it("a test case defaults to no variables and no assertions, and trims its name", () => {
    expect(testCaseInput.parse({ name: " smoke " })).toEqual({
      name: "smoke",
      variables: {},
      assertions: [],
      echoOutput: null,
    });
    expect(testCaseInput.safeParse({ name: "x", extra: 1 }).success).toBe(false);
  });

  it("run variables are string to string, keyed by template variable names", () => {
    expect(runInput.parse({})).toEqual({});
    expect(runInput.parse({ variables: { "user.name": "Ada" } })).toEqual({ variables: { "user.name": "Ada" } });
    expect(runInput.safeParse({ variables: { "1st": "x" } }).success).toBe(false);
    expect(runInput.parse({ variables: { имя: "Аня", العميل: "x" } })).toEqual({
      variables: { имя: "Аня", العميل: "x" },
    });
    expect(runInput.safeParse({ variables: { ["x".repeat(65)]: "x" } }).success).toBe(false);
    expect(runInput.safeParse({ variables: ["x"] }).success).toBe(false);
  });

  it("environment updates: empty key variable clears it, URLs lose trailing slashes", () => {
    expect(environmentUpdateInput.parse({ apiKeyEnv: "", baseUrl: "https://x.test/v1/" })).toEqual({
      apiKeyEnv: null,
      baseUrl: "https://x.test/v1",
    });
    expect(environmentUpdateInput.parse({ apiKeyEnv: "PROMPTRAIL_K1" })).toEqual({ apiKeyEnv: "PROMPTRAIL_K1" });
    expect(environmentUpdateInput.safeParse({ apiKeyEnv: "OPENAI_API_KEY" }).success).toBe(false);
  });
});

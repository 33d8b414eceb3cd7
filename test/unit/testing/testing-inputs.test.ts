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

  it("baseUrl: never a link-local, cloud-metadata, unspecified or special address, however written", () => {
    for (const bad of [
      "http://169.254.169.254/latest",
      "http://[::ffff:a9fe:a9fe]/v1",
      "http://[::ffff:169.254.169.254]/v1",
      "http://[fd00:ec2::254]/v1",
      "http://2852039166/v1", // 169.254.169.254 as one number
      "http://0xa9.0xfe.0xa9.0xfe/v1",
      "http://169.254.10.1:8080/v1",
      "http://[fe80::1]/v1",
      "http://100.100.100.200/v1",
      "http://0.0.0.0:11434",
      "http://[64:ff9b::a9fe:a9fe]/v1",
    ]) {
      const parsed = environmentUpdateInput.safeParse({ baseUrl: bad });
      expect(parsed.success, bad).toBe(false);
      expect(parsed.error?.issues[0]?.message, bad).toMatch(/^Not allowed: .* a model is never called there$/);
    }
    // Loopback and private networks stay allowed: Ollama here, vLLM on the LAN.
    for (const good of [
      "http://localhost:11434",
      "http://[::1]:8000/v1",
      "http://10.1.2.3:8000/v1",
      "http://192.168.1.9/v1",
    ])
      expect(environmentUpdateInput.safeParse({ baseUrl: good }).success, good).toBe(true);
  });

  it("baseUrl: http(s) without credentials, query or fragment, and never a 5xx", () => {
    for (const bad of [
      "x",
      "",
      "  ",
      "http://",
      "https://a.example/v1?",
      "https://a.example/v1?x=1",
      "https://a.example/#",
      "https://a.example/v1#frag",
      "https://u@a.example",
      "ftp://a.example",
      "javascript:alert(1)",
      `https://a.example/${"a".repeat(2000)}`,
    ])
      expect(environmentUpdateInput.safeParse({ baseUrl: bad }).success, bad).toBe(false);
    expect(environmentUpdateInput.parse({ baseUrl: " HTTPS://API.Example.COM:443/v1// " })).toEqual({
      baseUrl: "https://api.example.com/v1",
    });
    expect(environmentUpdateInput.parse({ baseUrl: "http://127.0.0.1:11434" })).toEqual({
      baseUrl: "http://127.0.0.1:11434",
    });
  });

  it("environment updates: empty key variable clears it, URLs lose trailing slashes", () => {
    expect(environmentUpdateInput.parse({ apiKeyEnv: "", baseUrl: "https://x.test/v1/" })).toEqual({
      apiKeyEnv: null,
      baseUrl: "https://x.test/v1",
    });
    expect(environmentUpdateInput.parse({ apiKeyEnv: "PROMPTRAIL_K1_KEY" })).toEqual({
      apiKeyEnv: "PROMPTRAIL_K1_KEY",
    });
    // docs/limits.md: PROMPTRAIL_*_KEY, so that no other server variable (PROMPTRAIL_DB…) is ever sent.
    for (const name of ["OPENAI_API_KEY", "PROMPTRAIL_K1", "PROMPTRAIL_DB", "PROMPTRAIL_KEY", "PROMPTRAIL__KEY"])
      expect(environmentUpdateInput.safeParse({ apiKeyEnv: name }).success, name).toBe(false);
  });
});

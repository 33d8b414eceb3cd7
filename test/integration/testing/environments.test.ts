import { describe, expect, it } from "vitest";
import { refusedRaw } from "../../support/state.js";
import { rejection, testingServices } from "../../support/testing.js";

const seeded = {
  provider: "echo",
  baseUrl: "https://api.openai.com/v1",
  model: "gpt-4o-mini",
  apiKeyEnv: "PROMPTRAIL_OPENAI_API_KEY",
  timeoutMs: 30000,
  gate: false,
  approvals: 0,
};

describe("environments", () => {
  it("every stage starts on echo, ungated", async () => {
    const { environments } = await testingServices();
    expect(await environments.get()).toEqual({ DEV: seeded, TST: seeded, PROD: seeded });
  });

  it("update takes any subset, a case-insensitive stage, and answers the whole set", async () => {
    const { environments } = await testingServices();
    const all = await environments.update("tst", {
      provider: "openai",
      baseUrl: "HTTP://localhost:11434/v1/",
      apiKeyEnv: "",
      timeoutMs: 1500,
      gate: true,
    });
    expect(all.TST).toEqual({
      provider: "openai",
      baseUrl: "http://localhost:11434/v1",
      model: "gpt-4o-mini",
      apiKeyEnv: null,
      timeoutMs: 1500,
      gate: true,
      approvals: 0,
    });
    expect(all.DEV).toEqual(seeded);
    expect(await environments.get()).toEqual(all);
    expect((await environments.update("TST", { model: "llama3" })).TST).toMatchObject({ model: "llama3", gate: true });
  });

  it("refuses settings that could send other secrets anywhere or make no sense", async () => {
    const { environments } = await testingServices();
    const cases: Array<[object, string]> = [
      [{ apiKeyEnv: "HOME" }, "apiKeyEnv"],
      [{ apiKeyEnv: "PROMPTRAIL_" }, "apiKeyEnv"],
      [{ apiKeyEnv: "promptrail_key" }, "apiKeyEnv"],
      [{ baseUrl: "file:///etc/passwd" }, "baseUrl"],
      [{ baseUrl: "https://user:pw@example.com/v1" }, "baseUrl"],
      [{ timeoutMs: 99 }, "timeoutMs"],
      [{ timeoutMs: 600_001 }, "timeoutMs"],
      [{ provider: "anthropic" }, "provider"],
      [{ model: "  " }, "model"],
      [{ gate: "yes" }, "gate"],
      [{ apiKey: "sk-123" }, "(input)"],
    ];
    for (const [input, path] of cases) {
      const error = await rejection(environments.update("DEV", input as never));
      expect(error.code, JSON.stringify(input)).toBe("validation_failed");
      expect(error.issues).toEqual([expect.objectContaining({ path })]);
    }
    expect((await environments.get()).DEV).toEqual(seeded);
  });

  it("an unknown stage is not_found", async () => {
    const { environments } = await testingServices();
    expect((await rejection(environments.update("QA", { gate: true }))).code).toBe("not_found");
  });

  it("the database itself refuses a key variable outside PROMPTRAIL_*_KEY", async () => {
    const { db } = await testingServices();
    for (const name of ["AWS_SECRET_ACCESS_KEY", "PROMPTRAIL_DB", "PROMPTRAIL_KEY"])
      expect((await refusedRaw(db, "UPDATE environments SET api_key_env = ?", name)).message).toMatch(
        /apiKeyEnv must name a PROMPTRAIL_…_KEY variable/,
      );
    expect((await refusedRaw(db, "UPDATE environments SET provider = 'other'")).kind).toBe("CHECK");
    expect((await refusedRaw(db, "UPDATE environments SET timeout_ms = 10")).kind).toBe("CHECK");
  });
});

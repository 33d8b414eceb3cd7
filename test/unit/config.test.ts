import { describe, expect, test } from "vitest";
import { loadConfig } from "../../src/config.js";

describe("PROMPTRAIL_PUBLIC_URL", () => {
  test("is the origin the server answers for; unset means loopback names only", () => {
    expect(loadConfig({}).publicUrl).toBeNull();
    expect(loadConfig({ PROMPTRAIL_PUBLIC_URL: "https://prompts.example.com" }).publicUrl).toBe(
      "https://prompts.example.com",
    );
    expect(loadConfig({ PROMPTRAIL_PUBLIC_URL: "http://10.1.2.3:8080/" }).publicUrl).toBe("http://10.1.2.3:8080/");
  });

  test("anything but an http(s) origin stops the start with the variable's name", () => {
    for (const bad of [
      "prompts.example.com",
      "ftp://x.example",
      "https://x.example/path",
      "https://u:p@x.example",
      "https://x.example/?a",
    ])
      expect(() => loadConfig({ PROMPTRAIL_PUBLIC_URL: bad }), bad).toThrow(/PROMPTRAIL_PUBLIC_URL/);
  });
});

describe("PROMPTRAIL_WEBHOOK_PRIVATE", () => {
  test("lets webhooks reach loopback and private networks only when it is 1", () => {
    expect(loadConfig({}).webhookPrivate).toBe(false);
    expect(loadConfig({ PROMPTRAIL_WEBHOOK_PRIVATE: "0" }).webhookPrivate).toBe(false);
    expect(loadConfig({ PROMPTRAIL_WEBHOOK_PRIVATE: "1" }).webhookPrivate).toBe(true);
    expect(() => loadConfig({ PROMPTRAIL_WEBHOOK_PRIVATE: "yes" })).toThrow(/PROMPTRAIL_WEBHOOK_PRIVATE/);
  });
});

describe("PROMPTRAIL_HEARTBEAT_MS", () => {
  test("sets the change stream's keep-alive period: 15 s unless told, whole milliseconds from 10 to an hour", () => {
    expect(loadConfig({}).heartbeatMs).toBe(15_000);
    expect(loadConfig({ PROMPTRAIL_HEARTBEAT_MS: "250" }).heartbeatMs).toBe(250);
    for (const bad of ["0", "9", "1.5", "soon", "3600001"])
      expect(() => loadConfig({ PROMPTRAIL_HEARTBEAT_MS: bad }), bad).toThrow(/PROMPTRAIL_HEARTBEAT_MS/);
  });
});

describe("PROMPTRAIL_PASSWORD_COST", () => {
  test("is log2 of scrypt's N for new password hashes: 15 unless told, a whole number from 10 to 17", () => {
    expect(loadConfig({}).passwordCost).toBe(15);
    expect(loadConfig({ PROMPTRAIL_PASSWORD_COST: "10" }).passwordCost).toBe(10);
    expect(loadConfig({ PROMPTRAIL_PASSWORD_COST: "17" }).passwordCost).toBe(17);
    for (const bad of ["9", "18", "12.5", "cheap"])
      expect(() => loadConfig({ PROMPTRAIL_PASSWORD_COST: bad }), bad).toThrow(/PROMPTRAIL_PASSWORD_COST/);
  });
});

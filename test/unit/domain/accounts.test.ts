import { describe, expect, test } from "vitest";
import {
  SESSION_IDLE_MS,
  safeNext,
  sessionExpired,
  signInRetryAfter,
  waitInWords,
} from "../../../src/domain/accounts.js";

describe("safeNext: after signing in, only a path on this site", () => {
  test.each([
    ["/prompts/a/versions/1.0?edit=1", "/prompts/a/versions/1.0?edit=1"],
    ["/", "/"],
    ["//evil.example/x", "/"],
    ["/\\evil.example", "/"],
    ["/\t/evil.example", "/"],
    ["/a\\b", "/"],
    ["https://evil.example/", "/"],
    ["javascript:alert(1)", "/"],
    ["", "/"],
    [undefined, "/"],
    [42, "/"],
    [`/${"a".repeat(3000)}`, "/"],
  ])("%j → %j", (next, expected) => {
    expect(safeNext(next)).toBe(expected);
  });
});

describe("the failed sign-in limit: 5 failures in 15 minutes", () => {
  const now = new Date("2026-12-01T12:00:00Z");
  const ago = (minutes: number) => new Date(now.getTime() - minutes * 60_000).toISOString();

  test("fewer than 5 recent failures: no wait", () => {
    expect(signInRetryAfter([], now)).toBe(0);
    expect(signInRetryAfter([ago(1), ago(2), ago(3), ago(4)], now)).toBe(0);
    // Failures older than the window count for nothing.
    expect(signInRetryAfter([ago(1), ago(2), ago(3), ago(4), ago(16)], now)).toBe(0);
  });

  test("5 recent failures: wait until the 5th newest leaves the window", () => {
    expect(signInRetryAfter([ago(1), ago(2), ago(3), ago(4), ago(5)], now)).toBe(10 * 60);
    expect(signInRetryAfter([ago(0), ago(0), ago(0), ago(0), ago(0), ago(14)], now)).toBe(15 * 60);
    expect(waitInWords(12 * 60)).toBe("12 min");
    expect(waitInWords(61)).toBe("2 min");
    expect(waitInWords(40)).toBe("40 s");
  });
});

test("a session expires 14 days after its last use", () => {
  const used = "2026-12-01T12:00:00.000Z";
  expect(sessionExpired(used, new Date(Date.parse(used) + SESSION_IDLE_MS))).toBe(false);
  expect(sessionExpired(used, new Date(Date.parse(used) + SESSION_IDLE_MS + 1))).toBe(true);
});

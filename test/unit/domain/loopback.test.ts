import { expect, test } from "vitest";
import { isLoopback } from "../../../src/domain/addresses.js";

test("loopback is localhost and its subdomains, 127.0.0.0/8 and ::1, in any spelling the callers pass", () => {
  for (const host of [
    "localhost",
    "LOCALHOST",
    "localhost.",
    "app.localhost",
    "127.0.0.1",
    "127.9.8.7",
    "::1",
    "[::1]",
    "::ffff:127.0.0.1",
  ])
    expect(isLoopback(host), host).toBe(true);
  for (const host of [
    "localhost.evil.example",
    "evil.example",
    "0.0.0.0",
    "::",
    "[::]",
    "10.0.0.1",
    "128.0.0.1",
    "",
    "[::1",
    "localhost@evil",
  ])
    expect(isLoopback(host), host).toBe(false);
});

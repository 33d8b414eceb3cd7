import { afterEach, describe, expect, test, vi } from "vitest";
import { hashPassword, verifyPassword } from "../../../src/services/secrets.js";

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("password hashes", () => {
  test("are scrypt with N = 2^PROMPTRAIL_PASSWORD_COST, 2^15 when it is not set", async () => {
    vi.stubEnv("PROMPTRAIL_PASSWORD_COST", undefined);
    expect((await hashPassword("correct horse")).split("$").slice(0, 4)).toEqual(["scrypt", "32768", "8", "1"]);
    vi.stubEnv("PROMPTRAIL_PASSWORD_COST", "10");
    expect((await hashPassword("correct horse")).split("$").slice(0, 4)).toEqual(["scrypt", "1024", "8", "1"]);
  });

  test("keep their own cost: a hash made before the setting changed still checks", async () => {
    vi.stubEnv("PROMPTRAIL_PASSWORD_COST", "10");
    const cheap = await hashPassword("correct horse");
    vi.stubEnv("PROMPTRAIL_PASSWORD_COST", "11");
    expect(await verifyPassword("correct horse", cheap)).toBe(true);
    expect(await verifyPassword("wrong horse", cheap)).toBe(false);
  });

  test("a hash whose cost is outside 2^10 to 2^17 matches nothing", async () => {
    vi.stubEnv("PROMPTRAIL_PASSWORD_COST", "10");
    const [, , r, p, salt, key] = (await hashPassword("correct horse")).split("$");
    for (const n of [2 ** 9, 2 ** 18])
      expect(await verifyPassword("correct horse", ["scrypt", n, r, p, salt, key].join("$"))).toBe(false);
  });

  test("a bad PROMPTRAIL_PASSWORD_COST refuses to hash, naming the variable", async () => {
    vi.stubEnv("PROMPTRAIL_PASSWORD_COST", "9");
    await expect(hashPassword("correct horse")).rejects.toThrow(/PROMPTRAIL_PASSWORD_COST/);
  });
});

import { describe, expect, test } from "vitest";
import { compareVersions, formatVersion, nextVersion, parseVersion } from "../../../src/domain/version-number.js";

describe("parseVersion", () => {
  test.each([
    ["2.3", { major: 2, minor: 3 }],
    ["v2.3", { major: 2, minor: 3 }],
    ["V2.3", { major: 2, minor: 3 }],
    ["1.0", { major: 1, minor: 0 }],
    ["10.20", { major: 10, minor: 20 }],
    ["0.0", { major: 0, minor: 0 }],
  ])("%s → %o", (text, number) => {
    expect(parseVersion(text)).toEqual(number);
  });

  test.each([
    "2",
    "v2",
    "2.3.4",
    "v-1.0",
    "-1.0",
    "01.2",
    "1.02",
    "vv1.0",
    "1.",
    ".1",
    "1,0",
    "abc",
    "",
    "v",
    "1.0a",
    "1e2.0",
    "1234567890.0",
  ])("%j is not a version number", (text) => {
    expect(parseVersion(text)).toBeNull();
  });

  test("formatVersion writes JSON's form, without the v", () => {
    expect(formatVersion({ major: 2, minor: 3 })).toBe("2.3");
    const parsed = parseVersion("v12.0");
    expect(parsed && formatVersion(parsed)).toBe("12.0");
  });
});

describe("nextVersion: M.(n+1), or (M+1).0 for a major", () => {
  test("next minor keeps the major", () => {
    expect(nextVersion({ major: 1, minor: 0 }, false)).toEqual({ major: 1, minor: 1 });
    expect(nextVersion({ major: 2, minor: 9 }, false)).toEqual({ major: 2, minor: 10 });
  });

  test("next major starts at minor 0", () => {
    expect(nextVersion({ major: 1, minor: 3 }, true)).toEqual({ major: 2, minor: 0 });
    expect(nextVersion({ major: 2, minor: 0 }, true)).toEqual({ major: 3, minor: 0 });
  });
});

describe("compareVersions", () => {
  test("orders by major, then minor, numerically", () => {
    const sorted = ["1.10", "2.0", "1.2", "1.9", "10.0"]
      .map((t) => parseVersion(t) ?? { major: -1, minor: -1 })
      .sort(compareVersions)
      .map(formatVersion);
    expect(sorted).toEqual(["1.2", "1.9", "1.10", "2.0", "10.0"]);
  });
});

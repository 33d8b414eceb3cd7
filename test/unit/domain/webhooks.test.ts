import { describe, expect, test } from "vitest";
import { addressKind, mayReach } from "../../../src/domain/addresses.js";
import {
  checkWebhookUrl,
  deliveryJson,
  RETRY_DELAYS_MS,
  retryDelay,
  signatureHeader,
  wants,
} from "../../../src/domain/webhooks.js";

describe("Promptrail-Signature", () => {
  test("is t=<unix seconds>,v1=<hex HMAC-SHA256 of '<t>.<body>'> (checked against openssl)", () => {
    // printf '%s' '1700000000.{"id":"x"}' | openssl dgst -sha256 -hmac 'whsec_test'
    expect(signatureHeader("whsec_test", 1_700_000_000, '{"id":"x"}')).toBe(
      "t=1700000000,v1=80e8d098018f757aa814ab1abb924f35d304affa1d93d29611a54696207eb7c3",
    );
  });
});

describe("retries", () => {
  test("about 10 s, 1 min, 5 min, 30 min, 2 h, 6 h, each ±20 %, then none (failed)", () => {
    expect(RETRY_DELAYS_MS).toEqual([10_000, 60_000, 300_000, 1_800_000, 7_200_000, 21_600_000]);
    const middle = () => 0.5;
    expect([1, 2, 3, 4, 5, 6].map((n) => retryDelay(n, RETRY_DELAYS_MS, middle))).toEqual(RETRY_DELAYS_MS);
    expect(retryDelay(1, RETRY_DELAYS_MS, () => 0)).toBe(8_000);
    expect(retryDelay(1, RETRY_DELAYS_MS, () => 0.999_999)).toBe(12_000);
    expect(retryDelay(7, RETRY_DELAYS_MS, middle)).toBeNull();
    expect(retryDelay(1, [], middle)).toBeNull();
  });
});

describe("which changes a webhook takes", () => {
  test("types and stages filter, each empty meaning all; the stage is the version's after the change", () => {
    expect(wants({ types: [], stages: [] }, "version.edited", "DEV")).toBe(true);
    expect(wants({ types: ["version.promoted"], stages: [] }, "version.edited", "DEV")).toBe(false);
    expect(wants({ types: [], stages: ["PROD"] }, "version.promoted", "PROD")).toBe(true);
    expect(wants({ types: [], stages: ["PROD"] }, "version.promoted", "TST")).toBe(false);
    expect(wants({ types: [], stages: ["PROD"] }, "ping", null)).toBe(false);
  });

  test("the body's keys are always in the spec's order", () => {
    const body = { data: {}, stage: "DEV", version: "1.0", prompt: "p", actor: "a", at: "t", type: "x", id: "i" };
    expect(Object.keys(JSON.parse(deliveryJson(body)))).toEqual([
      "id",
      "type",
      "at",
      "actor",
      "prompt",
      "version",
      "stage",
      "data",
    ]);
  });
});

describe("where a webhook may send", () => {
  test.each([
    ["93.184.216.34", "public"],
    ["2606:4700::1111", "public"],
    ["127.0.0.1", "loopback"],
    ["127.9.9.9", "loopback"],
    ["::1", "loopback"],
    ["::ffff:127.0.0.1", "loopback"],
    ["64:ff9b::7f00:1", "loopback"],
    ["10.1.2.3", "private"],
    ["172.31.0.1", "private"],
    ["192.168.0.10", "private"],
    ["100.64.0.1", "private"],
    ["fd12:3456::1", "private"],
    ["169.254.169.254", "metadata"],
    ["fd00:ec2::254", "metadata"],
    ["100.100.100.200", "metadata"],
    ["169.254.10.1", "link-local"],
    ["fe80::1", "link-local"],
    ["0.0.0.0", "unspecified"],
    ["::", "unspecified"],
    ["224.0.0.251", "special"],
    ["255.255.255.255", "special"],
    ["192.0.2.1", "special"],
  ])("%s is %s", (address, kind) => {
    expect(addressKind(address)).toBe(kind);
  });

  test("public always; loopback and private only when the operator allows; the rest never", () => {
    expect(mayReach("public", false)).toBe(true);
    expect(mayReach("loopback", false)).toBe(false);
    expect(mayReach("loopback", true)).toBe(true);
    expect(mayReach("private", true)).toBe(true);
    for (const kind of ["metadata", "link-local", "unspecified", "special"] as const)
      expect(mayReach(kind, true)).toBe(false);
  });

  test("the URL: http(s), no credentials or fragment, an address it may reach; stored as the URL standard writes it", () => {
    expect(checkWebhookUrl(" HTTPS://Hooks.Example.com/a?b=1 ", false)).toEqual({
      ok: true,
      url: "https://hooks.example.com/a?b=1",
    });
    expect(checkWebhookUrl("http://127.0.0.1:4000/hook", true)).toEqual({
      ok: true,
      url: "http://127.0.0.1:4000/hook",
    });
    for (const bad of [
      "hooks.example.com",
      "ftp://hooks.example.com/",
      "https://u:p@hooks.example.com/",
      "https://hooks.example.com/#x",
      "http://127.0.0.1/",
      "http://2130706433/", // 127.0.0.1 spelled as a number
      "http://[::1]/",
      "http://localhost:3000/",
      "http://api.localhost/",
      "http://10.0.0.1/",
      "http://169.254.169.254/",
    ])
      expect(checkWebhookUrl(bad, false).ok, bad).toBe(false);
    expect(checkWebhookUrl("http://169.254.169.254/", true).ok).toBe(false);
    expect(checkWebhookUrl("http://localhost:3000/", true).ok).toBe(true);
  });
});

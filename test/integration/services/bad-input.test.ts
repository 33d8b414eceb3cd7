import { describe, expect, test } from "vitest";
import type { ErrorCode } from "../../../src/domain/errors.js";
import { sharedServices, type TestServices } from "../../support/db.js";
import { dumpAll, refusal } from "../../support/state.js";

type S = TestServices;
type Case = [string, (s: S) => Promise<unknown>, ErrorCode];

/** Inputs typed as the services accept them at runtime: anything a caller might send. */
const any = <T>(value: unknown) => value as T;

const names: Case[] = ["", "Upper", "x".repeat(101), "-leading", ".leading", "with space", "tab\t", "ü"].map((name) => [
  `create: name ${JSON.stringify(name.length > 20 ? `${name.slice(0, 5)}…(${name.length})` : name)}`,
  (s) => s.prompts.create({ name, body: "x" }),
  "validation_failed",
]);

const creates: Case[] = [
  [
    "create: description over 2000",
    (s) => s.prompts.create({ name: "n", description: "d".repeat(2001), body: "x" }),
    "validation_failed",
  ],
  [
    "create: body over 1,000,000 UTF-8 bytes",
    (s) => s.prompts.create({ name: "n", body: "€".repeat(333_334) }),
    "validation_failed",
  ],
  ["create: body missing", (s) => s.prompts.create(any({ name: "n" })), "validation_failed"],
  ["create: body not text", (s) => s.prompts.create(any({ name: "n", body: 42 })), "validation_failed"],
  ["create: config an array", (s) => s.prompts.create(any({ name: "n", body: "x", config: [] })), "validation_failed"],
  [
    "create: config a string",
    (s) => s.prompts.create(any({ name: "n", body: "x", config: '{"a":1}' })),
    "validation_failed",
  ],
  ["create: config null", (s) => s.prompts.create(any({ name: "n", body: "x", config: null })), "validation_failed"],
  ["create: config a number", (s) => s.prompts.create(any({ name: "n", body: "x", config: 1 })), "validation_failed"],
  [
    "create: config over 64 KiB",
    (s) => s.prompts.create({ name: "n", body: "x", config: { k: "c".repeat(65_536) } }),
    "validation_failed",
  ],
  [
    "create: config nested 10,000 levels deep (no stack overflow)",
    (s) =>
      s.prompts.create(
        any({ name: "n", body: "x", config: { k: JSON.parse(`${"[".repeat(10_000)}${"]".repeat(10_000)}`) } }),
      ),
    "validation_failed",
  ],
  [
    "create: config not JSON",
    (s) => s.prompts.create(any({ name: "n", body: "x", config: { f: () => 1 } })),
    "validation_failed",
  ],
  ["create: unknown field", (s) => s.prompts.create(any({ name: "n", body: "x", stage: "PROD" })), "validation_failed"],
  ["create: not an object", (s) => s.prompts.create(any("n")), "validation_failed"],
];

const versionStrings = ["abc", "v1", "1.0.0", "1", "", "01.0", "9.9"];
const versionServices = ["get", "save", "promote", "createNew", "delete", "makeCurrent", "revisions"] as const;
/** Calls a versions service with a valid input where it takes one, so only `name` and `version` can be wrong. */
function callVersion(s: S, method: (typeof versionServices)[number], name: string, version: string) {
  const call = s.versions[method] as (name: string, version: string, input?: unknown) => Promise<unknown>;
  return method === "save" ? call(name, version, { body: "y" }) : call(name, version);
}

const versions: Case[] = versionServices.flatMap((method) =>
  versionStrings.map(
    (v): Case => [`${method}: version ${JSON.stringify(v)}`, (s) => callVersion(s, method, "p", v), "not_found"],
  ),
);
const prompts: Case[] = [
  ...versionServices.map(
    (method): Case => [`${method}: unknown prompt`, (s) => callVersion(s, method, "nope", "1.0"), "not_found"],
  ),
  ["prompts.get: unknown prompt", (s) => s.prompts.get("nope"), "not_found"],
  ["prompts.get: not a name", (s) => s.prompts.get("../P"), "not_found"],
  ["history.list: unknown prompt", (s) => s.history.list("nope"), "not_found"],
  ["runtime.current: no such stage", async (s) => s.runtime.current("p", "QA"), "not_found"],
  ["runtime.current: stage with no current version", async (s) => s.runtime.current("p", "prod"), "not_found"],
];

const saves: Case[] = [
  ...[0, -1, 1.5, "2", null, Number.NaN, 2 ** 60].map(
    (revision): Case => [
      `save: revision ${String(revision)}`,
      (s) => s.versions.save("p", "1.0", any({ body: "y", revision })),
      "validation_failed",
    ],
  ),
  [
    "save: body over 1,000,000 bytes",
    (s) => s.versions.save("p", "1.0", { body: "€".repeat(333_334) }),
    "validation_failed",
  ],
  ["save: config an array", (s) => s.versions.save("p", "1.0", any({ body: "y", config: [1] })), "validation_failed"],
  [
    "save: config over 64 KiB",
    (s) => s.versions.save("p", "1.0", { body: "y", config: { k: "c".repeat(65_536) } }),
    "validation_failed",
  ],
  ["save: no body", (s) => s.versions.save("p", "1.0", any({ config: {} })), "validation_failed"],
  ["save: unknown field", (s) => s.versions.save("p", "1.0", any({ body: "y", stage: "PROD" })), "validation_failed"],
  [
    "createNew: major not a boolean",
    (s) => s.versions.createNew("p", "1.0", any({ major: "true" })),
    "validation_failed",
  ],
  ["createNew: unknown field", (s) => s.versions.createNew("p", "1.0", any({ minor: 5 })), "validation_failed"],
];

const lists: Case[] = [
  ...[0, 201, -1, 1.5, "10"].map(
    (limit): Case => [
      `prompts.list: limit ${JSON.stringify(limit)}`,
      (s) => s.prompts.list(any({ limit })),
      "validation_failed",
    ],
  ),
  ["prompts.list: unknown field", (s) => s.prompts.list(any({ sort: "name" })), "validation_failed"],
  ["prompts.list: q not text", (s) => s.prompts.list(any({ q: 5 })), "validation_failed"],
  ...[0, 201].map(
    (limit): Case => [`history.list: limit ${limit}`, (s) => s.history.list("p", { limit }), "validation_failed"],
  ),
  ...["abc", "1.5", "", "-3", "1e3", " 7"].map(
    (cursor): Case => [
      `history.list: cursor ${JSON.stringify(cursor)}`,
      (s) => s.history.list("p", { cursor }),
      "validation_failed",
    ],
  ),
  ["history.list: unknown field", (s) => s.history.list("p", any({ before: 3 })), "validation_failed"],
];

describe("bad input to every service fails with its code and changes nothing", () => {
  // One database for all cases: each compares its own before/after dump, so a case that wrote would still fail.
  const services = sharedServices(async (s) => {
    await s.prompts.create({ name: "p", body: "x" });
    await s.versions.createNew("p", "1.0");
  });

  test.each([...names, ...creates, ...versions, ...prompts, ...saves, ...lists])("%s", async (_, call, code) => {
    const s = services();
    const before = await dumpAll(s.db);
    const error = await refusal(call(s), code);
    if (code === "validation_failed") expect(error.issues?.length).toBeGreaterThan(0);
    expect(await dumpAll(s.db)).toEqual(before);
  });
});

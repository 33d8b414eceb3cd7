import { describe, expect, test } from "vitest";
import { exportRegistry } from "../../../src/services/export.service.js";
import { importRegistry } from "../../../src/services/import.service.js";
import { DocumentError, readDocument } from "../../../src/services/transfer.schema.js";
import { freshDb, freshServices } from "../../support/db.js";

/**
 * Export and import carry the prompt contract (docs/data-files.md): versions and revisions that
 * have one carry `variables`, `tools` and `responseFormat`; the others carry nothing new, so a
 * file written before contracts imports as empty contracts and a registry without any exports
 * exactly as before.
 */
const CONTRACT = {
  variables: [{ name: "n", type: "number", default: 2 }],
  tools: [{ type: "function", function: { name: "f", parameters: { type: "object" } } }],
  responseFormat: { type: "json_object" },
};

async function registry() {
  const s = await freshServices();
  await s.prompts.create({ name: "plain", body: "Hi {{x}}" });
  await s.prompts.create({ name: "typed", body: "x{{n}}" });
  await s.versions.save("typed", "1.0", { body: "x{{n}}", revision: 1, ...CONTRACT });
  await s.versions.promote("typed", "1.0");
  await s.versions.promote("typed", "1.0", { to: "PROD" });
  return s;
}

describe("the contract in export and import", () => {
  test("round trip: the same document but exportedAt, and the same contract and hash", async () => {
    const source = await registry();
    const first = await exportRegistry(source.db.kysely, new Date("2026-12-01T10:00:00.000Z"));
    const typed = first.prompts.find((p) => p.name === "typed");
    expect(typed?.versions[0]?.variables).toEqual([{ name: "n", type: "number", required: false, default: 2 }]);
    expect(typed?.versions[0]?.revisions.map((r) => r.tools === undefined)).toEqual([true, false]);
    const plain = first.prompts.find((p) => p.name === "plain");
    expect(Object.keys(plain?.versions[0] ?? {})).not.toContain("variables");

    const target = await freshDb();
    await importRegistry(target.kysely, readDocument(JSON.parse(JSON.stringify(first))), new Date());
    const second = await exportRegistry(target.kysely, new Date("2026-12-03T10:00:00.000Z"));
    expect({ ...second, exportedAt: "" }).toEqual({ ...first, exportedAt: "" });
  });

  test("a file without the fields (written before contracts) imports as empty contracts", async () => {
    const source = await freshServices();
    await source.prompts.create({ name: "old", body: "Hi {{x}}" });
    const doc = JSON.parse(JSON.stringify(await exportRegistry(source.db.kysely, new Date())));
    const target = await freshDb();
    await importRegistry(target.kysely, readDocument(doc), new Date());
    const row = await target.kysely
      .selectFrom("versions")
      .select(["variables", "tools", "response_format"])
      .executeTakeFirst();
    expect(row).toEqual({ variables: "[]", tools: "[]", response_format: null });
  });

  test("a bad contract or a hash that does not cover the contract is refused with its path", async () => {
    const source = await registry();
    const doc = JSON.parse(JSON.stringify(await exportRegistry(source.db.kysely, new Date())));
    const typed = doc.prompts.find((p: { name: string }) => p.name === "typed");
    const bad = structuredClone(doc);
    bad.prompts.find((p: { name: string }) => p.name === "typed").versions[0].variables[0].type = "date";
    expect(() => readDocument(bad)).toThrow(/versions\.0: variables\.0\.type/);
    const unhashed = structuredClone(doc);
    const v = unhashed.prompts.find((p: { name: string }) => p.name === "typed").versions[0];
    v.tools = [];
    expect(() => readDocument(unhashed)).toThrow(DocumentError);
    expect(typed).toBeDefined();
  });
});

import { describe, expect, test } from "vitest";
import { createServices } from "../../../src/services/index.js";
import { readDocument } from "../../../src/transfer/document.schema.js";
import { exportRegistry } from "../../../src/transfer/export.service.js";
import { importRegistry } from "../../../src/transfer/import.service.js";
import { freshDb } from "../../support/db.js";
import { richRegistry } from "../../support/registry.js";

const withoutIds = <T extends { id?: unknown }>(items: T[]) => items.map(({ id: _, ...rest }) => rest);

/** Everything a user can see of a registry through the services, ids aside. */
async function visible(s: ReturnType<typeof createServices>) {
  const { prompts } = await s.prompts.list({ limit: 200 });
  const detail = [];
  for (const p of prompts) {
    const prompt = await s.prompts.get(p.name);
    const versions = [];
    for (const v of prompt.versions) {
      versions.push({
        ...(await s.versions.get(p.name, v.version)),
        id: 0,
        promptId: 0,
        revisions: await s.versions.revisions(p.name, v.version),
      });
    }
    detail.push({
      ...prompt,
      versions,
      history: (await s.history.list(p.name, { limit: 200 })).events,
      testCases: withoutIds(await s.testCases.list(p.name)),
    });
  }
  return { prompts, detail, environments: await s.environments.get() };
}

describe("export → import → export", () => {
  test("gives the same document but exportedAt, and the same registry to every reader", async () => {
    const source = await richRegistry();
    const first = await exportRegistry(source.db.kysely, new Date("2026-12-01T10:00:00.000Z"));
    const target = await freshDb();
    const file = JSON.parse(JSON.stringify(first));
    const summary = await importRegistry(target.kysely, readDocument(file), new Date("2026-12-02T00:00:00.000Z"));
    expect(summary).toEqual({ prompts: 3, versions: 7, events: first.prompts.flatMap((p) => p.events).length });

    const second = await exportRegistry(target.kysely, new Date("2026-12-03T10:00:00.000Z"));
    expect({ ...second, exportedAt: "" }).toEqual({ ...first, exportedAt: "" });
    expect(second.exportedAt).toBe("2026-12-03T10:00:00.000Z");

    const imported = createServices({ db: target });
    expect(await visible(imported)).toEqual(await visible(source));
  });

  test("keeps each prompt's number high-water mark: deleted numbers are not reused", async () => {
    const source = await richRegistry();
    const target = await freshDb();
    const doc = await exportRegistry(source.db.kysely, new Date());
    expect(doc.prompts.map((p) => [p.name, p.highestNumber, p.versions.at(-1)?.version])).toEqual([
      ["a-first", "1.1", "1.0"],
      ["support-reply", "2.2", "2.1"],
      ["zeta.name_1", "1.0", "1.0"],
    ]);
    await importRegistry(target.kysely, readDocument(JSON.parse(JSON.stringify(doc))), new Date());
    const imported = createServices({ db: target });
    expect((await imported.versions.createNew("support-reply", "1.0")).version).toBe("2.3");
    expect((await imported.versions.createNew("a-first", "1.0")).version).toBe("1.2");
    expect((await imported.versions.createNew("zeta.name_1", "1.0", { major: true })).version).toBe("2.0");
  });

  test("keeps stages and current flags: the runtime read answers the same version", async () => {
    const source = await richRegistry();
    const target = await freshDb();
    await importRegistry(target.kysely, await exportRegistry(source.db.kysely, new Date()), new Date());
    const imported = createServices({ db: target });
    for (const stage of ["DEV", "TST", "PROD"]) {
      const { id: _, promptId: _p, ...read } = await imported.runtime.current("support-reply", stage);
      const { id: _i, promptId: _q, ...expected } = await source.runtime.current("support-reply", stage);
      expect(read).toEqual(expected);
    }
    expect((await imported.prompts.get("support-reply")).current).toEqual({ DEV: "2.0", TST: "1.3", PROD: "1.0" });
  });

  test("lists everything oldest first, in the log's own order", async () => {
    const source = await richRegistry();
    const doc = await exportRegistry(source.db.kysely, new Date());
    const reply = doc.prompts.find((p) => p.name === "support-reply");
    expect(reply?.versions.map((v) => `${v.version} ${v.stage}${v.current ? " current" : ""}`)).toEqual([
      "1.0 PROD current",
      "1.1 PROD",
      "1.3 TST current",
      "2.0 DEV current",
      "2.1 DEV",
    ]);
    expect(reply?.versions[0]?.revisions.map((r) => r.revision)).toEqual([1, 2, 3, 4]);
    expect(reply?.events.slice(0, 3).map((e) => e.type)).toEqual([
      "prompt.created",
      "version.created",
      "version.edited",
    ]);
    expect(reply?.events.at(-1)?.type).toBe("version.tested");
    expect(reply?.testCases.map((t) => t.name)).toEqual(["late order", "refund"]);
  });
});

import { describe, expect, test } from "vitest";
import { exportRegistry } from "../../../src/services/export.service.js";
import { importRegistry } from "../../../src/services/import.service.js";
import { createServices } from "../../../src/services/index.js";
import { readDocument } from "../../../src/services/transfer.schema.js";
import { freshDb, freshServices } from "../../support/db.js";
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
        revisions: (await s.versions.revisions(p.name, v.version)).revisions,
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

describe("chat prompts and seq in the export (formatVersion 2, docs/rules.md, chat prompts)", () => {
  async function chatRegistry() {
    const s = await freshServices();
    const messages = [
      { role: "system", content: "You help {{company}}." },
      { type: "placeholder", name: "history" },
      { role: "user", content: "{{question}}" },
    ];
    await s.prompts.create({ name: "chat", type: "chat", messages, config: { temperature: 0 } });
    await s.versions.save("chat", "1.0", { messages: [...messages, { role: "assistant", content: "Sure." }] });
    await s.versions.promote("chat", "1.0");
    await s.versions.createNew("chat", "1.0");
    await s.versions.createNew("chat", "1.0");
    await s.versions.delete("chat", "1.2"); // the highest seq, deleted
    return s;
  }

  test("a chat prompt's messages, revisions and seqs come back as they were", async () => {
    const source = await chatRegistry();
    const first = await exportRegistry(source.db.kysely, new Date("2026-12-01T10:00:00.000Z"));
    const [prompt] = first.prompts;
    expect(prompt).toMatchObject({ name: "chat", type: "chat", highestSeq: 3 });
    expect(prompt?.versions.map((v) => [v.version, v.seq, v.messages?.length, "body" in v])).toEqual([
      ["1.0", 1, 4, false],
      ["1.1", 2, 4, false],
    ]);
    expect(prompt?.versions[0]?.revisions.map((r) => r.messages?.length)).toEqual([3, 4]);
    const target = await freshDb();
    await importRegistry(target.kysely, readDocument(JSON.parse(JSON.stringify(first))), new Date());
    const second = await exportRegistry(target.kysely, new Date("2026-12-01T10:00:00.000Z"));
    expect(second).toEqual(first);
    const imported = createServices({ db: target });
    expect(await visible(imported)).toEqual(await visible(source));
    expect((await imported.versions.createNew("chat", "1.0")).seq).toBe(4);
  });

  test("a formatVersion 1 file still imports: text prompts, seq by version number", async () => {
    const source = await richRegistry();
    const v2 = JSON.parse(JSON.stringify(await exportRegistry(source.db.kysely, new Date())));
    const v1 = {
      ...v2,
      formatVersion: 1,
      prompts: v2.prompts.map(({ type: _t, highestSeq: _h, ...p }: Record<string, unknown>) => ({
        ...p,
        versions: (p.versions as Array<Record<string, unknown>>).map(({ seq: _s, ...v }) => v),
      })),
    };
    const target = await freshDb();
    await importRegistry(target.kysely, readDocument(v1), new Date());
    const again = await exportRegistry(target.kysely, new Date());
    const support = again.prompts.find((p) => p.name === "support-reply");
    expect(support?.type).toBe("text");
    expect(support?.versions.map((v) => v.seq)).toEqual([1, 2, 3, 4, 5]);
    // 2.2, the highest number, was deleted: it had taken a seq too.
    expect(support?.highestSeq).toBe(6);
    const imported = createServices({ db: target });
    expect((await imported.versions.createNew("support-reply", "1.0")).seq).toBe(7);
  });

  test("a version whose content is not of its prompt's type is refused, naming where", () => {
    const doc = {
      format: "promptrail",
      formatVersion: 2,
      exportedAt: "2026-12-01T10:00:00.000Z",
      environments: Object.fromEntries(
        ["DEV", "TST", "PROD"].map((s) => [
          s,
          {
            provider: "echo",
            baseUrl: "https://api.openai.com/v1",
            model: "m",
            apiKeyEnv: null,
            timeoutMs: 1000,
            gate: false,
          },
        ]),
      ),
      prompts: [
        {
          name: "c",
          type: "chat",
          createdAt: "2026-12-01T10:00:00.000Z",
          versions: [
            {
              version: "1.0",
              seq: 1,
              stage: "DEV",
              current: true,
              body: "text in a chat prompt",
              config: {},
              revision: 1,
              contentHash: "0".repeat(64),
              createdFrom: null,
              createdAt: "2026-12-01T10:00:00.000Z",
              updatedAt: "2026-12-01T10:00:00.000Z",
              revisions: [{ revision: 1, body: "x", config: {}, savedAt: "2026-12-01T10:00:00.000Z", actor: "local" }],
            },
          ],
          testCases: [],
          events: [],
        },
      ],
    };
    expect(() => readDocument(doc)).toThrow(/prompts\.0\.versions\.0: A chat prompt's versions carry messages/);
  });
});

import { createHash } from "node:crypto";
import { describe, expect, test } from "vitest";
import { freshServices, TEST_ENGINE } from "../../support/db.js";
import { dumpAll, expectVersions, rawSql, rawValue, refusal, refusedRaw, textOf } from "../../support/state.js";

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

describe("R1 · a prompt's name and description", () => {
  test("a prompt has a unique name of a-z 0-9 . _ -, and a description up to 2,000 characters", async () => {
    const s = await freshServices();
    for (const name of ["a", "7", "team.support_reply-v2", "x".repeat(100)]) {
      expect((await s.prompts.create({ name, body: "x" })).prompt).toBe(name);
    }
    await s.prompts.create({ name: "described", description: "d".repeat(2000), body: "x" });
    expect((await s.prompts.get("described")).description).toHaveLength(2000);
    // Characters, not UTF-16 units: 2,000 emoji are 2,000 characters, as the table counts them.
    await s.prompts.create({ name: "emoji", description: "😀".repeat(2000), body: "x" });
    await refusal(s.prompts.create({ name: "emoji2", description: "😀".repeat(2001), body: "x" }), "validation_failed");

    await refusal(s.prompts.create({ name: "a", body: "other" }), "name_taken");
    for (const name of ["", "A", "-a", "_a", "a b", "x".repeat(101)]) {
      await refusal(s.prompts.create({ name, body: "x" }), "validation_failed");
    }
    await refusal(s.prompts.create({ name: "b", description: "d".repeat(2001), body: "x" }), "validation_failed");

    // The table refuses what the schema refuses.
    const insert = "INSERT INTO prompts (name, description, created_at, updated_at) VALUES (?, ?, 'now', 'now')";
    for (const name of ["Upper", "-dash", "with space", "é", "a".repeat(101), ""]) {
      expect((await refusedRaw(s.db, insert, name, "")).kind).toBe("CHECK");
    }
    expect((await refusedRaw(s.db, insert, "a", "")).message).toBe("a prompt with that name already exists");
    expect((await refusedRaw(s.db, insert, "long", "d".repeat(2001))).kind).toBe("CHECK");
  });
});

describe("R2 · a new prompt starts at v1.0, current in DEV", () => {
  test("creating a prompt creates v1.0 in DEV, the current DEV version", async () => {
    const s = await freshServices();
    const v = await s.prompts.create({ name: "p", description: "about", body: "text", config: { model: "m" } });
    expect(v).toMatchObject({
      prompt: "p",
      version: "1.0",
      stage: "DEV",
      current: true,
      revision: 1,
      body: "text",
      config: { model: "m" },
      createdFrom: null,
    });
    await expectVersions(s, s.db, "p", ["1.0 DEV current"]);
    const prompt = await s.prompts.get("p");
    expect(prompt).toMatchObject({ name: "p", description: "about", current: { DEV: "1.0", TST: null, PROD: null } });
    expect((await s.runtime.current("p", "DEV")).version).toBe("1.0");
  });
});

describe("R3 · what a version holds, and its content hash", () => {
  test("a version has stage, flag, body, config, revision, contentHash, createdFrom and timestamps", async () => {
    const times = ["2026-01-01T10:00:00.000Z", "2026-01-02T10:00:00.000Z"];
    let clock = times[0] as string;
    const s = await freshServices({ now: () => new Date(clock) });
    const created = await s.prompts.create({ name: "p", body: "Hi {{who}}", config: { temperature: 0, model: "m" } });
    expect(created.contentHash).toBe(sha256('{"body":"Hi {{who}}","config":{"model":"m","temperature":0}}'));
    expect(created).toMatchObject({ createdAt: times[0], updatedAt: times[0] });

    clock = times[1] as string;
    const copy = await s.versions.createNew("p", "1.0");
    expect(copy).toMatchObject({ createdFrom: "1.0", revision: 1, contentHash: created.contentHash });
    expect(copy).toMatchObject({ createdAt: times[1], updatedAt: times[1] });
    const saved = await s.versions.save("p", "1.0", { body: "Hi", config: {} });
    expect(saved).toMatchObject({ createdAt: times[0], updatedAt: times[1], revision: 2 });
    expect(saved.contentHash).toBe(sha256('{"body":"Hi","config":{}}'));
    expect(await rawValue(s.db, "SELECT content_hash FROM versions WHERE major = 1 AND minor = 0")).toBe(
      saved.contentHash,
    );
  });

  test("body up to 1,000,000 bytes of UTF-8 and config up to 64 KiB, not one byte more", async () => {
    const s = await freshServices();
    const body = `${"€".repeat(333_333)}a`; // 999,999 + 1 bytes
    expect(textOf(await s.prompts.create({ name: "big", body }))).toHaveLength(333_334);
    await refusal(s.versions.save("big", "1.0", { body: `${body}a` }), "validation_failed");

    // The limit is on the stored body: line endings a form adds and the save strips do not count.
    const crlf = "a\r\n".repeat(333_334); // 1,000,002 bytes as sent, 666,668 as stored
    expect(textOf(await s.versions.save("big", "1.0", { body: crlf }))).toBe("a\n".repeat(333_334));
    await s.versions.save("big", "1.0", { body: `${"€".repeat(333_333)}\r\n` }); // 1,000,000 stored
    await refusal(s.versions.save("big", "1.0", { body: `${"€".repeat(333_333)}a\r\n` }), "validation_failed");

    const filler = 65_536 - '{"k":""}'.length;
    await s.versions.save("big", "1.0", { body: "x", config: { k: "c".repeat(filler) } });
    await refusal(
      s.versions.save("big", "1.0", { body: "x", config: { k: "c".repeat(filler + 1) } }),
      "validation_failed",
    );

    const update = "UPDATE versions SET body = ?, revision = revision + 1";
    expect((await refusedRaw(s.db, update, `${body}a`)).kind).toBe("CHECK");
    const updateConfig = "UPDATE versions SET config = ?";
    for (const bad of ["[]", "not json", "1", `{"k":"${"c".repeat(filler + 1)}"}`]) {
      expect((await refusedRaw(s.db, updateConfig, bad)).kind).toBe("CHECK");
    }
  });
});

describe("R4 · one current version per stage", () => {
  test("one current version per stage per prompt, enforced by a partial unique index", async () => {
    const s = await freshServices();
    await s.prompts.create({ name: "p", body: "x" });
    await s.versions.createNew("p", "1.0");
    await s.prompts.create({ name: "q", body: "x" });
    const index =
      TEST_ENGINE === "postgres"
        ? await rawValue(s.db, `SELECT indexdef FROM pg_indexes WHERE indexname = 'versions.prompt_id, versions.stage'`)
        : await rawValue(s.db, "SELECT sql FROM sqlite_master WHERE name = 'versions_one_current_per_stage'");
    expect(index).toMatch(/UNIQUE INDEX .*\(prompt_id, stage\) WHERE \(?is_current = 1\)?/);

    const before = await dumpAll(s.db);
    const second = "UPDATE versions SET is_current = 1 WHERE major = 1 AND minor = 1";
    // A trigger speaks first (is_current mirrors the prompt's pointer, docs/limits.md); the index
    // stands behind it on its own (dropped only inside a transaction rolled back: DDL is
    // transactional on both engines).
    expect((await refusedRaw(s.db, second)).message).toMatch(/follows the prompt's current version/);
    const without = await s.db.kysely.connection().execute(async (connection) => {
      const one = { kysely: connection };
      await rawSql(one, "BEGIN");
      try {
        const on = TEST_ENGINE === "postgres" ? " ON versions" : "";
        await rawSql(one, `DROP TRIGGER versions_current_mirrors_pointer${on}`);
        return await refusedRaw(one, second);
      } finally {
        await rawSql(one, "ROLLBACK");
      }
    });
    expect(without.kind).toBe("UNIQUE");
    expect(await dumpAll(s.db)).toEqual(before);
    await expectVersions(s, s.db, "p", ["1.1 DEV", "1.0 DEV current"]);
    // Each prompt and each stage has its own slot.
    await expectVersions(s, s.db, "q", ["1.0 DEV current"]);
    await s.versions.promote("p", "1.1");
    await expectVersions(s, s.db, "p", ["1.1 TST current", "1.0 DEV current"]);
  });
});

describe("R5 · drafts are edited in place; PROD never changes", () => {
  test("EDIT saves into the same version, revision +1, keeping every saved state, with LF line endings", async () => {
    const s = await freshServices();
    await s.prompts.create({ name: "p", body: "one\r\ntwo\rthree", config: { t: 1 } });
    expect(textOf(await s.versions.get("p", "1.0"))).toBe("one\ntwo\nthree");

    const saved = await s.versions.save("p", "1.0", { body: "a\r\nb", revision: 1 });
    expect(saved).toMatchObject({ version: "1.0", revision: 2, body: "a\nb", config: { t: 1 } });
    await s.versions.save("p", "1.0", { body: "a\nb", config: { t: 2 }, revision: 2 });
    await expectVersions(s, s.db, "p", ["1.0 DEV current"]);
    const revisions = (await s.versions.revisions("p", "1.0")).revisions;
    expect(revisions.map((r) => [r.revision, textOf(r), r.config, r.actor])).toEqual([
      [3, "a\nb", { t: 2 }, "local"],
      [2, "a\nb", { t: 1 }, "local"],
      [1, "one\ntwo\nthree", { t: 1 }, "local"],
    ]);
    expect(revisions[0]?.contentHash).toBe((await s.versions.get("p", "1.0")).contentHash);

    // Saving what is already there is not an edit: no revision, no event.
    const before = await dumpAll(s.db);
    expect((await s.versions.save("p", "1.0", { body: "a\r\nb", revision: 3 })).revision).toBe(3);
    expect(await dumpAll(s.db)).toEqual(before);
  });

  test("TST is edited in place; PROD never: version_immutable, 'Cannot edit production versions'", async () => {
    const s = await freshServices();
    await s.prompts.create({ name: "p", body: "x" });
    await s.versions.promote("p", "1.0");
    expect(await s.versions.save("p", "1.0", { body: "y" })).toMatchObject({ stage: "TST", revision: 2 });
    await s.versions.promote("p", "1.0", { to: "PROD" });
    const before = await dumpAll(s.db);
    const error = await refusal(s.versions.save("p", "1.0", { body: "z" }), "version_immutable");
    expect(error.message).toBe("Cannot edit production versions");
    await refusal(s.versions.save("p", "1.0", { body: "y", config: { t: 1 } }), "version_immutable");
    // Immutable whatever the input: a malformed edit of PROD is still version_immutable, not 422.
    await refusal(s.versions.save("p", "1.0", { body: 5 } as unknown as { body: string }), "version_immutable");
    expect(await dumpAll(s.db)).toEqual(before);
  });
});

describe("R6 · an edit based on an old revision is refused", () => {
  test("an edit based on an old revision is refused as stale_revision and writes nothing", async () => {
    const s = await freshServices();
    await s.prompts.create({ name: "p", body: "v1" });
    await s.versions.save("p", "1.0", { body: "v2", revision: 1 });
    const before = await dumpAll(s.db);

    const error = await refusal(s.versions.save("p", "1.0", { body: "lost?", revision: 1 }), "stale_revision");
    expect(error.status).toBe(409);
    await refusal(s.versions.save("p", "1.0", { body: "future", revision: 3 }), "stale_revision");
    expect(await dumpAll(s.db)).toEqual(before);

    expect(await s.versions.save("p", "1.0", { body: "v3", revision: 2 })).toMatchObject({ revision: 3, body: "v3" });
  });
});

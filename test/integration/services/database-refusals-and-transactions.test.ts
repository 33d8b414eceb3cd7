import { sql } from "kysely";
import { describe, expect, test } from "vitest";
import { contentHash } from "../../../src/domain/content.js";
import { DomainError } from "../../../src/domain/errors.js";
import { appendEvent } from "../../../src/store/events.store.js";
import { freshServices } from "../../support/db.js";
import { everyPosition } from "../../support/registry.js";
import { dumpAll, expectVersions, rawSql, refusal, refusedRaw } from "../../support/state.js";

/** 1.0 PROD (history), 1.1 PROD current, 1.2 TST current, 1.3 TST, 1.4 DEV current, 1.5 DEV. */
async function lifecycle() {
  const s = await freshServices();
  await everyPosition(s);
  const expected = ["1.5 DEV", "1.4 DEV current", "1.3 TST", "1.2 TST current", "1.1 PROD current", "1.0 PROD"];
  await expectVersions(s, s.db, "p", expected);
  const rows = await s.db.kysely.selectFrom("versions").select(["id", "major", "minor"]).execute();
  const ids = new Map(rows.map((r) => [`${r.major}.${r.minor}`, r.id]));
  const id = (v: string) => ids.get(v);
  return { s, expected, id };
}

const versionInsert = `INSERT INTO versions (prompt_id, major, minor, stage, is_current, body, content_hash, created_at, updated_at)
  VALUES (1, ?, ?, ?, ?, 'raw', '${contentHash("raw", {})}', 'now', 'now')`;

describe("R12 · the database refuses what the rules forbid", () => {
  test("the database refuses every forbidden change, even as raw SQL", async () => {
    const { s, expected, id } = await lifecycle();
    const before = await dumpAll(s.db);
    const refusals: Array<[string, unknown[], string, RegExp]> = [
      ["UPDATE versions SET body = 'changed' WHERE id = ?", [id("1.1")], "TRIGGER", /Cannot edit production/],
      ["UPDATE versions SET body = 'changed' WHERE id = ?", [id("1.0")], "TRIGGER", /Cannot edit production/],
      ["UPDATE versions SET config = '{\"t\":1}' WHERE id = ?", [id("1.1")], "TRIGGER", /Cannot edit production/],
      ["UPDATE versions SET revision = 9, content_hash = 'x' WHERE id = ?", [id("1.0")], "TRIGGER", /production/],
      // A draft's text changes only together with a stored revision of the new text (R5).
      // (and its content_hash must be the hash of the new text)
      ["UPDATE versions SET body = 'unkept' WHERE id = ?", [id("1.5")], "TRIGGER", /store its revision|content_hash/],
      [
        "UPDATE versions SET body = 'unkept', revision = revision + 1 WHERE id = ?",
        [id("1.3")],
        "TRIGGER",
        /store its revision|content_hash/,
      ],
      // Promoting and rewriting in one statement would smuggle new text into PROD.
      ["UPDATE versions SET stage = 'PROD', body = 'smuggled' WHERE id = ?", [id("1.3")], "TRIGGER", /production/],
      ["UPDATE versions SET stage = 'TST', is_current = 0 WHERE id = ?", [id("1.0")], "TRIGGER", /forward only/],
      ["UPDATE versions SET stage = 'DEV', is_current = 0 WHERE id = ?", [id("1.1")], "TRIGGER", /forward only/],
      ["UPDATE versions SET stage = 'DEV' WHERE id = ?", [id("1.3")], "TRIGGER", /forward only/],
      ["UPDATE versions SET stage = 'PROD' WHERE id = ?", [id("1.5")], "TRIGGER", /forward only/],
      ["UPDATE versions SET stage = 'QA' WHERE id = ?", [id("1.5")], "TRIGGER", /forward only/],
      ["DELETE FROM versions WHERE id = ?", [id("1.3")], "TRIGGER", /only DEV drafts/],
      ["DELETE FROM versions WHERE id = ?", [id("1.2")], "TRIGGER", /only DEV drafts/],
      ["DELETE FROM versions WHERE id = ?", [id("1.0")], "TRIGGER", /only DEV drafts/],
      ["DELETE FROM versions WHERE id = ?", [id("1.4")], "TRIGGER", /only DEV drafts/],
      ["DELETE FROM versions WHERE prompt_id = 1", [], "TRIGGER", /only DEV drafts/],
      // The current version of a stage is its prompt's pointer; is_current only mirrors it.
      ["UPDATE versions SET is_current = 1 WHERE id = ?", [id("1.5")], "TRIGGER", /follows the prompt's current/],
      ["UPDATE versions SET is_current = 1 WHERE id = ?", [id("1.3")], "TRIGGER", /follows the prompt's current/],
      ["UPDATE versions SET is_current = 1 WHERE id = ?", [id("1.0")], "TRIGGER", /follows the prompt's current/],
      ["UPDATE versions SET is_current = 0 WHERE id = ?", [id("1.1")], "TRIGGER", /follows the prompt's current/],
      ["UPDATE prompts SET current_prod = NULL", [], "TRIGGER", /production always keeps a current/],
      ["UPDATE prompts SET current_prod = ?", [id("1.3")], "TRIGGER", /this prompt in that stage/],
      ["UPDATE prompts SET current_dev = ?", [id("1.3")], "TRIGGER", /this prompt in that stage/],
      [versionInsert, [1, 6, "DEV", 1], "TRIGGER", /one current version per stage/],
      [versionInsert, [1, 5, "DEV", 0], "TRIGGER", /never reused/],
      [versionInsert, [1, 2, "DEV", 0], "TRIGGER", /never reused/],
      [versionInsert, [1, 6, "TST", 0], "TRIGGER", /start in DEV/],
      ["UPDATE versions SET minor = 3 WHERE id = ?", [id("1.5")], "TRIGGER", /keeps its number/],
      ["UPDATE versions SET major = 9 WHERE id = ?", [id("1.5")], "TRIGGER", /keeps its number/],
      ["UPDATE revisions SET body = 'rewritten'", [], "TRIGGER", /never changed/],
      ["DELETE FROM revisions", [], "TRIGGER", /never changed/],
      ["DELETE FROM revisions WHERE version_id = ?", [id("1.5")], "TRIGGER", /never changed/],
      ["UPDATE prompts SET max_minor = 4", [], "TRIGGER", /never reused/],
      ["UPDATE prompts SET max_major = 0, max_minor = 9", [], "TRIGGER", /never reused/],
      ["DELETE FROM prompts", [], "TRIGGER", /a prompt with versions is never deleted/],
    ];
    for (const [statement, params, kind, message] of refusals) {
      const error = await refusedRaw(s.db, statement, ...params);
      expect({ statement, params, kind: error.kind }).toEqual({ statement, params, kind });
      expect(error.message).toMatch(message);
    }
    expect(await dumpAll(s.db)).toEqual(before);
    await expectVersions(s, s.db, "p", expected);
  });

  test("a duplicate or a reused version number is refused, even after a delete", async () => {
    const s = await freshServices();
    await s.prompts.create({ name: "p", body: "x" });
    await s.versions.createNew("p", "1.0");
    await s.versions.createNew("p", "1.0", { major: true });
    await s.versions.delete("p", "1.1");
    await s.versions.delete("p", "2.0");
    await expectVersions(s, s.db, "p", ["1.0 DEV current"]);
    for (const [major, minor] of [
      [1, 0],
      [1, 1],
      [2, 0],
      [1, 9],
    ]) {
      expect((await refusedRaw(s.db, versionInsert, major, minor, "DEV", 0)).kind).toMatch(/^(TRIGGER|UNIQUE)$/);
    }
    await rawSql(s.db, versionInsert, 2, 1, "DEV", 0);
    await expectVersions(s, s.db, "p", ["2.1 DEV", "1.0 DEV current"]);
    expect((await s.versions.createNew("p", "1.0")).version).toBe("2.2");
  });

  test("what the rules allow, raw SQL may still do", async () => {
    const { s, id } = await lifecycle();
    const run = async (statement: string, ...params: unknown[]) => (await rawSql(s.db, statement, ...params)).changes;
    const keep = `INSERT INTO revisions (version_id, revision, body, config, content_hash, saved_at, actor)
      SELECT id, revision + 1, ?, config, ?, 'now', 'raw' FROM versions WHERE id = ?`;
    const edit = "UPDATE versions SET body = ?, revision = revision + 1, content_hash = ? WHERE id = ?";
    for (const [text, v] of [
      ["dev edit", "1.5"],
      ["tst edit", "1.3"],
    ]) {
      expect(await run(keep, text, contentHash(text as string, {}), id(v as string))).toBe(1);
      expect(await run(edit, text, contentHash(text as string, {}), id(v as string))).toBe(1);
    }
    // A rollback is one statement on the prompt's pointer; is_current follows.
    expect(await run("UPDATE prompts SET current_prod = ?", id("1.0"))).toBe(1);
    expect(await run("UPDATE versions SET stage = 'PROD' WHERE id = ?", id("1.3"))).toBe(1);
    expect(await run("UPDATE versions SET stage = 'TST' WHERE id = ?", id("1.5"))).toBe(1);
    expect(await run("UPDATE prompts SET current_dev = NULL")).toBe(1);
    expect(await run("DELETE FROM versions WHERE id = ?", id("1.4"))).toBe(1);
    await expectVersions(s, s.db, "p", ["1.5 TST", "1.3 PROD", "1.2 TST current", "1.1 PROD", "1.0 PROD current"]);
  });
});

describe("R13 · each change is one transaction", () => {
  test("a refused request writes nothing", async () => {
    const { s } = await lifecycle();
    const before = await dumpAll(s.db);
    const refused: Array<[() => Promise<unknown>, ConstructorParameters<typeof DomainError>[0]]> = [
      [() => s.prompts.create({ name: "p", body: "again" }), "name_taken"],
      [() => s.prompts.create({ name: "Bad", body: "x" }), "validation_failed"],
      [() => s.versions.save("p", "1.1", { body: "no" }), "version_immutable"],
      [() => s.versions.save("p", "1.2", { body: "no", revision: 99 }), "stale_revision"],
      [() => s.versions.save("p", "9.9", { body: "no" }), "not_found"],
      [() => s.versions.promote("p", "1.1"), "invalid_transition"],
      [() => s.versions.makeCurrent("p", "1.2"), "invalid_transition"],
      [() => s.versions.delete("p", "1.4"), "delete_forbidden"],
      [() => s.versions.delete("p", "1.2"), "delete_forbidden"],
      [() => s.versions.createNew("nope", "1.0"), "not_found"],
      [() => s.versions.createNew("p", "1.0", { major: "yes" as never }), "validation_failed"],
    ];
    // One at a time: each refusal is awaited before the next request starts.
    for (const [work, code] of refused) await refusal(work(), code);
    expect(await dumpAll(s.db)).toEqual(before);
  });

  test("a change that fails halfway is rolled back whole, and the next one still works", async () => {
    let failWith: Error | null = null;
    const s = await freshServices({
      promotionChecks: [
        async (tx, version) => {
          await sql`UPDATE prompts SET description = 'half-done'`.execute(tx);
          await sql`UPDATE versions SET updated_at = 'half-done' WHERE id = ${version.id}`.execute(tx);
          const event = { promptId: 1, at: "now", actor: "check", version: version.version, detail: {} };
          await appendEvent(tx, { ...event, type: "version.tested" });
          if (failWith) throw failWith;
        },
      ],
    });
    await s.prompts.create({ name: "p", body: "x" });
    const before = await dumpAll(s.db);
    failWith = new DomainError("tests_required", "no passing run");
    await refusal(s.versions.promote("p", "1.0"), "tests_required");
    expect(await dumpAll(s.db)).toEqual(before);
    failWith = new Error("the disk caught fire");
    await expect(s.versions.promote("p", "1.0")).rejects.toThrow("the disk caught fire");
    expect(await dumpAll(s.db)).toEqual(before);

    failWith = null;
    expect(await s.versions.promote("p", "1.0")).toMatchObject({ stage: "TST", current: true });
    expect((await s.prompts.get("p")).description).toBe("half-done");
    await expectVersions(s, s.db, "p", ["1.0 TST current"]);
  });
});

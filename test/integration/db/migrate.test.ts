import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Migrator } from "kysely";
import { afterEach, describe, expect, test } from "vitest";
import { migrations } from "../../../migrations/index.js";
import { connect } from "../../../src/db/connect.js";
import { migrateToLatest } from "../../../src/db/migrate.js";
import { raceProcesses } from "../../support/processes.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function newFile(): string {
  const dir = mkdtempSync(join(tmpdir(), "promptrail-migrate-"));
  dirs.push(dir);
  return join(dir, "promptrail.db");
}

const ALL = Object.keys(migrations).sort();

describe("migrations", () => {
  test("two processes starting on one new file both come up, and the schema is built once", async () => {
    for (let round = 0; round < 4; round++) {
      const file = newFile();
      // Both open the new file, then migrate at the same moment; raceProcesses fails if one exits non-zero.
      const applied = await raceProcesses<string[]>(file, dirname(file), [[], []], "test/support/migrate-worker.ts");
      // One of them built everything; the other found nothing left to do.
      expect(applied.map((list) => list.length).sort()).toEqual([0, ALL.length]);
    }
  }, 60_000);

  test("a database migrated by Kysely's Migrator carries on from its ledger", async () => {
    const db = connect(newFile());
    const [first = "", ...rest] = ALL;
    const only = migrations[first];
    if (!only) throw new Error("no migrations");
    const older = { getMigrations: async () => ({ [first]: only }) };
    // biome-ignore lint/suspicious/noExplicitAny: the Migrator takes any schema
    const result = await new Migrator({ db: db.kysely as any, provider: older }).migrateToLatest();
    expect(result.error).toBeUndefined();
    expect(await migrateToLatest(db.kysely)).toEqual(rest);
    expect(await migrateToLatest(db.kysely)).toEqual([]);
    await db.close();
  });

  test("existing rows are brought under the hardening rules: pointers from is_current, environments cleaned", async () => {
    const db = connect(newFile());
    const before = Object.fromEntries(ALL.filter((name) => name < "202612010100").map((n) => [n, migrations[n]]));
    const older = { getMigrations: async () => before as Record<string, (typeof migrations)[string]> };
    // biome-ignore lint/suspicious/noExplicitAny: the Migrator takes any schema
    expect((await new Migrator({ db: db.kysely as any, provider: older }).migrateToLatest()).error).toBeUndefined();
    const run = (query: string) => db.sqlite.exec(query);
    run("INSERT INTO prompts (name, created_at, updated_at) VALUES ('p', 'n', 'n')");
    const version = `INSERT INTO versions (prompt_id, major, minor, stage, is_current, body, content_hash, created_at, updated_at)
      VALUES (1, ?, 0, 'DEV', ?, 'x', 'h', 'n', 'n')`;
    db.sqlite.prepare(version).run(1, 0);
    db.sqlite.prepare(version).run(2, 1);
    run("UPDATE versions SET stage = 'TST' WHERE major = 1");
    run(
      "UPDATE environments SET base_url = 'https://api.example/v1?x=1#f', api_key_env = 'PROMPTRAIL_DB' WHERE stage = 'DEV'",
    );
    run(
      "UPDATE environments SET base_url = 'https://u:p@api.example/v1', api_key_env = 'PROMPTRAIL_A_KEY' WHERE stage = 'TST'",
    );

    expect(await migrateToLatest(db.kysely)).toEqual(ALL.filter((name) => name >= "202612010100"));
    expect(db.sqlite.prepare("SELECT current_dev, current_tst, current_prod FROM prompts").get()).toEqual({
      current_dev: 2,
      current_tst: null,
      current_prod: null,
    });
    expect(db.sqlite.prepare("SELECT stage, base_url, api_key_env FROM environments ORDER BY stage").all()).toEqual([
      { stage: "DEV", base_url: "https://api.example/v1", api_key_env: null },
      { stage: "PROD", base_url: "https://api.openai.com/v1", api_key_env: "PROMPTRAIL_OPENAI_API_KEY" },
      { stage: "TST", base_url: "https://api.openai.com/v1", api_key_env: "PROMPTRAIL_A_KEY" },
    ]);
    await db.close();
  });

  test("a database from a newer build is refused, and nothing is written", async () => {
    const db = connect(newFile());
    await migrateToLatest(db.kysely);
    db.sqlite.prepare("INSERT INTO kysely_migration (name, timestamp) VALUES ('299901010000_future', 'x')").run();
    const tables = () => db.sqlite.prepare("SELECT count(*) FROM sqlite_master").pluck().get();
    const before = tables();
    await expect(migrateToLatest(db.kysely)).rejects.toThrow(/newer Promptrail.*299901010000_future/);
    expect(tables()).toBe(before);
    await db.close();
  });
});

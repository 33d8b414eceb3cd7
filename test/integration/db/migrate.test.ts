import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { Migrator } from "kysely";
import { afterEach, describe, expect, test } from "vitest";
import { migrations } from "../../../migrations/index.js";
import { connect } from "../../../src/db/connect.js";
import { migrateToLatest } from "../../../src/db/migrate.js";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const worker = fileURLToPath(new URL("../../support/migrate-worker.ts", import.meta.url));
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function newFile(): string {
  const dir = mkdtempSync(join(tmpdir(), "promptrail-migrate-"));
  dirs.push(dir);
  return join(dir, "promptrail.db");
}

type Outcome = { code: number | null; out: string; err: string };

function migrateInChild(file: string, barrier: string, id: number): Promise<Outcome> {
  const child = spawn(process.execPath, ["--import", "tsx", worker, file, barrier, String(id)], { cwd: root });
  let out = "";
  let err = "";
  child.stdout.on("data", (chunk) => {
    out += chunk;
  });
  child.stderr.on("data", (chunk) => {
    err += chunk;
  });
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, out, err })));
}

async function waitFor(ready: () => boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error("the workers never reached the barrier");
    await sleep(5);
  }
}

const ALL = Object.keys(migrations).sort();

describe("migrations", () => {
  test("two processes starting on one new file both come up, and the schema is built once", async () => {
    for (let round = 0; round < 4; round++) {
      const file = newFile();
      const barrier = mkdtempSync(join(dirname(file), "barrier-"));
      const both = Promise.all([migrateInChild(file, barrier, 0), migrateInChild(file, barrier, 1)]);
      await waitFor(() => existsSync(join(barrier, "ready-0")) && existsSync(join(barrier, "ready-1")));
      writeFileSync(join(barrier, "go"), "");
      const [a, b] = await both;
      expect({ a: a.code, b: b.code, err: a.err + b.err }).toEqual({ a: 0, b: 0, err: "" });
      const applied = [JSON.parse(a.out), JSON.parse(b.out)] as string[][];
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

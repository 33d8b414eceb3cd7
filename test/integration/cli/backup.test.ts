import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, test } from "vitest";
import { cli, tempFolder } from "../../support/cli.js";
import { richRegistry } from "../../support/registry.js";
import { dumpAll } from "../../support/state.js";

describe("promptrail backup", () => {
  test("copies the whole database into one checked file, nothing left beside it", async () => {
    const source = await richRegistry();
    const dir = tempFolder();
    const file = join(dir, "copy.db");
    const { code, stdout, stderr } = await cli(["backup", file, "--db", source.db.file]);
    expect([code, stderr]).toEqual([0, ""]);
    expect(stdout).toMatch(
      new RegExp(`^Backed up ${source.db.file} to ${file} \\(\\d+\\.\\d MiB, integrity ok\\) in \\d+ ms\\n$`),
    );
    expect(readdirSync(dir)).toEqual(["copy.db"]);
    const copy = new Database(file, { readonly: true });
    expect(copy.pragma("journal_mode", { simple: true })).toBe("delete");
    expect(copy.pragma("integrity_check", { simple: true })).toBe("ok");
    expect(await dumpAll(copy)).toEqual(await dumpAll(source.db));
    copy.close();
  });

  test("never replaces a file without --force; with it, replaces it whole", async () => {
    const source = await richRegistry();
    const file = join(tempFolder(), "copy.db");
    writeFileSync(file, "yesterday's backup");
    expect(await cli(["backup", file, "--db", source.db.file])).toEqual({
      code: 1,
      stdout: "",
      stderr: `promptrail backup: ${file} exists: pass --force to replace it, or name a new file\n`,
    });
    expect(readFileSync(file, "utf8")).toBe("yesterday's backup");
    expect((await cli(["backup", file, "--db", source.db.file, "--force"])).code).toBe(0);
    const copy = new Database(file, { readonly: true });
    expect(await dumpAll(copy)).toEqual(await dumpAll(source.db));
    copy.close();
  });

  test("on PostgreSQL it says to use pg_dump, and writes nothing", async () => {
    const dir = tempFolder();
    const target = join(dir, "copy.db");
    const done = await cli(["backup", target, "--database-url", "postgres://nobody@127.0.0.1:1/none"]);
    expect(done).toMatchObject({ code: 1, stdout: "" });
    expect(done.stderr).toMatch(/backup copies the SQLite file; back PostgreSQL up with pg_dump/);
    expect(existsSync(target)).toBe(false);
  });

  test("refuses, in one line each, targets that cannot be a backup", async () => {
    const source = await richRegistry();
    const dir = tempFolder();
    mkdirSync(join(dir, "folder"));
    const cases: Array<[string[], string]> = [
      [
        ["backup", source.db.file, "--db", source.db.file, "--force"],
        `${source.db.file} is the database itself: name another file`,
      ],
      [
        ["backup", join(dir, "no", "such", "x.db"), "--db", source.db.file],
        `the folder ${join(dir, "no", "such")} does not exist: create it first`,
      ],
      [
        ["backup", join(dir, "folder"), "--db", source.db.file, "--force"],
        `${join(dir, "folder")} is a folder: name the backup file, e.g. ${join(dir, "folder", "promptrail.db")}`,
      ],
      [
        ["backup", join(dir, "x.db"), "--db", join(dir, "missing.db")],
        `no database at ${join(dir, "missing.db")}: pass --db FILE or set PROMPTRAIL_DB`,
      ],
    ];
    for (const [argv, message] of cases) {
      expect(await cli(argv)).toEqual({ code: 1, stdout: "", stderr: `promptrail backup: ${message}\n` });
    }
    expect(readdirSync(dir)).toEqual(["folder"]);
    expect(existsSync(join(dir, "missing.db"))).toBe(false);
  });
});

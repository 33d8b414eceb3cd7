import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { connect } from "../../../src/db/connect.js";
import { cli, tempFolder } from "../../support/cli.js";
import { freshServices, sqliteOf } from "../../support/db.js";
import { richRegistry } from "../../support/registry.js";
import { dumpAll } from "../../support/state.js";

const withoutTime = (json: string) => ({ ...JSON.parse(json), exportedAt: "" });

describe("promptrail export and import", () => {
  test("export → import into a new file → export gives the same document but exportedAt", async () => {
    const source = await richRegistry();
    const dir = tempFolder();
    const first = await cli(["export", "--db", source.db.file]);
    expect([first.code, first.stderr]).toEqual([0, ""]);
    expect(JSON.parse(first.stdout)).toMatchObject({ format: "promptrail", formatVersion: 2 });
    writeFileSync(join(dir, "registry.json"), first.stdout);

    const target = join(dir, "moved", "promptrail.db");
    const loaded = await cli(["import", join(dir, "registry.json"), "--db", target]);
    expect(loaded).toEqual({
      code: 0,
      stdout: `Imported 3 prompt(s), 7 version(s) and 28 event(s) into ${target}\n`,
      stderr: expect.stringMatching(
        /^promptrail: note: .*promptrail\.db did not exist: created a new, empty database there/,
      ),
    });

    const second = await cli(["export", "--db", target, "--out", join(dir, "again.json")]);
    expect(second).toEqual({
      code: 0,
      stdout: "",
      stderr: `Exported 3 prompt(s) from ${target} to ${join(dir, "again.json")}\n`,
    });
    const again = readFileSync(join(dir, "again.json"), "utf8");
    expect(withoutTime(again)).toEqual(withoutTime(first.stdout));
    expect(again).toMatch(/^\{\n {2}"format": "promptrail",\n {2}"formatVersion": 2,\n {2}"exportedAt": /);
  });

  test("import reads the document from stdin with -", async () => {
    const source = await richRegistry();
    const { stdout } = await cli(["export", "--db", source.db.file]);
    const target = join(tempFolder(), "piped.db");
    expect((await cli(["import", "-", "--db", target], { stdin: stdout })).code).toBe(0);
    expect(withoutTime((await cli(["export", "--db", target])).stdout)).toEqual(withoutTime(stdout));
  });

  test("the database comes from PROMPTRAIL_DB when --db is not given", async () => {
    const source = await richRegistry();
    const viaEnv = await cli(["export"], { env: { PROMPTRAIL_DB: source.db.file } });
    expect(JSON.parse(viaEnv.stdout).prompts).toHaveLength(3);
  });

  test("import refuses a database that has prompts, in one line, writing nothing", async () => {
    const source = await richRegistry();
    const file = join(tempFolder(), "registry.json");
    writeFileSync(file, (await cli(["export", "--db", source.db.file])).stdout);
    const busy = await freshServices();
    await busy.prompts.create({ name: "mine", body: "keep me" });
    const before = await dumpAll(busy.db);
    expect(await cli(["import", file, "--db", busy.db.file])).toEqual({
      code: 1,
      stdout: "",
      stderr: `promptrail import: ${busy.db.file} already has prompts: import into a new file (--db NEW.db); nothing was written\n`,
    });
    expect(await dumpAll(busy.db)).toEqual(before);
  });

  test("a refusal by the database is said as the rule's message, in one line, writing nothing", async () => {
    const source = await richRegistry();
    const file = join(tempFolder(), "registry.json");
    writeFileSync(file, (await cli(["export", "--db", source.db.file])).stdout);
    const target = await freshServices();
    sqliteOf(target.db).sqlite.exec(`CREATE TRIGGER sabotage BEFORE INSERT ON events
      WHEN NEW.type = 'version.created' BEGIN SELECT RAISE(ABORT, 'sabotaged'); END`);
    const before = await dumpAll(target.db);
    expect(await cli(["import", file, "--db", target.db.file])).toEqual({
      code: 1,
      stdout: "",
      stderr: "promptrail import: Refused by the database: sabotaged\n",
    });
    expect(await dumpAll(target.db)).toEqual(before);
  });

  test("a bad file is refused in one line before any database is created", async () => {
    const dir = tempFolder();
    const target = join(dir, "never.db");
    const write = (name: string, content: string) => {
      writeFileSync(join(dir, name), content);
      return join(dir, name);
    };
    const cases: Array<[string, RegExp]> = [
      [write("text.json", "prompts: []"), /is not JSON \(.*\): give a file written by promptrail export\n$/],
      [write("other.json", '{"format":"other"}'), /Not a Promptrail export: expected/],
      [
        write("newer.json", '{"format":"promptrail","formatVersion":7}'),
        /formatVersion 7, newer than .* upgrade promptrail/,
      ],
      [
        write("empty.json", '{"format":"promptrail","formatVersion":1}'),
        /Not a valid Promptrail export: exportedAt: Missing \(and 2 more problems\)/,
      ],
      [join(dir, "missing.json"), /no such file or folder: check the path \(.*missing\.json\)\n$/],
    ];
    for (const [file, message] of cases) {
      const { code, stdout, stderr } = await cli(["import", file, "--db", target]);
      expect([code, stdout], file).toEqual([1, ""]);
      expect(stderr).toMatch(/^promptrail import: [^\n]*\n$/);
      expect(stderr).toMatch(message);
    }
    expect(existsSync(target)).toBe(false);
  });

  test("export of a file that does not exist says how to name the database, and creates none", async () => {
    const missing = join(tempFolder(), "nope.db");
    expect(await cli(["export", "--db", missing])).toEqual({
      code: 1,
      stdout: "",
      stderr: `promptrail export: no database at ${missing}: pass --db FILE or set PROMPTRAIL_DB\n`,
    });
    expect(existsSync(missing)).toBe(false);
  });
});

describe("promptrail migrate", () => {
  test("applies the migrations once, then says the file is up to date", async () => {
    const file = join(tempFolder(), "new", "promptrail.db");
    const first = await cli(["migrate", "--db", file]);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^Applied 202611262200_initial_schema, .* to .*promptrail\.db\n$/);
    expect(await cli(["migrate", "--db", file])).toEqual({ code: 0, stdout: `${file} is up to date\n`, stderr: "" });
    const db = connect(file);
    expect(db.sqlite.prepare("SELECT count(*) AS n FROM environments").get()).toEqual({ n: 3 });
    await db.close();
  });
});

import { sql } from "kysely";
import { describe, expect, test } from "vitest";
import { exportRegistry } from "../../../src/services/export.service.js";
import { importRegistry, TargetNotEmpty } from "../../../src/services/import.service.js";
import { DocumentError, readDocument } from "../../../src/services/transfer.schema.js";
import { freshDb, freshServices, TEST_ENGINE } from "../../support/db.js";
import { richRegistry } from "../../support/registry.js";
import { dumpAll } from "../../support/state.js";

async function exported() {
  const source = await richRegistry();
  return JSON.parse(JSON.stringify(await exportRegistry(source.db.kysely, new Date())));
}

function refused(doc: unknown): string {
  try {
    readDocument(doc);
  } catch (error) {
    expect(error).toBeInstanceOf(DocumentError);
    return (error as Error).message;
  }
  throw new Error("the document was accepted");
}

describe("import refuses", () => {
  test("a database that already has prompts, and writes nothing", async () => {
    const doc = readDocument(await exported());
    const target = await freshServices();
    await target.prompts.create({ name: "mine", body: "keep me" });
    const before = await dumpAll(target.db);
    await expect(importRegistry(target.db.kysely, doc, new Date())).rejects.toBeInstanceOf(TargetNotEmpty);
    expect(await dumpAll(target.db)).toEqual(before);
  });

  test("the whole file when the database refuses any part of it (one transaction)", async () => {
    const doc = readDocument(await exported());
    const target = await freshDb();
    // The last event of the last prompt is refused: prompts, versions and environments before it must go too.
    const when = `NEW.version = '1.0' AND NEW.type = 'version.created'
      AND (SELECT name FROM prompts WHERE id = NEW.prompt_id) = 'zeta.name_1'`;
    if (target.engine === "postgres")
      await sql
        .raw(`CREATE FUNCTION sabotage() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
          IF ${when} THEN RAISE EXCEPTION 'sabotaged'; END IF; RETURN NEW; END $$;
          CREATE TRIGGER sabotage BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION sabotage()`)
        .execute(target.kysely);
    else
      target.sqlite.exec(`CREATE TRIGGER sabotage BEFORE INSERT ON events WHEN ${when}
        BEGIN SELECT RAISE(ABORT, 'sabotaged'); END`);
    try {
      const before = await dumpAll(target);
      await expect(importRegistry(target.kysely, doc, new Date())).rejects.toThrow("sabotaged");
      expect(await dumpAll(target)).toEqual(before);
    } finally {
      // PostgreSQL test databases are reused, emptied, by the next test: take the saboteur away.
      if (TEST_ENGINE === "postgres")
        await sql.raw("DROP TRIGGER sabotage ON events; DROP FUNCTION sabotage()").execute(target.kysely);
    }
  });

  test("a file that is not a Promptrail export, or from a newer Promptrail", () => {
    expect(refused([])).toMatch(/^Not a Promptrail export/);
    expect(refused({ format: "langfuse", formatVersion: 1 })).toMatch(/^Not a Promptrail export/);
    expect(refused({ format: "promptrail", formatVersion: 3, prompts: "anything" })).toBe(
      "This file is formatVersion 3, newer than this Promptrail reads (2): upgrade promptrail to import it",
    );
  });

  test("a document that breaks a rule, naming where", async () => {
    // biome-ignore lint/suspicious/noExplicitAny: the parsed JSON of an export, spoilt on purpose field by field
    const cases: Array<[string, (d: any) => void, RegExp]> = [
      [
        "content hash",
        (d) => {
          d.prompts[1].versions[0].body = "tampered";
        },
        /^Not a valid Promptrail export: prompts\.1\.versions\.0\.contentHash: Does not match body and config/,
      ],
      [
        "revision gap",
        (d) => {
          d.prompts[1].versions[0].revisions.splice(1, 1);
        },
        /prompts\.1\.versions\.0\.revisions\.1: Expected revision 2/,
      ],
      [
        "last revision",
        (d) => {
          d.prompts[1].versions[0].revisions.pop();
        },
        /The last stored revision must be 4/,
      ],
      [
        "two current",
        (d) => {
          d.prompts[1].versions[1].current = true;
        },
        /prompts\.1\.versions: Two current PROD versions \(R4\)/,
      ],
      [
        "order",
        (d) => {
          d.prompts[1].versions.reverse();
        },
        /Versions are listed by number, oldest first, once each/,
      ],
      [
        "mark",
        (d) => {
          d.prompts[1].highestNumber = "1.9";
        },
        /prompts\.1\.highestNumber: Below v2\.1/,
      ],
      [
        "number",
        (d) => {
          d.prompts[0].versions[0].version = "v1.0";
        },
        /prompts\.0\.versions\.0\.version: Write version numbers as "2\.3"/,
      ],
      [
        "zero major",
        (d) => {
          d.prompts[0].versions[0].version = "0.1";
        },
        /Write version numbers/,
      ],
      [
        "stage",
        (d) => {
          d.prompts[0].versions[0].stage = "QA";
        },
        /stage: Use DEV, TST or PROD/,
      ],
      [
        "name",
        (d) => {
          d.prompts[0].name = "Bad Name";
        },
        /prompts\.0\.name: Use 1–100 characters/,
      ],
      [
        "twin",
        (d) => {
          d.prompts[2].name = d.prompts[0].name;
        },
        /prompts\.2\.name: A second prompt named "a-first"/,
      ],
      [
        "test case",
        (d) => {
          d.prompts[1].testCases[0].name = "ad-hoc";
        },
        /testCases\.0\.name: "ad-hoc" is reserved/,
      ],
      [
        "regex",
        (d) => {
          d.prompts[1].testCases[1].assertions[0].value = "(";
        },
        /testCases\.1\.assertions\.0\.value/,
      ],
      [
        "event",
        (d) => {
          d.prompts[0].events[0].type = "version.renamed";
        },
        /events\.0\.type/,
      ],
      [
        "key name",
        (d) => {
          d.environments.PROD.apiKeyEnv = "AWS_SECRET_ACCESS_KEY";
        },
        /environments\.PROD\.apiKeyEnv: Name an environment variable PROMPTRAIL_…_KEY/,
      ],
      [
        "users",
        (d) => {
          d.users = [];
        },
        /Unrecognized key: "users"/,
      ],
      [
        "a PROD version marked not current, with no other current PROD",
        (d) => {
          for (const v of d.prompts[1].versions) if (v.stage === "PROD") v.current = false;
        },
        /prompts\.1\.versions\.\d+\.current: PROD versions but none current/,
      ],
      [
        "createdFrom naming a version that never existed",
        (d) => {
          d.prompts[1].versions[1].createdFrom = "7.7";
        },
        /prompts\.1\.versions\.1\.createdFrom: v7\.7 did not exist when v1\.1 was made/,
      ],
      [
        "createdFrom naming itself",
        (d) => {
          d.prompts[1].versions[1].createdFrom = d.prompts[1].versions[1].version;
        },
        /prompts\.1\.versions\.1\.createdFrom: v1\.1 did not exist when v1\.1 was made/,
      ],
      [
        "v1.0 copied from something",
        (d) => {
          d.prompts[1].versions[0].createdFrom = "1.1";
        },
        /prompts\.1\.versions\.0\.createdFrom: v1\.0 is created with the prompt/,
      ],
      [
        "a later version copied from nothing",
        (d) => {
          d.prompts[1].versions[1].createdFrom = null;
        },
        /prompts\.1\.versions\.1\.createdFrom: v1\.1 was made by Create New Version/,
      ],
      [
        "time",
        (d) => {
          d.prompts[0].createdAt = "yesterday";
        },
        /prompts\.0\.createdAt: Give an ISO 8601 UTC time/,
      ],
    ];
    const base = await exported();
    for (const [what, spoil, message] of cases) {
      const doc = structuredClone(base);
      spoil(doc);
      expect(refused(doc), what).toMatch(message);
    }
  });

  test("counts the problems it does not name", async () => {
    const doc = await exported();
    doc.prompts[0].name = "Bad";
    doc.prompts[1].name = "Worse";
    expect(refused(doc)).toMatch(/\(and 1 more problem\)$/);
  });

  test("a NUL character in any text of the file, naming where, before anything is written", async () => {
    const base = await exported();
    // biome-ignore lint/suspicious/noExplicitAny: the parsed JSON of an export, spoilt on purpose
    const spoils: Array<[(d: any) => void, RegExp]> = [
      [(d) => (d.prompts[0].versions[0].body = "a\u0000b"), /prompts\.0\.versions\.0\.body: .*NUL/],
      [(d) => (d.prompts[0].description = "\u0000"), /prompts\.0\.description: .*NUL/],
      [(d) => (d.prompts[0].events[0].actor = "lo\u0000cal"), /prompts\.0\.events\.0\.actor: .*NUL/],
      [(d) => (d.prompts[0].versions[0].config = { "k\u0000": 1 }), /prompts\.0\.versions\.0\.config: .*NUL/],
    ];
    for (const [spoil, message] of spoils) {
      const doc = structuredClone(base);
      spoil(doc);
      expect(refused(doc)).toMatch(message);
    }
  });
});

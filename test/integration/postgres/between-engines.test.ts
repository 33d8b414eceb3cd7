import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { connect } from "../../../src/db/connect.js";
import { readDocument } from "../../../src/services/transfer.schema.js";
import { cli, tempFolder } from "../../support/cli.js";
import { createTestDatabase } from "../../support/pg-databases.js";
import { richRegistry } from "../../support/registry.js";

/**
 * docs/postgresql.md: `promptrail export` from one engine and `import` into the other move a registry
 * unchanged, both ways, with the real command line. The source is built on PostgreSQL (this
 * project's fresh databases), moved into a SQLite file, and from there into a new PostgreSQL
 * database; every export must be the same document but for its time.
 */
const exported = async (target: string[]) => {
  const done = await cli(["export", ...target]);
  expect(done.code, done.stderr).toBe(0);
  return readDocument(JSON.parse(done.stdout));
};

describe("PostgreSQL → SQLite → PostgreSQL", () => {
  test("every export is the same document, and each engine serves the same runtime reads", async () => {
    const source = await richRegistry();
    const dir = tempFolder();
    const fromPostgres = await exported(["--database-url", source.db.file]);
    expect(fromPostgres.prompts.length).toBe(3);
    const file = join(dir, "doc.json");
    writeFileSync(file, JSON.stringify(fromPostgres));

    const sqliteFile = join(dir, "moved.db");
    const intoSqlite = await cli(["import", file, "--db", sqliteFile]);
    expect(intoSqlite.code, intoSqlite.stderr).toBe(0);
    const fromSqlite = await exported(["--db", sqliteFile]);
    expect({ ...fromSqlite, exportedAt: "" }).toEqual({ ...fromPostgres, exportedAt: "" });

    const target = await createTestDatabase();
    try {
      writeFileSync(file, JSON.stringify(fromSqlite));
      const intoPostgres = await cli(["import", file, "--database-url", target.url]);
      expect(intoPostgres.code, intoPostgres.stderr).toBe(0);
      const again = await exported(["--database-url", target.url]);
      expect({ ...again, exportedAt: "" }).toEqual({ ...fromPostgres, exportedAt: "" });

      const refused = await cli(["import", file, "--database-url", target.url]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/already has prompts: import into an empty database; nothing was written/);
    } finally {
      await target.drop();
    }

    const sqlite = connect(sqliteFile);
    try {
      const row = sqlite.sqlite
        .prepare(
          "SELECT v.major || '.' || v.minor AS version FROM versions v JOIN prompts p ON p.id = v.prompt_id WHERE p.name = 'support-reply' AND v.stage = 'PROD' AND v.is_current = 1",
        )
        .get() as { version: string };
      expect(row.version).toBe((await source.runtime.current("support-reply", "PROD")).version);
    } finally {
      await sqlite.close();
    }
  });
});

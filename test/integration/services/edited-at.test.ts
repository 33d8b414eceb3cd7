import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Migrator } from "kysely";
import { describe, expect, test } from "vitest";
import { migrations } from "../../../migrations/index.js";
import { connect } from "../../../src/db/connect.js";
import { migrateToLatest } from "../../../src/db/migrate.js";
import { freshServices, TEST_ENGINE } from "../../support/db.js";
import { refusedRaw } from "../../support/state.js";

describe("versions.edited_at (docs/ui.md 'Edited')", () => {
  test("the database lets it move only with a saved revision", async () => {
    const s = await freshServices();
    await s.prompts.create({ name: "p", body: "x" });
    const error = await refusedRaw(s.db, "UPDATE versions SET edited_at = '2000-01-01T00:00:00.000Z'");
    expect(error.message).toMatch(/only with a saved revision/);
    await s.versions.save("p", "1.0", { body: "y" });
    const [row] = await s.db.kysely.selectFrom("versions").select(["edited_at", "updated_at"]).execute();
    expect(row?.edited_at).toBe(row?.updated_at);
  });

  // A step of SQLite's migration history: PostgreSQL's schema begins with the column (migrations/postgres).
  test.skipIf(TEST_ENGINE === "postgres")(
    "the migration fills it from the last saved revision of every existing version",
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "promptrail-edited-"));
      const db = connect(join(dir, "p.db"));
      try {
        const migrator = new Migrator({ db: db.kysely, provider: { getMigrations: async () => migrations } });
        expect((await migrator.migrateTo("202611262300_testing")).error).toBeUndefined();
        const run = (sql: string) => db.sqlite.prepare(sql).run();
        run("INSERT INTO prompts (name, created_at, updated_at) VALUES ('p', 't0', 't9')");
        run(`INSERT INTO versions (prompt_id, major, minor, stage, is_current, body, content_hash, created_at, updated_at)
           VALUES (1, 1, 0, 'DEV', 1, 'a', 'h1', 't0', 't0')`);
        run(`INSERT INTO revisions (version_id, revision, body, config, content_hash, saved_at, actor)
           VALUES (1, 1, 'a', '{}', 'h1', 't0', 'local')`);
        run(`INSERT INTO revisions (version_id, revision, body, config, content_hash, saved_at, actor)
           VALUES (1, 2, 'b', '{}', 'h2', 't5', 'local')`);
        run("UPDATE versions SET body = 'b', content_hash = 'h2', revision = 2, updated_at = 't5' WHERE id = 1");
        run("UPDATE versions SET stage = 'TST', updated_at = 't9' WHERE id = 1");
        await migrateToLatest(db.kysely);
        expect(db.sqlite.prepare("SELECT edited_at FROM versions").pluck().get()).toBe("t5");
      } finally {
        await db.close();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});

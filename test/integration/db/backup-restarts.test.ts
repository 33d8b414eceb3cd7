import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, expect, test } from "vitest";
import { backupDatabase } from "../../../src/db/backup.js";
import { connect } from "../../../src/db/connect.js";

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("a backup finishes while another connection writes between every step", async () => {
  dir = mkdtempSync(join(tmpdir(), "promptrail-backup-"));
  const file = join(dir, "busy.db");
  const source = connect(file);
  source.sqlite.exec("CREATE TABLE filler (id INTEGER PRIMARY KEY, text TEXT NOT NULL)");
  const insert = source.sqlite.prepare("INSERT INTO filler (text) VALUES (?)");
  source.sqlite.transaction(() => {
    for (let i = 0; i < 2000; i++) insert.run("x".repeat(2000)); // ~4 MB, about a thousand pages
  })();

  // Another connection (as a server in another process would be) commits on every turn of the loop.
  const writer = new Database(file);
  const write = writer.prepare("INSERT INTO filler (text) VALUES ('late')");
  let writes = 0;
  let writing = true;
  const tick = () => {
    if (!writing) return;
    write.run();
    writes += 1;
    setImmediate(tick);
  };
  setImmediate(tick);

  const done = await Promise.race([
    backupDatabase(source, file, join(dir, "copy.db")),
    new Promise((_, reject) => setTimeout(() => reject(new Error("the backup kept restarting")), 5000)),
  ]);
  writing = false;
  expect(done).toMatchObject({ file: join(dir, "copy.db") });
  expect(writes).toBeGreaterThan(0);
  const copy = new Database(join(dir, "copy.db"), { readonly: true });
  expect(copy.pragma("integrity_check", { simple: true })).toBe("ok");
  const { n } = copy.prepare("SELECT count(*) AS n FROM filler").get() as { n: number };
  expect(n).toBeGreaterThanOrEqual(2000);
  copy.close();
  writer.close();
  await source.close();
});

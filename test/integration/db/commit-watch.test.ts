import { join } from "node:path";
import SQLite from "better-sqlite3";
import { describe, expect, test } from "vitest";
import { type CommitWatch, dataVersionWatch, walIndexWatch } from "../../../src/db/commit-watch.js";
import { connect } from "../../../src/db/connect.js";
import { freshSqliteDb } from "../../support/db.js";

/**
 * The runtime read's freshness rests on these: a watcher says "changed" after every commit —
 * by our writer, by another connection, by another process (runtime-freshness.test.ts) — and
 * "unchanged" otherwise. Both the WAL-index check and the data_version fallback are held to it.
 */
const kinds: Array<[string, (reader: SQLite.Database) => CommitWatch]> = [
  [
    "wal-index header",
    (reader) => {
      const wal = walIndexWatch(reader);
      if (!wal) throw new Error("a connected database is in WAL mode");
      return wal.watch();
    },
  ],
  ["PRAGMA data_version", dataVersionWatch],
];

describe.each(kinds)("commit watch: %s", (_kind, make) => {
  test("changed after each commit, by our writer or another connection; not after reads or a rollback", async () => {
    const db = await freshSqliteDb();
    const changed = make(db.reader());
    expect(changed()).toBe(true); // first call: nothing seen yet
    expect(changed()).toBe(false);
    db.sqlite.prepare("INSERT INTO prompts (name, created_at, updated_at) VALUES ('a', 'x', 'x')").run();
    expect(changed()).toBe(true);
    expect(changed()).toBe(false);
    db.sqlite.prepare("SELECT * FROM prompts").all();
    db.reader().prepare("SELECT * FROM prompts").all();
    expect(changed()).toBe(false);
    db.sqlite.exec("BEGIN IMMEDIATE; UPDATE prompts SET description = 'd'; ROLLBACK");
    expect(changed()).toBe(false);
    const other = new SQLite(db.file);
    try {
      other.prepare("UPDATE prompts SET description = 'from elsewhere'").run();
    } finally {
      other.close();
    }
    expect(changed()).toBe(true);
    expect(changed()).toBe(false);
  });

  test("each watcher keeps its own place", async () => {
    const db = await freshSqliteDb();
    const [a, b] = [make(db.reader()), make(db.reader())];
    a();
    b();
    db.sqlite.prepare("INSERT INTO prompts (name, created_at, updated_at) VALUES ('a', 'x', 'x')").run();
    expect(a()).toBe(true);
    expect(b()).toBe(true);
  });
});

test("connect() watches through the wal-index; a database not in WAL mode has none to read", async () => {
  const db = await freshSqliteDb();
  expect(walIndexWatch(db.reader())).not.toBeNull();
  const plain = connect(join(db.dir, "plain.db"));
  try {
    plain.sqlite.pragma("journal_mode = DELETE");
    plain.sqlite.exec("CREATE TABLE t (x)");
    expect(walIndexWatch(plain.reader())).toBeNull();
    const changed = plain.watchCommits();
    changed();
    plain.sqlite.exec("INSERT INTO t VALUES (1)");
    expect(changed()).toBe(true);
  } finally {
    await plain.close();
  }
});

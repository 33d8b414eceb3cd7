import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Migrator } from "kysely";
import { afterEach, describe, expect, test } from "vitest";
import { migrations } from "../../../migrations/index.js";
import { connect } from "../../../src/db/connect.js";
import { migrateToLatest } from "../../../src/db/migrate.js";
import { messagesText } from "../../../src/domain/chat.js";
import { chatContentHash, contentHash } from "../../../src/domain/content.js";
import { createServices } from "../../../src/services/index.js";
import { freshSqliteServices } from "../../support/db.js";
import { brokenRules } from "../../support/invariants.js";

/**
 * docs/rules.md, chat prompts with R12: the database itself keeps a chat prompt's messages well-formed and hashed
 * by type, a prompt's type fixed, and every version's seq given once, in creation order, never
 * reused or changed, even against raw SQL.
 */
const MESSAGES = [
  { role: "system", content: "You answer {{topic}} questions." },
  { type: "placeholder", name: "history" },
  { role: "user", content: "{{question}}" },
];

async function chatRegistry() {
  const s = await freshSqliteServices();
  await s.prompts.create({ name: "c", type: "chat", messages: MESSAGES });
  await s.versions.createNew("c", "1.0");
  await s.versions.promote("c", "1.0");
  await s.versions.promote("c", "1.0", { to: "PROD" });
  const id = (major: number, minor: number) =>
    s.db.sqlite.prepare("SELECT id FROM versions WHERE major = ? AND minor = ?").pluck().get(major, minor) as number;
  return { s, prod: id(1, 0), draft: id(1, 1) };
}

const refused = (run: () => unknown, message: RegExp) => expect(run).toThrow(message);

describe("chat content in the database (R12 for messages)", () => {
  test("messages are stored as canonical JSON and hashed over {config, messages}", async () => {
    const { s, prod } = await chatRegistry();
    const row = s.db.sqlite.prepare("SELECT body, content_hash FROM versions WHERE id = ?").get(prod) as {
      body: string;
      content_hash: string;
    };
    const canonical = messagesText(MESSAGES as never);
    expect(row.body).toBe(canonical);
    expect(row.content_hash).toBe(chatContentHash(JSON.parse(canonical), {}));
    expect(row.content_hash).not.toBe(contentHash(canonical, {}));
    expect(brokenRules(s.db.sqlite)).toEqual([]);
  });

  test("raw SQL cannot store malformed, non-canonical or text-hashed messages, nor change PROD's", async () => {
    const { s, prod, draft } = await chatRegistry();
    const sqlite = s.db.sqlite;
    const insert = sqlite.prepare(
      `INSERT INTO versions (prompt_id, major, minor, stage, body, config, content_hash, created_at, updated_at)
       VALUES (1, 9, 0, 'DEV', ?, '{}', ?, 'n', 'n')`,
    );
    const bad = [
      "[]",
      JSON.stringify([{ role: "bot", content: "x" }]),
      JSON.stringify([{ content: "x", role: "user", extra: 1 }]),
      JSON.stringify([{ name: "has space", type: "placeholder" }]),
      '[{"role":"user","content":"x"}]', // keys not sorted: not canonical
      JSON.stringify(Array.from({ length: 101 }, () => ({ content: "x", role: "user" }))),
      "not json",
    ];
    for (const body of bad)
      refused(() => insert.run(body, contentHash(body, {})), /a chat version holds 1 to 100 messages/);
    const good = messagesText([{ role: "user", content: "hi" }]);
    refused(
      () =>
        sqlite
          .prepare(
            `INSERT INTO versions (prompt_id, major, minor, stage, body, config, content_hash, created_at, updated_at)
             VALUES (1, 9, 0, 'DEV', ?, '{}', ?, 'n', 'n')`,
          )
          .run(good, contentHash(good, {})),
      /content_hash must be the sha256/,
    );
    const other = messagesText([{ role: "user", content: "changed" }]);
    const hash = chatContentHash(JSON.parse(other), {});
    refused(
      () => sqlite.prepare("UPDATE versions SET body = ?, content_hash = ? WHERE id = ?").run(other, hash, prod),
      /Cannot edit production versions/,
    );
    refused(
      () => sqlite.prepare("UPDATE versions SET body = '[]' WHERE id = ?").run(draft),
      /chat version holds|edit must store its revision/,
    );
    refused(() => sqlite.exec("UPDATE prompts SET type = 'text'"), /a prompt keeps its type/);
    expect(brokenRules(sqlite)).toEqual([]);
  });
});

describe("seq (docs/rules.md, chat prompts)", () => {
  test("1, 2, 3… in creation order per prompt, never reused after a delete", async () => {
    const s = await freshSqliteServices();
    await s.prompts.create({ name: "p", body: "x" });
    await s.prompts.create({ name: "q", body: "y" });
    expect((await s.versions.createNew("p", "1.0")).seq).toBe(2);
    expect((await s.versions.createNew("p", "1.0", { major: true })).seq).toBe(3);
    await s.versions.delete("p", "2.0");
    expect((await s.versions.createNew("p", "1.0")).seq).toBe(4);
    expect((await s.versions.get("p", "1.0")).seq).toBe(1);
    expect((await s.versions.get("q", "1.0")).seq).toBe(1);
  });

  test("raw SQL cannot reuse, change or lower a seq; a version inserted without one takes the next", async () => {
    const s = await freshSqliteServices();
    await s.prompts.create({ name: "p", body: "x" });
    await s.versions.createNew("p", "1.0");
    const sqlite = s.db.sqlite;
    const insert = (minor: number, seq: number | null) =>
      sqlite
        .prepare(
          `INSERT INTO versions (prompt_id, major, minor, stage, body, config, content_hash, created_at, updated_at${seq === null ? "" : ", seq"})
           VALUES (1, 1, ?, 'DEV', 'x', '{}', promptrail_content_hash('x', '{}'), 'n', 'n'${seq === null ? "" : ", ?"})`,
        )
        .run(...(seq === null ? [minor] : [minor, seq]));
    for (const seq of [1, 2, -1]) refused(() => insert(5, seq), /sequence numbers are never reused/);
    for (const verb of ["INSERT OR REPLACE", "REPLACE"])
      refused(
        () =>
          sqlite.exec(`${verb} INTO versions (prompt_id, major, minor, stage, body, config, content_hash, created_at, updated_at, seq)
            VALUES (1, 1, 6, 'DEV', 'x', '{}', '${contentHash("x", {})}', 'n', 'n', 2)`),
        /sequence numbers are never reused/,
      );
    insert(2, null);
    expect(sqlite.prepare("SELECT seq FROM versions WHERE minor = 2").pluck().get()).toBe(3);
    insert(3, 7);
    expect((await s.versions.createNew("p", "1.0")).seq).toBe(8);
    refused(() => sqlite.exec("UPDATE versions SET seq = 99 WHERE minor = 1"), /keeps its sequence number/);
    refused(() => sqlite.exec("UPDATE versions SET seq = 0 WHERE minor = 1"), /keeps its sequence number/);
    refused(() => sqlite.exec("UPDATE prompts SET max_seq = 1"), /sequence numbers are never reused/);
    // The raw rows kept no revision (R5); once they are gone, every rule holds.
    sqlite.exec("DELETE FROM versions WHERE minor IN (2, 3)");
    expect(brokenRules(sqlite)).toEqual([]);
  });
});

describe("migrating an existing database", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  test("every prompt becomes a text prompt and its versions get seq by creation order", async () => {
    const dir = mkdtempSync(join(tmpdir(), "promptrail-seq-"));
    dirs.push(dir);
    const db = connect(join(dir, "promptrail.db"));
    const before = Object.fromEntries(
      Object.keys(migrations)
        .filter((name) => name < "202612010600")
        .map((n) => [n, migrations[n]]),
    );
    const older = { getMigrations: async () => before as Record<string, (typeof migrations)[string]> };
    // biome-ignore lint/suspicious/noExplicitAny: the Migrator takes any schema
    expect((await new Migrator({ db: db.kysely as any, provider: older }).migrateToLatest()).error).toBeUndefined();
    const old = createOldRegistry(db.sqlite);
    old("p", [
      [1, 0],
      [1, 1],
      [1, 2],
      [2, 0],
    ]);
    old("q", [[1, 0]]);
    db.sqlite.exec("DELETE FROM versions WHERE major = 1 AND minor = 1 AND prompt_id = 1");

    expect((await migrateToLatest(db.kysely))[0]).toBe("202612010600_chat_and_seq");
    const seqs = db.sqlite
      .prepare(
        "SELECT p.name, p.type, p.max_seq, v.major || '.' || v.minor AS v, v.seq FROM versions v JOIN prompts p ON p.id = v.prompt_id ORDER BY v.id",
      )
      .all();
    expect(seqs).toEqual([
      { name: "p", type: "text", max_seq: 3, v: "1.0", seq: 1 },
      { name: "p", type: "text", max_seq: 3, v: "1.2", seq: 2 },
      { name: "p", type: "text", max_seq: 3, v: "2.0", seq: 3 },
      { name: "q", type: "text", max_seq: 1, v: "1.0", seq: 1 },
    ]);
    const services = createServices({ db });
    expect((await services.versions.createNew("p", "1.0")).seq).toBe(4);
    expect(brokenRules(db.sqlite)).toEqual([]);
    await db.close();
  });
});

/** Prompts and versions written as the schema before chat and seq took them. */
function createOldRegistry(sqlite: ReturnType<typeof connect>["sqlite"]) {
  return (name: string, numbers: Array<[number, number]>) => {
    const { lastInsertRowid } = sqlite
      .prepare("INSERT INTO prompts (name, created_at, updated_at) VALUES (?, 'n', 'n')")
      .run(name);
    for (const [major, minor] of numbers) {
      const id = sqlite
        .prepare(
          `INSERT INTO versions (prompt_id, major, minor, stage, body, config, content_hash, created_at, updated_at)
           VALUES (?, ?, ?, 'DEV', 'x', '{}', ?, 'n', 'n')`,
        )
        .run(lastInsertRowid, major, minor, contentHash("x", {})).lastInsertRowid;
      sqlite
        .prepare(
          "INSERT INTO revisions (version_id, revision, body, config, content_hash, saved_at, actor) VALUES (?, 1, 'x', '{}', ?, 'n', 'local')",
        )
        .run(id, contentHash("x", {}));
    }
  };
}

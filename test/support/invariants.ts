import { createHash } from "node:crypto";
import type Database from "better-sqlite3";
import { parseStoredMessages } from "../../src/domain/chat.js";
import { type Config, chatContentHash, contentHash } from "../../src/domain/content.js";

/**
 * Every rule of R3–R13 and docs/limits.md that can be read off the stored rows, checked with plain
 * SELECTs (no app code but the hash). Answers the broken rules; an empty list means all hold.
 * Used after each step of the model-based test, after each crash of the crash loop, and after
 * each raw-SQL attempt.
 */
export function brokenRules(sqlite: Database.Database): string[] {
  const broken: string[] = [];
  const rows = <T>(query: string): T[] => sqlite.prepare(query).all() as T[];
  const none = (rule: string, query: string) => {
    const found = rows<Record<string, unknown>>(query);
    if (found.length > 0) broken.push(`${rule}: ${JSON.stringify(found.slice(0, 3))}`);
  };

  const integrity = sqlite.pragma("integrity_check", { simple: true });
  if (integrity !== "ok") broken.push(`integrity_check: ${String(integrity)}`);
  none("foreign keys", "SELECT * FROM pragma_foreign_key_check");
  none(
    "R4 one current version per stage",
    "SELECT prompt_id, stage FROM versions WHERE is_current = 1 GROUP BY prompt_id, stage HAVING count(*) > 1",
  );
  none(
    "is_current mirrors the prompt's pointer",
    `SELECT v.id FROM versions v JOIN prompts p ON p.id = v.prompt_id
     WHERE v.is_current IS NOT (CASE v.stage WHEN 'DEV' THEN p.current_dev WHEN 'TST' THEN p.current_tst ELSE p.current_prod END IS v.id)`,
  );
  none(
    "a pointer names a version of its prompt in its stage",
    `SELECT p.id FROM prompts p WHERE
       (p.current_dev IS NOT NULL AND NOT EXISTS (SELECT 1 FROM versions v WHERE v.id = p.current_dev AND v.prompt_id = p.id AND v.stage = 'DEV'))
    OR (p.current_tst IS NOT NULL AND NOT EXISTS (SELECT 1 FROM versions v WHERE v.id = p.current_tst AND v.prompt_id = p.id AND v.stage = 'TST'))
    OR (p.current_prod IS NOT NULL AND NOT EXISTS (SELECT 1 FROM versions v WHERE v.id = p.current_prod AND v.prompt_id = p.id AND v.stage = 'PROD'))`,
  );
  none(
    "PROD always has a current version once it has versions",
    "SELECT p.id FROM prompts p WHERE p.current_prod IS NULL AND EXISTS (SELECT 1 FROM versions v WHERE v.prompt_id = p.id AND v.stage = 'PROD')",
  );
  none(
    "R8 numbers stay under the prompt's mark",
    "SELECT v.id FROM versions v JOIN prompts p ON p.id = v.prompt_id WHERE (v.major, v.minor) > (p.max_major, p.max_minor)",
  );
  none(
    "R5 the current text of a version is a stored revision",
    `SELECT v.id FROM versions v WHERE NOT EXISTS (SELECT 1 FROM revisions r WHERE r.version_id = v.id
       AND r.revision = v.revision AND r.body = v.body AND r.config = v.config AND r.content_hash = v.content_hash)`,
  );
  none("no orphan versions", "SELECT id FROM versions WHERE prompt_id NOT IN (SELECT id FROM prompts)");
  none("no orphan revisions", "SELECT id FROM revisions WHERE version_id NOT IN (SELECT id FROM versions)");
  none("no orphan test runs", "SELECT id FROM test_runs WHERE version_id NOT IN (SELECT id FROM versions)");
  // settings.changed events belong to no prompt (docs/accounts.md): only a prompt_id that names none is an orphan.
  none(
    "no orphan events",
    "SELECT id FROM events WHERE prompt_id IS NOT NULL AND prompt_id NOT IN (SELECT id FROM prompts)",
  );
  none("at most 100 runs per version", "SELECT version_id FROM test_runs GROUP BY version_id HAVING count(*) > 100");
  none("the three environments", "SELECT 1 WHERE (SELECT count(*) FROM environments) <> 3");
  none(
    "seq is unique per prompt, from 1, under the prompt's mark",
    `SELECT v.id FROM versions v JOIN prompts p ON p.id = v.prompt_id
     WHERE v.seq < 1 OR v.seq > p.max_seq OR EXISTS (SELECT 1 FROM versions w WHERE w.prompt_id = v.prompt_id AND w.seq = v.seq AND w.id <> v.id)`,
  );
  none(
    "seq follows the version number",
    `SELECT v.id FROM versions v JOIN versions w ON w.prompt_id = v.prompt_id
     WHERE (v.major, v.minor) < (w.major, w.minor) AND v.seq > w.seq`,
  );
  const owner = {
    versions:
      "SELECT v.id, p.type, v.body, v.config, v.content_hash FROM versions v JOIN prompts p ON p.id = v.prompt_id",
    revisions: `SELECT r.id, p.type, r.body, r.config, r.content_hash FROM revisions r
      JOIN versions v ON v.id = r.version_id JOIN prompts p ON p.id = v.prompt_id`,
  };
  for (const [table, query] of Object.entries(owner)) {
    for (const row of rows<{ id: number; type: string; body: string; config: string; content_hash: string }>(query)) {
      const config = JSON.parse(row.config) as Config;
      const messages = row.type === "chat" ? parseStoredMessages(row.body) : null;
      const expected =
        row.type === "text" ? contentHash(row.body, config) : messages && chatContentHash(messages as never, config);
      if (expected !== row.content_hash) broken.push(`R3 content_hash of ${table} ${row.id}`);
    }
  }
  return broken;
}

/** A digest of every row of every table and of the schema: equal digests mean nothing was written. */
export function digest(sqlite: Database.Database): string {
  const hash = createHash("sha256");
  const tables = sqlite
    .prepare("SELECT name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name")
    .all() as Array<{ name: string; sql: string | null }>;
  for (const { name, sql } of tables) {
    hash.update(`${name}\n${sql}\n`);
    if (!sql?.startsWith("CREATE TABLE")) continue;
    for (const row of sqlite.prepare(`SELECT * FROM "${name}" ORDER BY rowid`).raw().iterate())
      hash.update(`${JSON.stringify(row)}\n`);
  }
  return hash.digest("hex");
}

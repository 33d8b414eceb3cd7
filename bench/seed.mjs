// Seeds a migrated Promptrail database for the benchmark, by SQL in one transaction (seeding
// through HTTP would take minutes, mostly fsyncs). The database's own triggers check every row
// as the app's writes would be checked; rows look like the app's: a revision per version,
// `prompt.created` / `version.created` / `version.promoted` events, real content hashes.
//
//   10,000 prompts "p00000"… of one ~500-byte version each (every third promoted to PROD)
//   "read": the runtime-read prompt, ~925 bytes of version JSON, current in PROD
//   "long": 600 versions of 4 KB      "huge": 2,000 versions of 100 KB
// In "long" and "huge" each version changes a few lines of its predecessor (so diffs are
// realistic); the newest is the DEV draft, the one five before it is PROD, the one before
// that TST.
import { createHash } from "node:crypto";
import Database from "better-sqlite3";

const AT = "2026-11-01T09:00:00.000Z";

/** JSON with object keys sorted and no whitespace, as src/domain/content.ts makes it. */
const canonical = (value) => {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object")
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
      .join(",")}}`;
  return JSON.stringify(value);
};

/** sha256 of the canonical {"body","config"} JSON (R3); `config` is JSON text. */
const hashOf = (body, config) =>
  createHash("sha256")
    .update(canonical({ body, config: JSON.parse(config) }), "utf8")
    .digest("hex");

const WORDS = "answer the customer politely cite the order number and never promise a refund before checking".split(
  " ",
);
function line(n, width) {
  let text = `${n}:`;
  for (let i = 0; text.length < width; i++) text += ` ${WORDS[(n * 7 + i * 3) % WORDS.length]}`;
  return text.slice(0, width);
}

/** A body of `bytes` in lines of 80; version k rewrites lines k, k+7 and k+13 (mod the line count). */
function bodies(bytes) {
  const lines = Array.from({ length: Math.ceil(bytes / 81) }, (_, i) => line(i, 80));
  return (k) => {
    const copy = lines.slice();
    for (const offset of [0, 7, 13]) {
      const at = (k + offset) % copy.length;
      copy[at] = `${line(at, 60)} rev ${k} {{customer}}`.padEnd(80, ".");
    }
    return copy.join("\n").slice(0, bytes);
  };
}

export function seed(file) {
  const db = new Database(file);
  db.pragma("foreign_keys = ON");
  // The schema's triggers check content hashes with functions every app connection registers
  // (src/db/connect.ts). The seed writes text prompts only: a chat row would be refused.
  db.function("promptrail_content_hash", { deterministic: true }, hashOf);
  db.function("promptrail_chat_hash", { deterministic: true }, (_body, _config) => null);
  // The prompt contract's triggers: the seed's versions carry none (the column defaults), and a
  // version without a contract keeps its plain hash (docs/contract.md, "The content hash").
  const noContract = (variables, tools, responseFormat) =>
    variables === "[]" && tools === "[]" && responseFormat === null;
  db.function("promptrail_contract_ok", { deterministic: true }, (v, t, r) => (noContract(v, t, r) ? 1 : 0));
  db.function("promptrail_version_hash", { deterministic: true }, (type, body, config, v, t, r) =>
    type === "text" && noContract(v, t, r) ? hashOf(body, config) : null,
  );
  const insertPrompt = db.prepare(
    "INSERT INTO prompts (name, description, created_at, updated_at) VALUES (?, ?, ?, ?) RETURNING id",
  );
  const insertVersion = db.prepare(
    `INSERT INTO versions (prompt_id, major, minor, stage, is_current, body, config, revision, content_hash, created_from, created_at, updated_at)
     VALUES (?, ?, ?, 'DEV', ?, ?, ?, 1, ?, ?, ?, ?) RETURNING id`,
  );
  const insertRevision = db.prepare(
    "INSERT INTO revisions (version_id, revision, body, config, content_hash, saved_at, actor) VALUES (?, 1, ?, ?, ?, ?, 'local')",
  );
  const insertEvent = db.prepare(
    "INSERT INTO events (prompt_id, at, actor, type, version, detail) VALUES (?, ?, 'local', ?, ?, ?)",
  );
  // The current version of a stage is a pointer on the prompt; triggers keep versions.is_current
  // in step with it (migrations/202612010100_hardening.ts), as src/store/versions.store.ts writes.
  const point = Object.fromEntries(
    ["DEV", "TST", "PROD"].map((stage) => [
      stage,
      db.prepare(`UPDATE prompts SET current_${stage.toLowerCase()} = ? WHERE id = ?`),
    ]),
  );
  const isCurrent = db.prepare("SELECT is_current FROM versions WHERE id = ?").pluck();
  const moveTo = db.prepare("UPDATE versions SET stage = ? WHERE id = ?");

  function prompt(name, count, bodyOf, config = "{}") {
    const id = insertPrompt.get(name, `Seeded for the benchmark: ${count} versions`, AT, AT).id;
    insertEvent.run(id, AT, "prompt.created", "1.0", "{}");
    const ids = [];
    for (let k = 0; k < count; k++) {
      const body = bodyOf(k);
      const hash = hashOf(body, config);
      const number = `1.${k}`;
      const vid = insertVersion.get(id, 1, k, k === 0 ? 1 : 0, body, config, hash, k ? `1.${k - 1}` : null, AT, AT).id;
      insertRevision.run(vid, body, config, hash, AT);
      insertEvent.run(
        id,
        AT,
        "version.created",
        number,
        JSON.stringify({ stage: "DEV", from: k ? `1.${k - 1}` : null }),
      );
      ids.push(vid);
    }
    return { id, ids };
  }

  function promote(promptId, versionId, number, to) {
    // R7: a version current in the stage it leaves leaves that stage with none.
    if (isCurrent.get(versionId)) point[to === "TST" ? "DEV" : "TST"].run(null, promptId);
    moveTo.run(to, versionId);
    point[to].run(versionId, promptId);
    insertEvent.run(promptId, AT, "version.promoted", number, JSON.stringify({ from: "DEV", to, replaced: null }));
  }

  function ladder(name, count, bytes) {
    const { id, ids } = prompt(name, count, bodies(bytes));
    const prod = count - 6;
    promote(id, ids[prod], `1.${prod}`, "TST");
    promote(id, ids[prod], `1.${prod}`, "PROD");
    promote(id, ids[prod + 1], `1.${prod + 1}`, "TST");
    point.DEV.run(ids[count - 1], id);
    const detail = JSON.stringify({ stage: "DEV", replaced: null });
    insertEvent.run(id, AT, "version.made_current", `1.${count - 1}`, detail);
  }

  const started = performance.now();
  db.transaction(() => {
    for (let i = 0; i < 10_000; i++) {
      const name = `p${String(i).padStart(5, "0")}`;
      const { id, ids } = prompt(
        name,
        1,
        () => `You are assistant ${i}. ${"Answer {{question}} briefly. ".repeat(16)}`,
      );
      if (i % 3 === 0) {
        promote(id, ids[0], "1.0", "TST");
        promote(id, ids[0], "1.0", "PROD");
      }
    }
    const read = prompt(
      "read",
      1,
      () =>
        `You are a support agent for {{company}}. ${"Answer the ticket politely and cite the order number. ".repeat(9)}`,
      '{"model":"gpt-4o-mini","temperature":0.2}',
    );
    promote(read.id, read.ids[0], "1.0", "TST");
    promote(read.id, read.ids[0], "1.0", "PROD");
    ladder("long", 600, 4 * 1024);
    ladder("huge", 2000, 100 * 1024);
  })();
  // The seed went to the WAL; checkpoint it now, or the server's first commit copies 400 MB.
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.close();
  return { seconds: (performance.now() - started) / 1000 };
}

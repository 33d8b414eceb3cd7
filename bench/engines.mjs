// `npm run bench:engines` (and the second half of `npm run bench`): the runtime read on
// PostgreSQL against SQLite, one and two instances (docs/postgresql.md), measured from outside.
//
// 1. A SQLite file and a fresh PostgreSQL database (promptrail_bench_<random>, dropped at the
//    end) are migrated by the built app's `migrate` and seeded through the HTTP API alike: the
//    runtime-read prompt "read" (the same body and config as bench/seed.mjs's, current in PROD).
// 2. The built server serves them: one instance on the SQLite file; instances A and B, two
//    processes, on the one PostgreSQL database.
// 3. The three answer the same body and config (checked).
// 4. The runtime read (JSON) is loaded with wrk (or bench/load.mjs when wrk is missing),
//    CONNECTIONS connections, in ROUNDS alternating rounds (SQLite, PostgreSQL on A, on A and B,
//    SQLite, …), each figure the median of its rounds: SQLite; PostgreSQL on A; PostgreSQL on A
//    and B at once, two load processes of CONNECTIONS/2 each (req/s summed, latencies the worse
//    of two). The servers log as shipped: JSON lines to a pipe.
// 5. Freshness: a promotion to PROD on A, then at once the runtime read on B, RUNS times,
//    alternating A and B; how many reads saw the new version, and the write→read time.
// 6. Writes: WRITERS clients save for SECONDS, two per version with the revision they last saw
//    (R6, so one of two racing saves is refused 409 and retried on the version as it now is),
//    split across A and B; then by SQL: every accepted save is the stored revision it claimed
//    (no lost update), revisions contiguous, one current version per stage. Before that, RUNS
//    rounds of one version promoted to TST on A and on B at once (exactly one may win).
// 7. Step 4 again in secured mode (docs/accounts.md): a first admin is added and the read carries a
//    read-only API token, as applications in production read.
//
// Loopback only, bounded in time. Settings: BENCH_SECONDS (5 per load), BENCH_ROUNDS (3),
// BENCH_CONNECTIONS (50), BENCH_RUNS (20), BENCH_WRITERS (8), BENCH_PG_ADMIN_URL (the server's
// admin database, default postgres://postgres@127.0.0.1:5432/postgres).
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import {
  children,
  cpuSeconds,
  fmt,
  get,
  hasWrk,
  machine,
  markdown,
  measure,
  median,
  medianOf,
  post,
  quantile,
  root,
  SERVER_FLAGS,
  start,
} from "./support.mjs";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const WRITERS = Math.max(2, Number(process.env.BENCH_WRITERS ?? 8));
const ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const bundle = join(root, "dist", "promptrail.mjs");

const READ_BODY = `You are a support agent for {{company}}. ${"Answer the ticket politely and cite the order number. ".repeat(9)}`;
const READ_CONFIG = { model: "gpt-4o-mini", temperature: 0.2 };
const JSON_ACCEPT = { Accept: "application/json" };
/** R4 by SQL: (prompt, stage) pairs with more than one current version; must be 0. */
const ONE_CURRENT_PER_STAGE =
  "SELECT count(*) AS n FROM (SELECT prompt_id, stage FROM versions WHERE is_current = 1 GROUP BY prompt_id, stage HAVING count(*) > 1) AS twice";

const dir = mkdtempSync(join(os.tmpdir(), "promptrail-bench-engines-"));
const file = join(dir, "bench.db");
const dbName = `promptrail_bench_${randomBytes(6).toString("hex")}`;
const adminUrl = new URL(ADMIN_URL);
const databaseUrl = Object.assign(new URL(ADMIN_URL), { pathname: `/${dbName}` }).toString();
const rows = [];
const row = (what, measured) => rows.push([what, measured]);
let created = false;

try {
  await onAdmin((admin) => admin.query(`CREATE DATABASE "${dbName}"`)).catch((error) => {
    throw new Error(`PostgreSQL at ${adminUrl.host} is needed (set BENCH_PG_ADMIN_URL): ${error.message}`);
  });
  created = true;
  const { PROMPTRAIL_LOG: _shipped, ...inherited } = process.env;
  const base = { ...inherited, HOST: "127.0.0.1", PORT: "0" };
  const sqliteEnv = { ...base, PROMPTRAIL_DB: file };
  const pgEnv = { ...base, PROMPTRAIL_DB: join(dir, "unused.db"), PROMPTRAIL_DATABASE_URL: databaseUrl };
  execFileSync(process.execPath, [bundle, "migrate"], { env: sqliteEnv, stdio: "ignore" });
  execFileSync(process.execPath, [bundle, "migrate"], { env: pgEnv, stdio: "ignore" });

  const listening = /listening on https?:\/\/\S+:(\d+)/;
  const sqlite = await start(process.execPath, [...SERVER_FLAGS, bundle], sqliteEnv, listening);
  const [a, b] = await Promise.all([
    start(process.execPath, [...SERVER_FLAGS, bundle], pgEnv, listening),
    start(process.execPath, [...SERVER_FLAGS, bundle], pgEnv, listening),
  ]);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 2 * WRITERS });
  await seedRead(agent, sqlite);
  await seedRead(agent, a);
  const sameBytes = await sameAnswer(agent, [sqlite, a, b]);

  await runtimeReads(sameBytes, { sqlite, a, b });
  await freshness(agent, "SQLite, one instance (write and read on it)", [sqlite, sqlite]);
  await freshness(agent, "PostgreSQL, write on A → read on B (and back)", [a, b]);
  const pgCheck = new pg.Client({ connectionString: databaseUrl });
  await pgCheck.connect();
  try {
    const sqliteCheck = new Database(file, { readonly: true });
    const checks = {
      sqlite: async (text, params = []) => sqliteCheck.prepare(text).all(...params),
      postgres: async (text, params = []) => {
        let n = 0;
        return (
          await pgCheck.query(
            text.replace(/\?/g, () => `$${++n}`),
            params,
          )
        ).rows;
      },
    };
    await promotionRace(agent, "SQLite, one instance", "s", [sqlite, sqlite], checks.sqlite);
    await promotionRace(agent, "PostgreSQL, A and B", "p", [a, b], checks.postgres);
    await writes(agent, "SQLite, one instance", "s", [sqlite], checks.sqlite);
    await writes(agent, "PostgreSQL, one instance (A)", "p1", [a], checks.postgres);
    await writes(agent, "PostgreSQL, two instances (A + B)", "p2", [a, b], checks.postgres);
    sqliteCheck.close();
  } finally {
    await pgCheck.end();
  }
  // Secured mode (docs/accounts.md), as applications in production read: a first admin, a read-only API token.
  sqlite.token = addToken(sqliteEnv);
  a.token = b.token = addToken(pgEnv);
  await runtimeReads(`${await sameAnswer(agent, [sqlite, a, b])}, with a read-only API token`, { sqlite, a, b });
  agent.destroy();

  const server = await onAdmin(async (admin) => (await admin.query("SHOW server_version")).rows[0].server_version);
  console.log(
    `\nPromptrail bench, engines — ${machine()}, PostgreSQL ${server} on ${adminUrl.host}; ` +
      `${hasWrk ? "wrk -t1" : "bench/load.mjs"} -c${CONNECTIONS}, ${SECONDS} s per load, median of ${ROUNDS} alternating rounds; ` +
      `the load generator, the servers and PostgreSQL share these cores\n`,
  );
  console.log(markdown(["What", "Measured"], rows));
} finally {
  // A child already gone has an exit code or, when a signal ended it, a signal code.
  const gone = (child) => child.exitCode !== null || child.signalCode !== null;
  const exits = children.map(
    (child) => new Promise((resolve) => (gone(child) ? resolve() : child.once("exit", resolve))),
  );
  for (const child of children) if (!gone(child)) child.kill("SIGTERM");
  await Promise.all(exits);
  rmSync(dir, { recursive: true, force: true });
  if (created) await onAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`));
}

/** The runtime-read prompt "read", as bench/seed.mjs makes it, current in PROD, through the API. */
async function seedRead(agent, target) {
  const url = `http://127.0.0.1:${target.port}/prompts`;
  await expect(post(agent, url, { name: "read", body: READ_BODY, config: READ_CONFIG }), 201);
  for (const to of ["TST", "PROD"]) await expect(post(agent, `${url}/read/versions/1.0/promote`, { to }), 200);
}

/** Every target answers the runtime read with the same body and config; answers the JSON's size. */
async function sameAnswer(agent, targets) {
  const answers = await Promise.all(
    targets.map((t) => expect(get(agent, `${baseOf(t)}/prompts/read/stages/PROD`, readHeaders(t)), 200)),
  );
  const parsed = answers.map((a) => JSON.parse(a.body.toString()));
  for (const p of parsed) {
    if (p.body !== READ_BODY || JSON.stringify(p.config) !== JSON.stringify(READ_CONFIG) || p.version !== "1.0")
      throw new Error(`the runtime read differs between engines: ${JSON.stringify(p)}`);
  }
  const sizes = new Set(answers.map((a) => a.body.length));
  return `JSON, ${[...sizes].join("/")} B`;
}

async function runtimeReads(what, { sqlite, a, b }) {
  const path = "/prompts/read/stages/PROD";
  const setups = [
    ["SQLite, one instance", [sqlite]],
    ["PostgreSQL, one instance", [a]],
    ["PostgreSQL, two instances (load split across A and B)", [a, b]],
  ];
  const rounds = new Map(setups.map(([label]) => [label, []]));
  for (let round = 0; round < ROUNDS; round++)
    for (const [label, targets] of setups) rounds.get(label).push(await load(targets, path, 200));
  const medians = new Map([...rounds].map(([label, results]) => [label, medianOf(results)]));
  const baseline = medians.get(setups[0][0]).rps;
  for (const [label] of setups) {
    const r = medians.get(label);
    row(
      `Runtime read (${what}), ${label}`,
      `${fmt(r.rps)} req/s${label.startsWith("SQLite") ? "" : ` = **${(r.rps / baseline).toFixed(2)}× SQLite**`}; ` +
        `p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms; server CPU ${r.serverMicros.toFixed(1)} µs/req` +
        (label.startsWith("SQLite") ? "" : ` + PostgreSQL backends ${r.pgMicros.toFixed(1)} µs/req`) +
        (r.errors ? `; **${r.errors} errors**` : ""),
    );
  }
}

/**
 * A promotion to PROD on one instance, then at once the runtime read on the other, RUNS times,
 * alternating which instance writes. The version to promote is made and moved to TST first,
 * outside the timing.
 */
async function freshness(agent, label, [a, b]) {
  const prompt = `${baseOf(a)}/prompts/fresh`;
  await expect(post(agent, `${baseOf(a)}/prompts`, { name: "fresh", body: "fresh {{x}}" }), 201);
  let seen = 0;
  const writeMs = [];
  const readMs = [];
  const totalMs = [];
  for (let i = 0; i < RUNS; i++) {
    const [writer, reader] = i % 2 ? [b, a] : [a, b];
    const made = await expect(post(agent, `${prompt}/versions/1.0/new`, {}), 201);
    const { version } = JSON.parse(made.body.toString());
    await expect(post(agent, `${baseOf(writer)}/prompts/fresh/versions/${version}/promote`, { to: "TST" }), 200);
    const t0 = performance.now();
    await expect(post(agent, `${baseOf(writer)}/prompts/fresh/versions/${version}/promote`, { to: "PROD" }), 200);
    const t1 = performance.now();
    const read = await get(agent, `${baseOf(reader)}/prompts/fresh/stages/PROD`, JSON_ACCEPT);
    const t2 = performance.now();
    if (read.status === 200 && JSON.parse(read.body.toString()).version === version) seen += 1;
    writeMs.push(t1 - t0);
    readMs.push(t2 - t1);
    totalMs.push(t2 - t0);
  }
  row(
    `Freshness, ${label}: promote to PROD, then read PROD at once`,
    `**${seen} of ${RUNS}** reads saw the new version; write→read median ${median(totalMs).toFixed(1)} ms ` +
      `(promotion ${median(writeMs).toFixed(1)} ms + read ${median(readMs).toFixed(2)} ms)`,
  );
}

/** RUNS rounds: a new DEV version promoted to TST on A and on B at the same moment; one may win. */
async function promotionRace(agent, label, tag, [a, b], query) {
  const name = `race-${tag}`;
  await expect(post(agent, `${baseOf(a)}/prompts`, { name, body: "race {{x}}" }), 201);
  let clean = 0;
  const statuses = new Map();
  for (let i = 0; i < RUNS; i++) {
    const made = await expect(post(agent, `${baseOf(a)}/prompts/${name}/versions/1.0/new`, {}), 201);
    const { version } = JSON.parse(made.body.toString());
    const answers = await Promise.all(
      [a, b].map((t) => post(agent, `${baseOf(t)}/prompts/${name}/versions/${version}/promote`, { to: "TST" })),
    );
    const codes = answers.map((r) => (r.status === 200 ? "200" : `${r.status} ${codeOf(r)}`));
    for (const c of codes) statuses.set(c, (statuses.get(c) ?? 0) + 1);
    if (codes.filter((c) => c === "200").length === 1) clean += 1;
  }
  const [{ n: twoCurrent }] = await query(ONE_CURRENT_PER_STAGE);
  const [{ n: tstCurrent }] = await query(
    "SELECT count(*) AS n FROM versions v JOIN prompts p ON p.id = v.prompt_id WHERE p.name = ? AND v.stage = 'TST' AND v.is_current = 1",
    [name],
  );
  row(
    `Race, ${label}: one DEV version promoted to TST by two requests at once, ${RUNS} rounds`,
    `**${clean} of ${RUNS}** rounds exactly one promotion won (answers: ${[...statuses]
      .map(([c, n]) => `${n}× ${c}`)
      .join(", ")}); by SQL: ${Number(twoCurrent)} stages with two current versions, ` +
      `${Number(tstCurrent)} current TST version`,
  );
}

/**
 * WRITERS clients save for SECONDS, two on each version, each with the revision it last saw
 * (a refused 409 stale_revision re-reads the version and saves again), spread across `targets`
 * so that the two on a version use different instances when there are two. Then, by SQL, every
 * accepted save must be the stored revision its answer named.
 */
async function writes(agent, label, tag, targets, query) {
  const versions = WRITERS / 2;
  const names = Array.from({ length: Math.ceil(versions) }, (_, k) => `${tag}-w${k}`);
  for (const name of names) await expect(post(agent, `${baseOf(targets[0])}/prompts`, { name, body: "w {{x}}" }), 201);
  const accepted = [];
  const latencies = [];
  const refused = new Map();
  const deadline = performance.now() + SECONDS * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: WRITERS }, async (_, i) => {
      const name = names[i % names.length];
      const url = `${baseOf(targets[Math.floor(i / names.length) % targets.length])}/prompts/${name}/versions/1.0`;
      let revision = 1;
      for (let n = 0; performance.now() < deadline; n++) {
        const body = `${tag} writer ${i} save ${n} {{x}}`;
        const t = performance.now();
        const res = await post(agent, `${url}/save`, { body, revision });
        if (res.status === 200) {
          latencies.push(performance.now() - t);
          revision = JSON.parse(res.body.toString()).revision;
          accepted.push({ name, revision, body });
          continue;
        }
        const code = `${res.status} ${codeOf(res)}`;
        refused.set(code, (refused.get(code) ?? 0) + 1);
        const now = await expect(get(agent, url, JSON_ACCEPT), 200);
        revision = JSON.parse(now.body.toString()).revision;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;

  const like = `${tag}-w%`;
  const stored = new Map();
  for (const r of await query(
    "SELECT p.name, r.revision, r.body FROM revisions r JOIN versions v ON v.id = r.version_id JOIN prompts p ON p.id = v.prompt_id WHERE p.name LIKE ?",
    [like],
  ))
    stored.set(`${r.name} ${Number(r.revision)}`, r.body);
  const claimed = new Set();
  let lost = 0;
  for (const save of accepted) {
    const key = `${save.name} ${save.revision}`;
    if (claimed.has(key) || stored.get(key) !== save.body) lost += 1;
    claimed.add(key);
  }
  const gaps = await query(
    `SELECT p.name FROM versions v JOIN prompts p ON p.id = v.prompt_id
      WHERE p.name LIKE ? AND v.revision <> (SELECT count(*) FROM revisions r WHERE r.version_id = v.id)`,
    [like],
  );
  const [{ n: twoCurrent }] = await query(ONE_CURRENT_PER_STAGE);
  const refusals = [...refused].map(([c, n]) => `${n}× ${c}`).join(", ") || "none";
  row(
    `Saves, ${label}: ${WRITERS} writers, two per version (revision-checked), ${SECONDS} s`,
    `${fmt(accepted.length / seconds)} saves/s accepted, p50 ${median(latencies).toFixed(1)} ms, ` +
      `p99 ${quantile(latencies, 0.99).toFixed(1)} ms; refused and retried: ${refusals}; by SQL: ` +
      `**${lost} lost updates** of ${fmt(accepted.length)}, ${gaps.length} versions with missing revisions, ` +
      `${Number(twoCurrent)} stages with two current versions`,
  );
}

/**
 * Loads `path` on every target at once for SECONDS, CONNECTIONS split evenly between them (one
 * load process each); req/s summed, latencies the worse of the targets'. CPU per request of the
 * server processes and of the PostgreSQL backends serving this database.
 */
async function load(targets, path, expected) {
  const each = Math.max(1, Math.floor(CONNECTIONS / targets.length));
  const urls = targets.map((t) => `${baseOf(t)}${path}`);
  const headers = targets.map(readHeaders);
  await Promise.all(urls.map((url, i) => measure(url, headers[i], expected, 1, each))); // warm-up: JIT, pools
  const serversBefore = targets.map((t) => cpuSeconds(t.pid));
  const pgBefore = backendCpu();
  const results = await Promise.all(urls.map((url, i) => measure(url, headers[i], expected, SECONDS, each)));
  const serverCpu = targets.reduce((sum, t, i) => sum + cpuSeconds(t.pid) - serversBefore[i], 0);
  const pgAfter = backendCpu();
  const pgCpu = [...pgAfter].reduce((sum, [pid, s]) => sum + s - (pgBefore.get(pid) ?? 0), 0);
  const requests = results.reduce((sum, r) => sum + r.requests, 0);
  return {
    rps: results.reduce((sum, r) => sum + r.rps, 0),
    p50: Math.max(...results.map((r) => r.p50)),
    p99: Math.max(...results.map((r) => r.p99)),
    errors: results.reduce((sum, r) => sum + r.errors, 0),
    serverMicros: requests ? (serverCpu * 1e6) / requests : 0,
    pgMicros: pgAfter.size && requests ? (pgCpu * 1e6) / requests : Number.NaN,
  };
}

/** The runtime read's headers for a target: JSON, and its API token once the registry has users. */
function readHeaders(target) {
  return target.token ? { ...JSON_ACCEPT, Authorization: `Bearer ${target.token}` } : JSON_ACCEPT;
}

function baseOf(target) {
  return `http://127.0.0.1:${target.port}`;
}

/** Adds the first user (an admin: the registry is secured from then on) and answers a read-only token of theirs. */
function addToken(env) {
  const cli = (args, input) =>
    execFileSync(process.execPath, [bundle, ...args], { env, input, stdio: "pipe" })
      .toString()
      .trim();
  cli(["user", "add", "bench", "--role", "admin"], "bench-password-123\n");
  return cli(["token", "create", "bench", "--label", "bench", "--read-only"]);
}

/** Runs `work` with a client of the server's admin database (CREATE/DROP DATABASE run outside transactions). */
async function onAdmin(work) {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

/** The answer, when its status is `status`; otherwise the run stops with what the server said. */
async function expect(pending, status) {
  const res = await pending;
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${res.body}`);
  return res;
}

function codeOf(res) {
  try {
    return JSON.parse(res.body.toString()).error?.code ?? "";
  } catch {
    return "";
  }
}

/**
 * CPU seconds so far of each PostgreSQL backend serving this bench's database, by pid: the
 * server names its backends "postgres: USER DATABASE HOST(PORT) STATE" (Linux, local server).
 */
function backendCpu() {
  const cpu = new Map();
  let pids = [];
  try {
    pids = readdirSync("/proc").filter((entry) => /^\d+$/.test(entry));
  } catch {
    return cpu;
  }
  for (const pid of pids) {
    try {
      const title = readFileSync(`/proc/${pid}/cmdline`, "utf8");
      if (title.startsWith("postgres: ") && title.includes(` ${dbName} `)) cpu.set(pid, cpuSeconds(pid));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return cpu;
}

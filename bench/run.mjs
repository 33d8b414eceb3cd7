// `npm run bench`: one table of Promptrail's speed at size, measured from outside.
//
// 1. A database is migrated (the built app's `migrate`) and seeded by SQL (bench/seed.mjs):
//    10,000 prompts, one prompt with 600 versions of 4 KB, one with 2,000 of 100 KB.
// 2. Statements per action are counted in process (bench/statements.ts, through tsx).
// 3. The built server (dist/promptrail.mjs) serves the seeded file as shipped: the request log
//    on, JSON to a pipe (this script reads and drops it). A second one runs with PROMPTRAIL_LOG=off.
//    The runtime read is loaded with wrk (one thread, CONNECTIONS connections) against both, a
//    bare Hono app and a bare node:http server that answer the very bytes and headers it sent
//    (bench/bare.mjs), in alternating rounds (ours, ours without log, Hono, node, ours, …),
//    ROUNDS of them; each figure is the median of its rounds. Then the runtime read while 4
//    clients load the 2,000-version prompt; pages and writes one at a time; freshness; peak memory.
//    Without wrk it says how to install it and uses bench/load.mjs, a Node load generator that
//    takes a core of its own and so sets the pace: its figures make every server look alike.
//
// Loopback only, bounded in time. Settings: BENCH_SECONDS (5 per load), BENCH_ROUNDS (3),
// BENCH_CONNECTIONS (50), BENCH_RUNS (20 requests per page or write).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import { join } from "node:path";
import { seed } from "./seed.mjs";
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
const bundle = join(root, "dist", "promptrail.mjs");

const dir = mkdtempSync(join(os.tmpdir(), "promptrail-bench-"));
const loadAtStart = os
  .loadavg()
  .map((l) => l.toFixed(2))
  .join(" ");
const file = join(dir, "bench.db");
const rows = [];
const row = (what, measured, target = "") => rows.push([what, measured, target]);

try {
  if (!hasWrk) console.error("wrk is not installed (apt-get install -y wrk): loading with bench/load.mjs instead");
  const { PROMPTRAIL_LOG: _shipped, ...inherited } = process.env;
  const env = { ...inherited, PROMPTRAIL_DB: file, HOST: "127.0.0.1", PORT: "0" };
  execFileSync(process.execPath, [bundle, "migrate"], { env, stdio: "ignore" });
  const seeded = seed(file);
  const statements = JSON.parse(
    execFileSync(process.execPath, ["--import", "tsx", join(root, "bench", "statements.ts")], { cwd: root }).toString(),
  );

  const listening = /listening on https?:\/\/\S+:(\d+)/;
  const server = await start(process.execPath, [...SERVER_FLAGS, bundle], env, listening);
  const quiet = await start(process.execPath, [...SERVER_FLAGS, bundle], { ...env, PROMPTRAIL_LOG: "off" }, listening);
  const base = `http://127.0.0.1:${server.port}`;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

  await runtimeRead(base, { server, quiet }, agent);
  stop(quiet);
  await underPageLoad(base, server);
  await freshness(base, agent);
  await pages(base, agent);
  await writes(base, agent);
  row("Statements, one htmx promote (BEGIN, COMMIT included)", String(statements["promote DEV→TST (htmx)"]), "≤ 13");
  row(
    "Statements per action",
    Object.entries(statements)
      .filter(([label]) => label !== "promote DEV→TST (htmx)")
      .map(([label, n]) => `${label} ${n}`)
      .join(" · "),
  );
  row(
    "Peak RSS of the server, whole run",
    `${memory(server.pid, "VmHWM")} MiB`,
    "< 150 MB (< 250 MB with the 2,000 × 100 KB prompt)",
  );
  agent.destroy();

  console.log(
    `Promptrail bench — ${machine()} (at the end; at the start ${loadAtStart}); ` +
      `${hasWrk ? "wrk -t1" : "bench/load.mjs"} -c${CONNECTIONS}, ${SECONDS} s per load, median of ${ROUNDS} ` +
      `alternating rounds; seeded by SQL in ${seeded.seconds.toFixed(1)} s\n`,
  );
  console.log(markdown(["What", "Measured", "Target"], rows));
} finally {
  // A child already gone has an exit code or, when a signal ended it, a signal code.
  const gone = (child) => child.exitCode !== null || child.signalCode !== null;
  const exits = children.map(
    (child) => new Promise((resolve) => (gone(child) ? resolve() : child.once("exit", resolve))),
  );
  for (const child of children) if (!gone(child)) child.kill("SIGTERM");
  await Promise.all(exits);
  rmSync(dir, { recursive: true, force: true });
}

/**
 * The runtime read, JSON / text / 304, against Promptrail as shipped (request log on, JSON to a
 * pipe), Promptrail with the log off, a bare Hono app and bare node:http, in alternating rounds.
 */
async function runtimeRead(base, { server, quiet }, agent) {
  const path = "/prompts/read/stages/PROD";
  const json = await get(agent, `${base}${path}`, { Accept: "application/json" });
  const scenarios = [
    [`JSON (${json.body.length} B)`, { Accept: "application/json" }],
    ["text/plain", { Accept: "text/plain" }],
    ["If-None-Match → 304", { Accept: "application/json", "If-None-Match": json.headers.etag }],
  ];
  for (const [label, headers] of scenarios) {
    const answer = await get(agent, `${base}${path}`, headers);
    const response = join(dir, `answer-${rows.length}.json`);
    writeFileSync(
      response,
      JSON.stringify({
        status: answer.status,
        headers: sendable(answer.headers),
        body: answer.body.toString("base64"),
      }),
    );
    const bare = (kind) =>
      start(process.execPath, [join(root, "bench", "bare.mjs"), kind, response], process.env, /listening (\d+)/);
    const targets = { ours: server, quiet, hono: await bare("hono"), node: await bare("node") };
    const rounds = Object.fromEntries(Object.keys(targets).map((name) => [name, []]));
    for (let round = 0; round < ROUNDS; round++)
      for (const [name, target] of Object.entries(targets))
        rounds[name].push(await load(target, `http://127.0.0.1:${target.port}${path}`, headers, answer.status));
    stop(targets.hono);
    stop(targets.node);
    const m = Object.fromEntries(Object.entries(rounds).map(([name, results]) => [name, medianOf(results)]));
    const versus = (r) =>
      `${fmt(r.rps)} req/s = **${(r.rps / m.hono.rps).toFixed(2)}× bare Hono**, ${(r.rps / m.node.rps).toFixed(2)}× node:http; ` +
      `p99 ${r.p99.toFixed(2)} ms; server CPU ${r.cpuMicros.toFixed(1)} µs/req` +
      (r.errors ? `; ${r.errors} errors` : "");
    row(
      `Runtime read, ${label}, request log on (JSON to a pipe, as shipped)`,
      `${versus(m.ours)}. Same run: bare Hono ${fmt(m.hono.rps)} req/s (p99 ${m.hono.p99.toFixed(2)} ms, ` +
        `${m.hono.cpuMicros.toFixed(1)} µs/req), node:http ${fmt(m.node.rps)} req/s (p99 ${m.node.p99.toFixed(2)} ms, ` +
        `${m.node.cpuMicros.toFixed(1)} µs/req)`,
      "≥ 0.9× bare Hono, p99 ≤ 4 ms",
    );
    row(`Runtime read, ${label}, request log off`, versus(m.quiet));
  }
}

/** The runtime read while 4 clients keep loading the 2,000-version prompt's page. */
async function underPageLoad(base, server) {
  let stopping = false;
  let loaded = 0;
  const pageAgent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  const clients = Array.from({ length: 4 }, async () => {
    while (!stopping) {
      await get(pageAgent, `${base}/prompts/huge`, { Accept: "text/html" });
      loaded += 1;
    }
  });
  const result = await load(server, `${base}/prompts/read/stages/PROD`, { Accept: "application/json" }, 200);
  stopping = true;
  await Promise.all(clients);
  pageAgent.destroy();
  row(
    "Runtime read (JSON) while 4 clients load the 2,000 × 100 KB prompt's page",
    `${fmt(result.rps)} req/s, p99 ${result.p99.toFixed(2)} ms; ${fmt(loaded / SECONDS)} pages/s served meanwhile`,
    "unaffected: p99 < 2 ms",
  );
}

/** A write is visible to the very next read: save, then read at once, RUNS times. */
async function freshness(base, agent) {
  let seen = 0;
  for (let i = 0; i < RUNS; i++) {
    const body = `fresh ${i} {{x}}`;
    await post(agent, `${base}/prompts/p00001/versions/1.0/save`, { body });
    const read = await get(agent, `${base}/prompts/p00001/stages/dev`, { Accept: "text/plain" });
    if (read.body.toString() === body) seen += 1;
  }
  row("A save is visible to the very next runtime read", `${seen} of ${RUNS}`, "always");
}

async function pages(base, agent) {
  const html = { Accept: "text/html" };
  const list = [
    ["Prompt list, 10,000 prompts (first page of 50)", "/prompts", "median < 20 ms"],
    ["Prompt page, 600 × 4 KB", "/prompts/long", "median < 20 ms, paginated, size bounded"],
    ["Version page, 600 × 4 KB (newest, preview diff vs PROD)", "/prompts/long/versions/1.599", "median < 20 ms"],
    ["Prompt page, 2,000 × 100 KB", "/prompts/huge", "median < 50 ms"],
    ["Prompt page JSON, 2,000 × 100 KB", "/prompts/huge", "median < 50 ms", { Accept: "application/json" }],
    ["Version page, 2,000 × 100 KB (newest, preview diff vs PROD)", "/prompts/huge/versions/1.1999", "median < 50 ms"],
    ["Compare, 2,000 × 100 KB (newest vs PROD)", "/prompts/huge/compare", "median < 50 ms"],
    ["History, 2,000 × 100 KB (first page)", "/prompts/huge/history", "median < 50 ms"],
  ];
  for (const [label, path, target, headers = html] of list) {
    const times = [];
    let bytes = 0;
    for (let i = 0; i < RUNS + 2; i++) {
      const t = performance.now();
      const res = await get(agent, `${base}${path}`, headers);
      if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
      if (i >= 2) times.push(performance.now() - t); // two warm-ups
      bytes = res.body.length;
    }
    row(
      label,
      `median ${median(times).toFixed(1)} ms, p95 ${quantile(times, 0.95).toFixed(1)} ms, ${(bytes / 1024).toFixed(0)} KiB`,
      target,
    );
  }
}

async function writes(base, agent) {
  const htmx = { "HX-Request": "true", "Content-Type": "application/x-www-form-urlencoded" };
  const timed = async (label, make) => {
    const times = [];
    for (let i = 0; i < RUNS; i++) {
      const request = await make(i);
      const t = performance.now();
      const res = await request();
      times.push(performance.now() - t);
      if (res.status >= 300) throw new Error(`${label} answered ${res.status}: ${res.body}`);
    }
    return `${label} ${median(times).toFixed(1)}`;
  };
  const results = [
    await timed("create (JSON)", (i) => () => post(agent, `${base}/prompts`, { name: `w${i}`, body: "Hi {{name}}" })),
    await timed(
      "save (JSON)",
      (i) => () => post(agent, `${base}/prompts/w0/versions/1.0/save`, { body: `edit ${i} {{name}}` }),
    ),
    await timed(
      "save (htmx)",
      (i) => () =>
        get(agent, `${base}/prompts/w0/versions/1.0/save`, htmx, "POST", `body=htmx+edit+${i}+%7B%7Bname%7D%7D`),
    ),
    await timed("new version (JSON)", () => () => post(agent, `${base}/prompts/w1/versions/1.0/new`, {})),
    await timed(
      "promote DEV→TST (htmx)",
      (i) => () => get(agent, `${base}/prompts/w1/versions/1.${i + 1}/promote`, htmx, "POST", "to=TST"),
    ),
    await timed("promote on the 600-version prompt (htmx)", async () => {
      const created = await post(agent, `${base}/prompts/long/versions/1.0/new`, {});
      const { version } = JSON.parse(created.body.toString());
      return () => get(agent, `${base}/prompts/long/versions/${version}/promote`, htmx, "POST", "to=TST");
    }),
  ];
  row("Writes, median ms (one at a time)", results.join(" · "), "save and promote < 3 ms");
}

/** Loads `url` for SECONDS; answers req/s, p99 ms and the server's CPU µs per request. */
async function load(target, url, headers, expected) {
  await measure(url, headers, expected, 1, CONNECTIONS); // warm-up: JIT, caches
  const before = target.pid ? cpuSeconds(target.pid) : 0;
  const result = await measure(url, headers, expected, SECONDS, CONNECTIONS);
  const cpu = target.pid ? cpuSeconds(target.pid) - before : 0;
  return { ...result, cpuMicros: result.requests ? (cpu * 1e6) / result.requests : 0 };
}

function stop(target) {
  target.child.kill("SIGTERM");
}

/** Response headers a server can send again as they are (no hop-by-hop ones, no date). */
function sendable(headers) {
  const skip = new Set(["date", "connection", "keep-alive", "transfer-encoding"]);
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !skip.has(name)));
}

/** A figure from /proc/<pid>/status, in MiB (Linux). */
function memory(pid, field) {
  try {
    const kb = Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]);
    return Math.round(kb / 1024);
  } catch {
    return "n/a";
  }
}

// `npm run bench`: one table of what issue 7 asks of Promptrail at size, measured from outside.
//
// 1. A database is migrated (the built app's `migrate`) and seeded by SQL (bench/seed.mjs):
//    10,000 prompts, one prompt with 600 versions of 4 KB, one with 2,000 of 100 KB.
// 2. Statements per action are counted in process (bench/statements.ts, through tsx).
// 3. The built server (dist/promptrail.mjs) serves the seeded file. The runtime read is loaded
//    with wrk (or bench/load.mjs when wrk is missing), CONNECTIONS connections, against it, a
//    bare Hono app and a bare node:http server that answer the very bytes and headers it sent
//    (bench/bare.mjs), best of ROUNDS, in the same run. Then the runtime read while 4 clients
//    load the 2,000-version prompt; pages and writes one at a time; freshness; peak memory.
//
// Loopback only, bounded in time. Settings: BENCH_SECONDS (5 per load), BENCH_ROUNDS (2),
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
  markdown,
  measure,
  median,
  post,
  quantile,
  root,
  start,
} from "./support.mjs";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const bundle = join(root, "dist", "promptrail.mjs");

const dir = mkdtempSync(join(os.tmpdir(), "promptrail-bench-"));
const file = join(dir, "bench.db");
const rows = [];
const row = (what, measured, target = "") => rows.push([what, measured, target]);

try {
  const env = { ...process.env, PROMPTRAIL_DB: file, PROMPTRAIL_LOG: "off", HOST: "127.0.0.1", PORT: "0" };
  execFileSync(process.execPath, [bundle, "migrate"], { env, stdio: "ignore" });
  const seeded = seed(file);
  const statements = JSON.parse(
    execFileSync(process.execPath, ["--import", "tsx", join(root, "bench", "statements.ts")], { cwd: root }).toString(),
  );

  const server = await start(process.execPath, [bundle], env, /listening on https?:\/\/\S+:(\d+)/);
  const base = `http://127.0.0.1:${server.port}`;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

  await runtimeRead(base, server, agent);
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

  const cpu = os.cpus();
  console.log(
    `Promptrail bench — ${new Date().toISOString().slice(0, 10)}, ${cpu[0]?.model ?? "cpu"} × ${cpu.length}, ` +
      `${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}, Node ${process.version}, ` +
      `load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")}; ${hasWrk ? "wrk" : "bench/load.mjs"} -c${CONNECTIONS}, ` +
      `${SECONDS} s per load, best of ${ROUNDS}; seeded by SQL in ${seeded.seconds.toFixed(1)} s\n`,
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

/** The runtime read, JSON / text / 304, against Promptrail, a bare Hono app and bare node:http. */
async function runtimeRead(base, server, agent) {
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
    const hono = await start(
      process.execPath,
      [join(root, "bench", "bare.mjs"), "hono", response],
      process.env,
      /listening (\d+)/,
    );
    const node = await start(
      process.execPath,
      [join(root, "bench", "bare.mjs"), "node", response],
      process.env,
      /listening (\d+)/,
    );
    const best = { ours: null, hono: null, node: null };
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, target] of [
        ["ours", server],
        ["hono", hono],
        ["node", node],
      ]) {
        const result = await load(target, `http://127.0.0.1:${target.port}${path}`, headers, answer.status);
        if (!best[name] || result.rps > best[name].rps) best[name] = result;
      }
    }
    stop(hono);
    stop(node);
    const { ours } = best;
    row(
      `Runtime read, ${label}`,
      `${fmt(ours.rps)} req/s = **${(ours.rps / best.hono.rps).toFixed(2)}× bare Hono** (${fmt(best.hono.rps)}), ` +
        `${(ours.rps / best.node.rps).toFixed(2)}× node:http (${fmt(best.node.rps)}); p99 ${ours.p99.toFixed(2)} ms; ` +
        `server CPU ${ours.cpuMicros.toFixed(1)} µs/req (Hono ${best.hono.cpuMicros.toFixed(1)}, node ${best.node.cpuMicros.toFixed(1)})` +
        (ours.errors ? `; ${ours.errors} errors` : ""),
      "≥ 0.9× bare Hono, p99 < 2 ms",
    );
  }
}

/** The runtime read while 4 clients keep loading the 2,000-version prompt's page (as issue 7 measured it). */
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
    ["Prompt list, 10,000 prompts (first page of 50)", "/prompts", "< 50 ms"],
    ["Prompt page, 600 × 4 KB", "/prompts/long", "< 20 ms, paginated, size bounded"],
    ["Version page, 600 × 4 KB (newest, preview diff vs PROD)", "/prompts/long/versions/1.599", "< 50 ms"],
    ["Prompt page, 2,000 × 100 KB", "/prompts/huge", "< 50 ms"],
    ["Prompt page JSON, 2,000 × 100 KB", "/prompts/huge", "< 50 ms", { Accept: "application/json" }],
    ["Version page, 2,000 × 100 KB (newest, preview diff vs PROD)", "/prompts/huge/versions/1.1999", "< 50 ms"],
    ["Compare, 2,000 × 100 KB (newest vs PROD)", "/prompts/huge/compare", "< 50 ms"],
    ["History, 2,000 × 100 KB (first page)", "/prompts/huge/history", "< 50 ms"],
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
  row("Writes, median ms (one at a time)", results.join(" · "));
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

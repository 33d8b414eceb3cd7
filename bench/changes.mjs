// `npm run bench:changes`: what idle change streams (GET /changes) cost the server.
//
// 1. The built server serves a fresh SQLite file (loopback, PROMPTRAIL_LOG=off); the prompt "read"
//    is current in PROD.
// 2. Baseline: the server's RSS (after a full GC, bench/collect-on-signal.cjs), and the runtime read (JSON) loaded with wrk, best of ROUNDS.
// 3. STREAMS change streams are opened (plain node:http from this process, one socket each) and
//    held idle until each has its opening comment; memory again, and per stream: RSS, and the
//    live heap (V8's heap in use, external memory and array buffers) after a full GC.
// 4. The runtime read loaded again with every stream open; the server's CPU while they idle for
//    IDLE seconds (the keep-alive comments included).
// 5. One promotion: how long until every stream has the event (fan-out), and that each got it once.
//
// Settings: BENCH_STREAMS (1000), BENCH_SECONDS (5 per load), BENCH_ROUNDS (2), BENCH_CONNECTIONS
// (50), BENCH_IDLE (5), BENCH_HEARTBEAT_MS (15000, the server's default). Needs about
// 2 × BENCH_STREAMS open files (ulimit -n).
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { children, cpuSeconds, fmt, hasWrk, markdown, measure, post, root, start } from "./support.mjs";

const STREAMS = Number(process.env.BENCH_STREAMS ?? 1000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const IDLE = Number(process.env.BENCH_IDLE ?? 5);
const HEARTBEAT_MS = Number(process.env.BENCH_HEARTBEAT_MS ?? 15_000);
const JSON_ACCEPT = { Accept: "application/json" };

/** Resident memory of a process, MiB (VmRSS). */
function rssMiB(pid) {
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? Number.NaN);
  return kb / 1024;
}

/** The server's memory after a full garbage collection (bench/collect-on-signal.cjs): RSS and live heap, MiB. */
async function settled(pid, file) {
  rmSync(file, { force: true });
  process.kill(pid, "SIGUSR2");
  while (!existsSync(file)) await sleep(20);
  await sleep(20); // the file is written in one call; let it land
  const usage = JSON.parse(readFileSync(file, "utf8"));
  return { rss: rssMiB(pid), heap: (usage.heapUsed + usage.external + usage.arrayBuffers) / 2 ** 20 };
}

async function bestRead(url) {
  let best = null;
  for (let i = 0; i < ROUNDS; i++) {
    const r = await measure(url, JSON_ACCEPT, 200, SECONDS, CONNECTIONS);
    if (r.errors > 0) throw new Error(`the runtime read failed ${r.errors} times under load`);
    if (!best || r.rps > best.rps) best = r;
  }
  return best;
}

/** One idle stream: resolves when its opening comment arrived; counts the events it gets. */
function openStream(agent, base) {
  return new Promise((resolve, reject) => {
    const stream = { events: 0, buffer: "", req: null, onEvent: () => undefined };
    const req = http.get(`${base}/changes`, { agent, headers: { Accept: "text/event-stream" } }, (res) => {
      if (res.statusCode !== 200) reject(new Error(`GET /changes answered ${res.statusCode}`));
      res.setEncoding("utf8");
      res.on("data", (chunk) => {
        stream.buffer += chunk;
        if (stream.buffer.includes(": changes after")) resolve(stream);
        for (let end = stream.buffer.indexOf("\n\n"); end !== -1; end = stream.buffer.indexOf("\n\n")) {
          if (stream.buffer.slice(0, end).includes("\ndata: ")) {
            stream.events += 1;
            stream.onEvent();
          }
          stream.buffer = stream.buffer.slice(end + 2);
        }
      });
    });
    req.on("error", reject);
    stream.req = req;
  });
}

async function main() {
  if (!hasWrk) console.error("wrk is missing: the read is loaded with bench/load.mjs instead (slower, less exact)");
  const dir = mkdtempSync(join(os.tmpdir(), "promptrail-bench-changes-"));
  const env = {
    PATH: process.env.PATH,
    PROMPTRAIL_LOG: "off",
    PROMPTRAIL_HEARTBEAT_MS: String(HEARTBEAT_MS),
    BENCH_MEMORY_FILE: join(dir, "memory.json"),
  };
  const bundle = join(root, "dist", "promptrail.mjs");
  const server = await start(
    process.execPath,
    [
      "--expose-gc",
      "--require",
      join(root, "bench", "collect-on-signal.cjs"),
      bundle,
      "serve",
      "--port",
      "0",
      "--db",
      join(dir, "bench.db"),
    ],
    env,
    /listening on http:\/\/127\.0\.0\.1:(\d+)/,
  );
  const base = `http://127.0.0.1:${server.port}`;
  const agent = new http.Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });
  try {
    const body = `You are a support agent for {{company}}. ${"Answer the ticket politely. ".repeat(20)}`;
    await post(agent, `${base}/prompts`, { name: "read", body, config: { temperature: 0.2 } });
    await post(agent, `${base}/prompts/read/versions/1.0/promote`, { to: "TST" });
    await post(agent, `${base}/prompts/read/versions/1.0/promote`, { to: "PROD" });
    const readUrl = `${base}/prompts/read/stages/PROD`;

    const before = await settled(server.pid, env.BENCH_MEMORY_FILE);
    const readBefore = await bestRead(readUrl);

    const streamAgent = new http.Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY });
    const opening = performance.now();
    const streams = [];
    for (let i = 0; i < STREAMS; i += 100)
      streams.push(
        ...(await Promise.all(Array.from({ length: Math.min(100, STREAMS - i) }, () => openStream(streamAgent, base)))),
      );
    const openMs = performance.now() - opening;
    const open = await settled(server.pid, env.BENCH_MEMORY_FILE);

    const cpuIdle0 = cpuSeconds(server.pid);
    await sleep(IDLE * 1000);
    const idleCpuMs = ((cpuSeconds(server.pid) - cpuIdle0) * 1000) / IDLE;
    const readWith = await bestRead(readUrl);

    const delivered = new Promise((resolve) => {
      let left = streams.length;
      for (const s of streams)
        s.onEvent = () => {
          left -= 1;
          if (left === 0) resolve(performance.now());
        };
    });
    await post(agent, `${base}/prompts/read/versions/1.0/new`, {});
    const changed = performance.now();
    const fanOutMs = (await delivered) - changed;
    await sleep(200);
    const counts = new Set(streams.map((s) => s.events));
    if (counts.size !== 1 || !counts.has(1))
      throw new Error(`streams got ${[...counts].join(", ")} events, not 1 each`);
    for (const s of streams) s.req.destroy();

    const perStream = (mib) => `${((mib * 1024) / STREAMS).toFixed(1)} KiB per stream`;
    console.log(`Idle change streams on ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? "unknown CPU"}`);
    console.log(
      markdown(
        ["What", "Figure"],
        [
          [
            "Server memory, no stream open",
            `RSS ${before.rss.toFixed(1)} MiB, live heap ${before.heap.toFixed(1)} MiB`,
          ],
          [
            `Server memory, ${fmt(STREAMS)} streams open and idle (opened in ${fmt(openMs)} ms)`,
            `RSS ${open.rss.toFixed(1)} MiB (${perStream(open.rss - before.rss)}), live heap ${open.heap.toFixed(1)} MiB (**${perStream(open.heap - before.heap)}**)`,
          ],
          [
            `Server CPU while the ${fmt(STREAMS)} streams idle (keep-alive every ${HEARTBEAT_MS / 1000} s)`,
            `${idleCpuMs.toFixed(1)} ms per second`,
          ],
          [
            "Runtime read (JSON), no stream open",
            `${fmt(readBefore.rps)} req/s; p50 ${readBefore.p50.toFixed(2)} ms, p99 ${readBefore.p99.toFixed(2)} ms`,
          ],
          [
            `Runtime read (JSON), ${fmt(STREAMS)} streams open`,
            `${fmt(readWith.rps)} req/s = **${(readWith.rps / readBefore.rps).toFixed(2)}×**; p50 ${readWith.p50.toFixed(2)} ms, p99 ${readWith.p99.toFixed(2)} ms`,
          ],
          [
            `One change reaching all ${fmt(STREAMS)} streams`,
            `${fmt(fanOutMs)} ms after its write was answered (each stream got it once)`,
          ],
        ],
      ),
    );
  } finally {
    agent.destroy();
    for (const child of children) child.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();

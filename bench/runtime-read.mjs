// Load on the runtime read, GET /prompts/:name/stages/PROD: the one request applications make at
// volume. Starts the built app (dist/promptrail.mjs; `npm run bench` builds it) on 127.0.0.1, a
// random port and a throw-away database, promotes one prompt to PROD, then runs keep-alive
// request loops against it for a fixed time per representation and prints requests/s,
// latency percentiles, and the server's memory and CPU.
//
// Loopback only, bounded in time and count. Settings: BENCH_SECONDS (default 5 per scenario),
// BENCH_CONNECTIONS (default 16), BENCH_BODY_BYTES (default 2000). The server logs one JSON line
// per request to the bench's pipe, as under systemd; PROMPTRAIL_LOG=off measures without it.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const BODY_BYTES = Number(process.env.BENCH_BODY_BYTES ?? 2000);
const MAX_REQUESTS = 5_000_000; // a hard stop, whatever the duration
const bundle = fileURLToPath(new URL("../dist/promptrail.mjs", import.meta.url));

const dir = mkdtempSync(join(tmpdir(), "promptrail-bench-"));
const server = spawn(process.execPath, [bundle], {
  env: { ...process.env, HOST: "127.0.0.1", PORT: "0", PROMPTRAIL_DB: join(dir, "bench.db") },
  stdio: ["ignore", "pipe", "inherit"],
});
const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });

try {
  const { port } = await listening(server);
  const name = "bench-prompt";
  await setUp(port, name);
  const path = `/prompts/${name}/stages/PROD`;
  const etag = (await request(port, "GET", path, { Accept: "application/json" })).headers.etag;

  console.log(
    `runtime read, ${CONNECTIONS} keep-alive connections, ${SECONDS} s each, body ${BODY_BYTES} B, node ${process.version}, ${process.platform}/${process.arch}`,
  );
  const scenarios = [
    ["JSON", { Accept: "application/json" }, 200],
    ["text/plain", { Accept: "text/plain" }, 200],
    ["If-None-Match → 304", { Accept: "application/json", "If-None-Match": etag }, 304],
  ];
  await run(port, path, scenarios[0][1], scenarios[0][2], 1); // warm-up: JIT, caches
  const rows = [];
  for (const [label, headers, expected] of scenarios) {
    const cpuBefore = cpuSeconds(server.pid);
    const result = await run(port, path, headers, expected, SECONDS);
    const serverCpu = (cpuSeconds(server.pid) - cpuBefore) / result.seconds;
    rows.push({
      scenario: label,
      "req/s": Math.round(result.count / result.seconds),
      "p50 ms": result.p50.toFixed(2),
      "p99 ms": result.p99.toFixed(2),
      "max ms": result.max.toFixed(1),
      errors: result.errors,
      "server CPU": `${Math.round(serverCpu * 100)}%`,
      "client CPU": `${Math.round(result.clientCpu * 100)}%`,
      "server RSS MiB": memory(server.pid, "VmRSS"),
    });
  }
  console.table(rows);
  console.log(`server peak RSS ${memory(server.pid, "VmHWM")} MiB`);
  if (rows.some((r) => r.errors > 0)) process.exitCode = 1;
} finally {
  agent.destroy();
  server.kill("SIGTERM");
  await new Promise((resolve) => server.once("exit", resolve));
  rmSync(dir, { recursive: true, force: true });
}

/** Runs CONNECTIONS request loops for `seconds`; answers the count and latency figures. */
async function run(port, path, headers, expected, seconds) {
  const latencies = [];
  let errors = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const loop = async () => {
    while (performance.now() < deadline && latencies.length < MAX_REQUESTS) {
      const t = performance.now();
      try {
        const { status } = await request(port, "GET", path, headers);
        if (status !== expected) errors += 1;
      } catch {
        errors += 1;
      }
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, loop));
  const elapsed = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
  return {
    count: latencies.length,
    seconds: elapsed,
    p50: at(0.5),
    p99: at(0.99),
    max: latencies.at(-1) ?? Number.NaN,
    errors,
    clientCpu: (used.user + used.system) / 1e6 / elapsed,
  };
}

function request(port, method, path, headers, body) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, method, path, headers, agent }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

async function setUp(port, name) {
  const json = { Accept: "application/json", "Content-Type": "application/json" };
  const line = "You are a careful assistant. Answer the question about {{topic}} in plain words.\n";
  const body = line.repeat(Math.max(1, Math.ceil(BODY_BYTES / line.length))).slice(0, BODY_BYTES);
  const created = await request(
    port,
    "POST",
    "/prompts",
    json,
    JSON.stringify({ name, body, config: { model: "gpt-4o-mini", temperature: 0.2 } }),
  );
  if (created.status !== 201) throw new Error(`create answered ${created.status}: ${created.body}`);
  for (let i = 0; i < 2; i++) {
    const promoted = await request(port, "POST", `/prompts/${name}/versions/1.0/promote`, json, "{}");
    if (promoted.status !== 200) throw new Error(`promote answered ${promoted.status}: ${promoted.body}`);
  }
}

function listening(child) {
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 15_000);
    const onData = (chunk) => {
      output += chunk;
      const match = /listening on http:\/\/[^:]+:(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        // From here on stdout carries one log line per request: drain it without keeping it.
        child.stdout.off("data", onData);
        child.stdout.resume();
        resolve({ port: Number(match[1]) });
      }
    };
    child.stdout.on("data", onData);
    child.once("exit", (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
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

/** User + system CPU seconds of a process so far (Linux; 0 elsewhere). */
function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return 0;
  }
}

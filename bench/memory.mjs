// `npm run bench:memory`: the server's peak memory while a registry fills up over HTTP.
//
// The built server (dist/promptrail.mjs) serves a new SQLite file as shipped (request log on,
// JSON to a pipe). WORKERS clients create PROMPTS prompts through the JSON API, 8 at a time,
// and after every 10 creations each loads pages as a person would: the prompt list (first page
// and a search), the prompt just made, its version page and its history. The server's RSS is
// sampled every 50 ms; its peak is the kernel's high-water mark (VmHWM). At the end the server
// reports where its memory is (bench/memory-probe.mjs, loaded with --import): V8's heap spaces,
// memory outside the heap (external, array buffers) and what remains, native code and SQLite.
//
// Loopback only, bounded. Settings: BENCH_PROMPTS (10000), BENCH_WORKERS (8), BENCH_NODE_FLAGS
// (node flags for the server instead of the ones `npm start` uses, space-separated).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import { join } from "node:path";
import { children, get, machine, post, root, SERVER_FLAGS, start } from "./support.mjs";

const PROMPTS = Number(process.env.BENCH_PROMPTS ?? 10_000);
const NODE_FLAGS = process.env.BENCH_NODE_FLAGS?.split(" ").filter(Boolean) ?? SERVER_FLAGS;
const WORKERS = Number(process.env.BENCH_WORKERS ?? 8);
const bundle = join(root, "dist", "promptrail.mjs");
const dir = mkdtempSync(join(os.tmpdir(), "promptrail-bench-memory-"));
const report = join(dir, "memory.json");
const BODY = `You are a support agent for {{company}}. ${"Answer the ticket politely and cite the order number. ".repeat(12)}`;

try {
  const { PROMPTRAIL_LOG: _shipped, ...inherited } = process.env;
  const env = { ...inherited, PROMPTRAIL_DB: join(dir, "memory.db"), HOST: "127.0.0.1", PORT: "0" };
  execFileSync(process.execPath, [bundle, "migrate"], { env, stdio: "ignore" });
  const probe = join(root, "bench", "memory-probe.mjs");
  const server = await start(
    process.execPath,
    [...NODE_FLAGS, "--import", probe, bundle],
    { ...env, BENCH_MEMORY_REPORT: report },
    /listening on https?:\/\/\S+:(\d+)/,
  );
  const base = `http://127.0.0.1:${server.port}`;
  const atStart = status(server.pid).VmRSS;
  let sampledPeak = atStart;
  const sampler = setInterval(() => {
    sampledPeak = Math.max(sampledPeak, status(server.pid).VmRSS);
  }, 50);
  const agent = new http.Agent({ keepAlive: true, maxSockets: WORKERS });
  const html = { Accept: "text/html" };
  const started = performance.now();
  let next = 0;
  let pages = 0;
  await Promise.all(
    Array.from({ length: WORKERS }, async () => {
      for (let i = next++; i < PROMPTS; i = next++) {
        const name = `prompt-${String(i).padStart(5, "0")}`;
        const made = await post(agent, `${base}/prompts`, {
          name,
          description: `Prompt number ${i}`,
          body: `${BODY} #${i}`,
          config: { model: "gpt-4o-mini", temperature: 0.2 },
        });
        if (made.status !== 201) throw new Error(`create answered ${made.status}: ${made.body}`);
        if (i % 10 !== 0) continue;
        for (const path of [
          "/",
          `/prompts?q=${i % 100}`,
          `/prompts/${name}`,
          `/prompts/${name}/versions/1.0`,
          `/prompts/${name}/history`,
        ]) {
          const page = await get(agent, `${base}${path}`, html);
          if (page.status !== 200) throw new Error(`${path} answered ${page.status}`);
          pages += 1;
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  agent.destroy();
  const end = status(server.pid);
  server.child.kill("SIGUSR2");
  const inside = await reportOf(report);
  const mib = (kib) => `${(kib / 1024).toFixed(0)} MiB`;
  const b = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

  console.log(
    `Promptrail bench, memory — ${machine()}; server: node ${NODE_FLAGS.join(" ")}; ${PROMPTS.toLocaleString("en")} prompts created over HTTP, ` +
      `${WORKERS} at a time, ${pages.toLocaleString("en")} pages loaded meanwhile, in ${seconds.toFixed(1)} s ` +
      `(${Math.round(PROMPTS / seconds)} creations/s)\n`,
  );
  console.log(`| What | Measured |\n| --- | --- |`);
  console.log(`| Peak RSS of the server (VmHWM) | **${mib(end.VmHWM)}** (target < 150 MiB) |`);
  console.log(
    `| RSS after start, at the end; highest sample (every 50 ms) | ${mib(atStart)}, ${mib(end.VmRSS)}; ${mib(sampledPeak)} |`,
  );
  console.log(
    `| At the end, V8 heap | ${b(inside.heapUsed)} used of ${b(inside.heapTotal)}; by space: ${inside.spaces
      .map((s) => `${s.name} ${b(s.size)}`)
      .join(", ")} |`,
  );
  console.log(
    `| At the end, outside V8's heap | external ${b(inside.external)} (array buffers ${b(inside.arrayBuffers)}) |`,
  );
  console.log(
    `| At the end, the rest of RSS (code, native libraries, SQLite's page caches, malloc) | ${b(inside.rss - inside.heapTotal - inside.external)} |`,
  );
} finally {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
  await Promise.all(
    children.map((c) => (c.exitCode !== null || c.signalCode !== null ? null : new Promise((r) => c.once("exit", r)))),
  );
  rmSync(dir, { recursive: true, force: true });
}

/** /proc/<pid>/status figures in KiB (Linux). */
function status(pid) {
  const text = readFileSync(`/proc/${pid}/status`, "utf8");
  const field = (name) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(text)?.[1] ?? 0);
  return { VmRSS: field("VmRSS"), VmHWM: field("VmHWM") };
}

/** The probe's report, once the server has written it. */
async function reportOf(file) {
  for (let waited = 0; waited < 5000; waited += 20) {
    try {
      return JSON.parse(readFileSync(file, "utf8"));
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  throw new Error("the server did not report its memory");
}

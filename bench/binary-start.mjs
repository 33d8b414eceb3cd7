// Size of the single executable and its time to first answer: copies dist/promptrail alone into
// an empty folder and starts it RUNS times with a clean environment (`env -i … serve --port N
// --db FILE`), timing spawn → first 200 from /healthz (polled every 2 ms). The first start
// creates and migrates the database; the others open it as an upgrade or a restart would.
// `npm run build:binary` first. Settings: BENCH_RUNS (default 10).
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";

const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const built = fileURLToPath(new URL("../dist/promptrail", import.meta.url));
if (!existsSync(built)) throw new Error("dist/promptrail is missing: run `npm run build:binary` first");

const dir = mkdtempSync(join(tmpdir(), "promptrail-start-"));
const binary = join(dir, "promptrail");
copyFileSync(built, binary);
try {
  const times = [];
  for (let i = 0; i < RUNS; i++) times.push(await firstAnswer(join(dir, "promptrail.db")));
  const [first, ...rest] = times;
  rest.sort((a, b) => a - b);
  const size = statSync(binary).size;
  // The Node inside is the one build-sea.mjs embedded, not the one running this script.
  console.log(
    `single executable: ${(size / 1024 / 1024).toFixed(1)} MiB (${size} bytes), load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  console.log(`time to first answer, new database (migrations): ${first.toFixed(0)} ms`);
  if (rest.length)
    console.log(
      `time to first answer, existing database, ${rest.length} runs: min ${rest[0].toFixed(0)} ms, median ${rest[Math.floor(rest.length / 2)].toFixed(0)} ms, max ${rest.at(-1).toFixed(0)} ms`,
    );
} finally {
  rmSync(dir, { recursive: true, force: true });
}

async function firstAnswer(db) {
  const port = await freePort();
  const started = performance.now();
  const child = spawn("/usr/bin/env", ["-i", binary, "serve", "--port", String(port), "--db", db], {
    cwd: dir,
    stdio: "ignore",
  });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}`);
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return performance.now() - started;
      if (performance.now() - started > 15_000) throw new Error("no answer within 15 s");
      await sleep(2);
    }
  } finally {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  }
}

async function freePort() {
  const probe = createServer();
  await new Promise((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { nodeArgs } from "./bundles.js";

const root = fileURLToPath(new URL("../..", import.meta.url));

type RaceWorker = Exclude<Parameters<typeof nodeArgs>[0], "src/main.ts">;

export type WorkerOutcome = { ok: true; stage: string; revision: number } | { ok: false; code: string };

/**
 * Starts one OS process per argument list (lifecycle-worker.ts unless `worker` names another
 * script that waits at the barrier, see barrier.ts), waits until each has opened its own
 * connection and reached the barrier, then releases them all at once. Answers each one's line
 * of JSON. `file` is the SQLite file or a PostgreSQL URL (what TestDb.file holds); the barrier
 * is a folder in `dir` (the OS's temp folder when empty), removed when the race is over.
 */
export async function raceProcesses<T = WorkerOutcome>(
  file: string,
  dir: string,
  jobs: string[][],
  worker: RaceWorker = "test/support/lifecycle-worker.ts",
): Promise<T[]> {
  const barrier = mkdtempSync(join(dir || tmpdir(), "promptrail-barrier-"));
  try {
    return await race<T>(file, barrier, jobs, worker);
  } finally {
    rmSync(barrier, { recursive: true, force: true });
  }
}

async function race<T>(file: string, barrier: string, jobs: string[][], worker: RaceWorker): Promise<T[]> {
  let failure: unknown = null;
  const runs = jobs.map((args, i) => {
    const child = spawn(process.execPath, [...nodeArgs(worker), file, barrier, String(i), ...args], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
    });
    child.stderr.on("data", (chunk) => {
      err += chunk;
    });
    return new Promise<T>((resolve, reject) => {
      child.on("error", reject);
      child.on("close", (code) => {
        if (code === 0) resolve(JSON.parse(out) as T);
        else reject(new Error(`worker ${i} exited with ${code}: ${err}`));
      });
    });
  });
  const all = Promise.all(runs);
  all.catch((error: unknown) => {
    failure = error;
  });
  const ready = () => jobs.every((_, i) => existsSync(join(barrier, `ready-${i}`)));
  const deadline = Date.now() + 15_000;
  while (!ready()) {
    if (failure) throw failure;
    if (Date.now() > deadline) throw new Error("the workers never reached the barrier");
    await sleep(5);
  }
  writeFileSync(join(barrier, "go"), "");
  return all;
}

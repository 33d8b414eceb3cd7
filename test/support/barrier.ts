import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/** In a worker process of raceProcesses (processes.ts): says it is ready, then waits for the go. */
export async function awaitBarrier(barrier: string, worker: string): Promise<void> {
  writeFileSync(join(barrier, `ready-${worker}`), "");
  const deadline = Date.now() + 15_000;
  while (!existsSync(join(barrier, "go"))) {
    if (Date.now() > deadline) throw new Error("the barrier never opened");
    await sleep(1);
  }
}

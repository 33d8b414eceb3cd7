// The longest stall of the event loop while the nastiest requests run (docs/limits.md: no
// request keeps the loop busy for more than ~100 ms). The app runs in this process over a
// throw-away database; each hostile request is sent with app.request() and perf_hooks'
// monitorEventLoopDelay records the loop's delay meanwhile. Prints one line per request and
// the worst. In-process only: no network. Run: `npm run bench:event-loop`.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { createApp } from "../src/app.js";
import { connect } from "../src/db/connect.js";
import { migrateToLatest } from "../src/db/migrate.js";
import { hostileClient, hostileSteps } from "../test/support/hostile.js";

const dir = mkdtempSync(join(tmpdir(), "promptrail-bench-loop-"));
const db = connect(join(dir, "bench.db"));
await migrateToLatest(db.kysely);
const client = hostileClient(createApp({ db }));

console.log(`event-loop stall under hostile requests, node ${process.version}, ${process.platform}/${process.arch}`);
let worst = 0;
try {
  const probe: [string, () => unknown] = [
    "(probe: 100 ms of busy work)",
    async () => {
      const t = performance.now();
      while (performance.now() - t < 100);
    },
  ];
  for (const [name, step] of [probe, ...hostileSteps(client)]) {
    const histogram = monitorEventLoopDelay({ resolution: 5 });
    histogram.enable();
    await new Promise((resolve) => setTimeout(resolve, 20)); // the monitor's timer starts on the next turn
    const started = performance.now();
    await step();
    const took = performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 30)); // let the monitor's timer record the stall
    histogram.disable();
    const ms = histogram.max / 1e6;
    worst = Math.max(worst, ms);
    console.log(`${ms.toFixed(1).padStart(8)} ms stall ${took.toFixed(0).padStart(7)} ms request  ${name}`);
  }
  console.log(`longest stall: ${worst.toFixed(1)} ms`);
} finally {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
}

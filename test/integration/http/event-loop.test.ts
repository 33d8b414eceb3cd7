import { monitorEventLoopDelay } from "node:perf_hooks";
import { expect, test } from "vitest";
import { hostileClient, hostileSteps } from "../../support/hostile.js";
import { freshApp } from "./support/http.js";

/**
 * docs/limits.md: no request makes the event loop busy for more than ~100 ms. The longest stall is
 * measured with perf_hooks' monitorEventLoopDelay while the nastiest inputs run, printed, and
 * asserted under a generous bound (a shared CI machine is noisy; the freeze this guards
 * against lasted 5–11 s). bench/event-loop.ts prints the same figures on a quiet machine.
 */
test("the event loop keeps turning under hostile input", async () => {
  const { app } = await freshApp();
  const client = hostileClient(app);
  const figures: string[] = [];
  let worst = 0;
  for (const [name, step] of hostileSteps(client)) {
    const histogram = monitorEventLoopDelay({ resolution: 10 });
    histogram.enable();
    await new Promise((resolve) => setTimeout(resolve, 40)); // the monitor's timer starts on the next turn
    await step();
    // A stall is recorded when the monitor's timer finally fires: give it the chance.
    await new Promise((resolve) => setTimeout(resolve, 50));
    histogram.disable();
    const ms = histogram.max / 1e6;
    worst = Math.max(worst, ms);
    figures.push(`${ms.toFixed(0).padStart(6)} ms  ${name}`);
  }
  console.info(`longest event-loop stall per hostile request:\n${figures.join("\n")}`);
  expect(worst).toBeLessThan(1000);
}, 120_000);

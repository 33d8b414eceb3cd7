// Loaded into the server by bench/memory.mjs (node --import): on SIGUSR2 it writes where the
// process's memory is to the file BENCH_MEMORY_REPORT names (JSON). Nothing else changes.
import { writeFileSync } from "node:fs";
import v8 from "node:v8";

process.on("SIGUSR2", () => {
  const usage = process.memoryUsage();
  const spaces = v8.getHeapSpaceStatistics().map((s) => ({ name: s.space_name, size: s.space_size }));
  writeFileSync(process.env.BENCH_MEMORY_REPORT, JSON.stringify({ ...usage, spaces }));
});

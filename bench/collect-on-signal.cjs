// Preloaded into a server the bench measures (node --expose-gc --require …): SIGUSR2 runs a full
// garbage collection, then writes process.memoryUsage() as JSON to $BENCH_MEMORY_FILE, so that a
// reading counts what the server keeps, not what is merely not freed yet.
const { writeFileSync } = require("node:fs");
process.on("SIGUSR2", () => {
  globalThis.gc?.();
  if (process.env.BENCH_MEMORY_FILE)
    writeFileSync(process.env.BENCH_MEMORY_FILE, JSON.stringify(process.memoryUsage()));
});

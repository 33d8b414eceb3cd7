// The request log's cost per request, on its own: the node:http listener wrapper of
// src/server/request-log.ts around a handler that answers at once, with the lines written to
// stdout as a pipe (as under systemd or a container runtime; batched, 64 KiB a write when
// requests come this fast), read and thrown away by the parent. Prints CPU µs per request for PROMPTRAIL_LOG=off, text and json; the difference is
// what logging adds to every request, the runtime read included.
// Run: node --import tsx bench/request-log.mjs. Settings: BENCH_REQUESTS (default 200000).
import { spawn } from "node:child_process";
import { EventEmitter } from "node:events";
import { fileURLToPath } from "node:url";

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200_000);

if (process.argv[2] !== "--worker") {
  const worker = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), "--worker"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  worker.stdout.resume(); // the log lines: drained, not kept
  await new Promise((resolve) => worker.once("exit", resolve));
} else {
  const { createServerLog } = await import("../src/server/request-log.ts");
  const write = (text) => process.stdout.write(text);
  const answer = (_req, res) => res.emit("close");
  const results = {};
  for (const round of [1, 2]) {
    for (const format of ["off", "text", "json"]) {
      const log = createServerLog(format, write);
      const listener = log.requests(answer);
      const cpu = process.cpuUsage();
      for (let i = 0; i < REQUESTS; i++) {
        const res = Object.assign(new EventEmitter(), { statusCode: 200, writableFinished: true });
        listener({ method: "GET", url: "/prompts/support-reply/stages/PROD?x=1" }, res);
      }
      log.flush();
      const used = process.cpuUsage(cpu);
      if (round === 2) results[format] = ((used.user + used.system) / REQUESTS).toFixed(2); // round 1 warms up
    }
  }
  console.error(`CPU µs per request (${REQUESTS} requests, node ${process.version}):`, results);
  console.error(
    `logging adds: text ${(results.text - results.off).toFixed(2)} µs, json ${(results.json - results.off).toFixed(2)} µs`,
  );
}

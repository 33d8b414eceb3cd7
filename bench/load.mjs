// The load generator when wrk is not installed: CONNECTIONS keep-alive request loops against one
// URL for SECONDS, in its own process so it does not share an event loop with what it measures.
// Prints {requests, seconds, p50, p99, errors} as JSON (latencies in ms).
//
//   node bench/load.mjs <url> <connections> <seconds> <expectedStatus> [header: value]...
import http from "node:http";

const [url, connections, seconds, expected, ...headerArgs] = process.argv.slice(2);
const headers = Object.fromEntries(
  headerArgs.map((h) => [h.slice(0, h.indexOf(":")), h.slice(h.indexOf(":") + 1).trim()]),
);
const agent = new http.Agent({ keepAlive: true, maxSockets: Number(connections) });
const latencies = [];
let errors = 0;
const started = performance.now();
const deadline = started + Number(seconds) * 1000;

function once() {
  return new Promise((resolve) => {
    const t = performance.now();
    const req = http.get(url, { agent, headers }, (res) => {
      res.resume();
      res.on("end", () => {
        if (res.statusCode !== Number(expected)) errors += 1;
        latencies.push(performance.now() - t);
        resolve();
      });
    });
    req.on("error", () => {
      errors += 1;
      resolve();
    });
  });
}

await Promise.all(
  Array.from({ length: Number(connections) }, async () => {
    while (performance.now() < deadline) await once();
  }),
);
agent.destroy();
latencies.sort((a, b) => a - b);
const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
const elapsed = (performance.now() - started) / 1000;
console.log(JSON.stringify({ requests: latencies.length, seconds: elapsed, p50: at(0.5), p99: at(0.99), errors }));

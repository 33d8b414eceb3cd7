// What bench/run.mjs and bench/engines.mjs share: starting the built server, loading a URL with
// wrk (or bench/load.mjs when wrk is missing), plain HTTP calls, and the figures' arithmetic.
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { serverFlags } from "../scripts/build.mjs";

export const root = fileURLToPath(new URL("..", import.meta.url));
export const hasWrk = spawnSync("wrk", ["--version"]).error === undefined;
/** The node flags `npm start` runs the server with, so that the bench runs it the same way. */
export const SERVER_FLAGS = serverFlags();
/** Every process `start` spawned, for the script to stop at its end. */
export const children = [];

export function socketErrors(out) {
  const m = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  return m ? m.slice(1).reduce((a, b) => a + Number(b), 0) : 0;
}

export function duration(text) {
  const m = /^([\d.]+)(us|ms|s)$/.exec(text ?? "");
  if (!m) return Number.NaN;
  return Number(m[1]) * { us: 0.001, ms: 1, s: 1000 }[m[2]];
}

export function run(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`${command} exited with ${code}`))));
  });
}

/**
 * Starts a server whose stdout is a pipe, as under systemd or a container runtime: what it logs
 * there after its start line is read and thrown away. Resolves once `pattern` shows its port.
 */
export function start(command, args, env, pattern) {
  const child = spawn(command, args, { env, cwd: root, stdio: ["ignore", "pipe", "inherit"] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => reject(new Error(`${args.join(" ")} did not start:\n${output}`)), 30_000);
    const onData = (chunk) => {
      output += chunk;
      const match = pattern.exec(output);
      if (match) {
        clearTimeout(timer);
        child.stdout.off("data", onData);
        child.stdout.resume(); // drained, not kept
        resolve({ port: Number(match[1]), pid: child.pid, child });
      }
    };
    child.stdout.on("data", onData);
    child.once("exit", (code) => reject(new Error(`${args.join(" ")} exited with ${code}:\n${output}`)));
  });
}

export function get(agent, url, headers = {}, method = "GET", body) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("error", (error) => {
      // A kept-alive connection the server closed (its 5 s keep-alive timeout) just as it was
      // reused: nothing reached the server, so the request is sent again (Node's documented advice).
      if (req.reusedSocket && error.code === "ECONNRESET") get(agent, url, headers, method, body).then(resolve, reject);
      else reject(error);
    });
    req.end(body);
  });
}

export function post(agent, url, json) {
  return get(
    agent,
    url,
    { Accept: "application/json", "Content-Type": "application/json" },
    "POST",
    JSON.stringify(json),
  );
}

/** The median of each figure of several results (rounds of the same load). */
export function medianOf(results) {
  const keys = Object.keys(results[0] ?? {}).filter((k) => typeof results[0][k] === "number");
  return Object.fromEntries(keys.map((k) => [k, median(results.map((r) => r[k]))]));
}

export function median(xs) {
  return quantile(xs, 0.5);
}

export function quantile(xs, q) {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

export function fmt(n) {
  return Math.round(n).toLocaleString("en");
}

/** The machine and the moment: CPU, memory, kernel, Node, load average (the cores are shared). */
export function machine() {
  const cpu = os.cpus();
  return (
    `${new Date().toISOString().slice(0, 10)}, ${cpu[0]?.model ?? "cpu"} × ${cpu.length}, ` +
    `${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}, Node ${process.version}, ` +
    `load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`
  );
}

export function markdown(header, body) {
  const lines = [header, header.map(() => "---"), ...body];
  return lines.map((cells) => `| ${cells.join(" | ")} |`).join("\n");
}

export function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return 0;
  }
}

export async function measure(url, headers, expected, seconds, connections) {
  const headerArgs = Object.entries(headers).map(([k, v]) => `${k}: ${v}`);
  if (hasWrk) {
    const args = [
      "-t1",
      `-c${connections}`,
      `-d${seconds}s`,
      "--latency",
      ...headerArgs.flatMap((h) => ["-H", h]),
      url,
    ];
    const out = await run("wrk", args);
    const errors = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0) + socketErrors(out);
    return {
      rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0),
      p50: duration(/50%\s+([\d.]+\w+)/.exec(out)?.[1]),
      p99: duration(/99%\s+([\d.]+\w+)/.exec(out)?.[1]),
      requests: Number(/(\d+) requests in/.exec(out)?.[1] ?? 0),
      errors,
    };
  }
  const out = await run(process.execPath, [
    join(root, "bench", "load.mjs"),
    url,
    String(connections),
    String(seconds),
    String(expected),
    ...headerArgs,
  ]);
  const r = JSON.parse(out);
  return { rps: r.requests / r.seconds, p50: r.p50, p99: r.p99, requests: r.requests, errors: r.errors };
}

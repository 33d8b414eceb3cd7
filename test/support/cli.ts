import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { EventEmitter } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable, Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import type { CliIo, Command } from "../../src/cli/command.js";
import { COMMANDS } from "../../src/cli/commands.js";
import { runCli } from "../../src/cli/run-cli.js";
import { nodeArgs } from "./bundles.js";
import { afterEveryTest } from "./cleanups.js";

/** A process's streams in memory: what a verb printed, and an emitter standing for its signals. */
export function memoryIo(env: NodeJS.ProcessEnv = {}, stdin = "") {
  const printed = { stdout: "", stderr: "" };
  const sink = (key: keyof typeof printed) =>
    new Writable({
      write(chunk, _encoding, done) {
        printed[key] += String(chunk);
        done();
      },
    });
  const signals = new EventEmitter();
  const io: CliIo = { env, stdin: Readable.from([stdin]), stdout: sink("stdout"), stderr: sink("stderr"), signals };
  return { io, printed, signals };
}

/** Runs the command line in this process, as `promptrail ARGV…` would, and answers what it did. */
export async function cli(
  argv: string[],
  options: { env?: NodeJS.ProcessEnv; stdin?: string; commands?: Command[] } = {},
) {
  const { io, printed } = memoryIo(options.env, options.stdin);
  const code = await runCli(argv, io, options.commands ?? COMMANDS);
  return { code, ...printed };
}

const root = fileURLToPath(new URL("../..", import.meta.url));

/** `promptrail ARGV…` as its own OS process (the run's bundle of src/main.ts), for what one process cannot show. */
export function spawnCli(argv: string[], env: NodeJS.ProcessEnv = {}): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [...nodeArgs("src/main.ts"), ...argv], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PROMPTRAIL_PASSWORD_COST: process.env.PROMPTRAIL_PASSWORD_COST,
      ...env,
    },
  });
}

/** Runs `promptrail ARGV…` as a process to its end: exit code and everything it printed. */
export function cliProcess(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawnCli(argv, env);
  const printed = { stdout: "", stderr: "" };
  child.stdout.on("data", (chunk) => {
    printed.stdout += chunk;
  });
  child.stderr.on("data", (chunk) => {
    printed.stderr += chunk;
  });
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, ...printed }));
  });
}

/** The base URL a `serve` process prints once it listens. */
export function listeningUrl(child: ChildProcessWithoutNullStreams, timeoutMs = 20_000): Promise<string> {
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no "listening on" within ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      output += chunk;
      const url = /listening on (http:\/\/[^\s"]+)/.exec(output)?.[1];
      if (!url) return;
      clearTimeout(timer);
      child.stdout.off("data", onData);
      child.stdout.resume(); // keep draining: a full pipe would stall the server's log writes
      resolve(url);
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", (chunk) => {
      output += chunk;
    });
    child.once("exit", (code) => reject(new Error(`exited with ${code} before listening:\n${output}`)));
  });
}

const folders: string[] = [];
afterEveryTest(() => {
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** An empty temp folder, removed after the test. */
export function tempFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), "promptrail-cli-"));
  folders.push(dir);
  return dir;
}

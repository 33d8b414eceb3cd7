import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, test } from "vitest";
import { cliProcess, listeningUrl, spawnCli } from "../../support/cli.js";

/** src/main.ts as a real process: its exit codes, streams and signals are the process's own. */
const dir = mkdtempSync(join(tmpdir(), "promptrail-process-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("exits 0, 1 and 2 as the spec says, with output on the right stream", async () => {
  const [version, unknown, failed] = await Promise.all([
    cliProcess(["--version"]),
    cliProcess(["serve", "--frob"]),
    cliProcess(["export", "--db", join(dir, "missing.db")]),
  ]);
  expect(version).toEqual({ code: 0, stdout: expect.stringMatching(/^promptrail 0\.\d+\.\d+\n$/), stderr: "" });
  expect(unknown).toMatchObject({
    code: 2,
    stdout: "",
    stderr: expect.stringMatching(/^promptrail serve: Unknown option '--frob'\nUsage: /),
  });
  expect(failed).toMatchObject({
    code: 1,
    stdout: "",
    stderr: expect.stringMatching(/^promptrail export: no database at [^\n]*\n$/),
  });
}, 30_000);

test("serve stops on a real SIGTERM with exit code 0", async () => {
  const server = spawnCli(["serve", "--port", "0", "--db", join(dir, "served.db")]);
  const base = await listeningUrl(server);
  expect((await fetch(`${base}/healthz`)).status).toBe(200);
  const exited = new Promise((resolve) => server.once("exit", (code, signal) => resolve({ code, signal })));
  server.kill("SIGTERM");
  expect(await exited).toEqual({ code: 0, signal: null });
}, 30_000);

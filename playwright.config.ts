import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig } from "@playwright/test";
import type { EngineOption } from "./test/e2e/support/fixtures.js";

/**
 * End-to-end journeys in Debian's Chromium (Playwright's own browser download cannot work here:
 * the network reaches only package registries), in one run with two projects:
 *
 * - `sqlite`: every journey, against the app on PROMPTRAIL_E2E_PORT (3917) over a SQLite file;
 * - `postgres`: the journeys tagged `@engine`, against a second server on the next port over a
 *   PostgreSQL database (docs/development.md says which journeys are tagged, and why).
 *
 * Both servers are built and started fresh for the run on an empty database, deleted or made
 * again before the start by scripts/e2e-server.mjs. One run instead of two shares the build,
 * the start and the browser, and lets the two projects' journeys fill both workers.
 */
const port = Number(process.env.PROMPTRAIL_E2E_PORT ?? 3917);
const dbFile = process.env.PROMPTRAIL_E2E_DB ?? join(tmpdir(), "promptrail-e2e", "promptrail.db");
const engines = { sqlite: port, postgres: port + 1 } as const;
const url = (engine: keyof typeof engines) => `http://127.0.0.1:${engines[engine]}`;
// Cheap password hashes (PROMPTRAIL_PASSWORD_COST, log2 of scrypt's N; 15 unless set) for the app
// and for the verbs and servers the journeys start themselves: they sign in often.
process.env.PROMPTRAIL_PASSWORD_COST ??= "10";

export default defineConfig<EngineOption>({
  testDir: "test/e2e",
  // Two cores. Files run in parallel, the tests of one file in order (a journey may build on
  // the step before); tests never share prompts (see test/e2e/support/fixtures.ts).
  workers: 2,
  fullyParallel: false,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 5_000 },
  reporter: "list",
  use: {
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
    browserName: "chromium",
    launchOptions: {
      executablePath: process.env.PROMPTRAIL_CHROMIUM ?? "/usr/bin/chromium",
      // Root on CI needs --no-sandbox; the rest stop Chromium from dialling out on a closed network.
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
  projects: [
    { name: "sqlite", use: { baseURL: url("sqlite"), engine: "sqlite" } },
    { name: "postgres", grep: /@engine/, use: { baseURL: url("postgres"), engine: "postgres" } },
  ],
  webServer: (["sqlite", "postgres"] as const).map((engine) => ({
    command: "node scripts/e2e-server.mjs",
    url: `${url(engine)}/healthz`,
    // Webhooks may reach the receivers the journeys run on 127.0.0.1.
    env: {
      HOST: "127.0.0.1",
      PORT: String(engines[engine]),
      PROMPTRAIL_E2E_ENGINE: engine,
      PROMPTRAIL_DB: dbFile,
      PROMPTRAIL_WEBHOOK_PRIVATE: "1",
    },
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "ignore" as const,
    stderr: "pipe" as const,
    gracefulShutdown: { signal: "SIGTERM" as const, timeout: 5_000 },
  })),
});

import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig } from "@playwright/test";

/**
 * End-to-end journeys in Debian's Chromium (Playwright's own browser download cannot work here:
 * the network reaches only package registries). The app is built and started fresh for each
 * run on its own port and an empty database, deleted before the start by scripts/e2e-server.mjs.
 */
const port = Number(process.env.PROMPTRAIL_E2E_PORT ?? 3917);
const baseURL = `http://127.0.0.1:${port}`;
const dbFile = process.env.PROMPTRAIL_E2E_DB ?? join(tmpdir(), "promptrail-e2e", "promptrail.db");
// Cheap password hashes (PROMPTRAIL_PASSWORD_COST, log2 of scrypt's N; 15 unless set) for the app
// and for the verbs and servers the journeys start themselves: they sign in often.
process.env.PROMPTRAIL_PASSWORD_COST ??= "10";

export default defineConfig({
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
    baseURL,
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
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
  projects: [{ name: "chromium", use: { browserName: "chromium" } }],
  webServer: {
    command: "node scripts/e2e-server.mjs",
    url: `${baseURL}/healthz`,
    // Webhooks may reach the receivers the journeys run on 127.0.0.1.
    env: { HOST: "127.0.0.1", PORT: String(port), PROMPTRAIL_DB: dbFile, PROMPTRAIL_WEBHOOK_PRIVATE: "1" },
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "ignore",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 5_000 },
  },
});

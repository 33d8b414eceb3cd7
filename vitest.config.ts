import { defineConfig } from "vitest/config";

/**
 * Tests that run on PostgreSQL as well (docs/postgresql.md): the folders whose tests go through the
 * services, the HTTP app or server processes on the test's database (test/support/db.ts), with
 * raw SQL only through engine-neutral helpers (test/support/state.ts). The few tests in them
 * about SQLite itself (its file's bytes, its migration history) skip on PostgreSQL
 * (`test.skipIf(TEST_ENGINE === "postgres")`). PostgreSQL's own tests (its raw-SQL rules, several
 * instances, moving a registry between engines) run there only. On SQLite only: unit tests; db/
 * and crash/ (the SQLite file itself: WAL, commit watch, backups, migrations, crash loops); cli/
 * (the verbs, run on SQLite files); fuzz/ (its invariants are raw SQLite SQL, test/support/
 * invariants.ts); server/ (the HTTP server alone, no database).
 *
 * The rule for an HTTP test: it runs on both engines when what it proves goes through the store
 * (what a route reads or writes, and the store's refusals, conflicts and their mapping to answers).
 * A file that proves only what the HTTP layer decides before or around the store, the same
 * whatever the engine, runs on SQLite only (SQLITE_ONLY_HTTP): the Origin (CSRF) and Host checks,
 * the body budgets counted before any parser, content negotiation and Vary/Cache-Control, and the
 * security headers and the absence of inline script on every page. The event loop's longest stall
 * under hostile input is measured on SQLite only: its driver is synchronous, so a query stalls
 * the loop where PostgreSQL's answers arrive as events, and SQLite is the worst case.
 */
const ON_BOTH_ENGINES = [
  "test/integration/accounts/**/*.test.ts",
  "test/integration/http/**/*.test.{ts,tsx}",
  "test/integration/langfuse/**/*.test.ts",
  "test/integration/mcp/**/*.test.ts",
  "test/integration/services/**/*.test.ts",
  "test/integration/testing/**/*.test.ts",
  "test/integration/transfer/**/*.test.ts",
  "test/integration/webhooks/**/*.test.ts",
];

/**
 * `isolate: false` in the `unit`, `sqlite` and `postgres` projects: the test files of a worker
 * share one module graph instead of a fresh process each, whose start and imports (the app, the
 * SDKs) were more than half of the run. So a test file leaves nothing behind for the next: a test
 * that changes process.env or a global puts it back in its afterEach (vi.stubEnv with
 * vi.unstubAllEnvs, vi.restoreAllMocks), none uses vi.mock, and support modules register their
 * cleanups with afterEveryTest (test/support/cleanups.ts), never a top-level afterEach, which
 * would run for the first file that loaded them only. The `client` project stays isolated.
 */
const SQLITE_ONLY_HTTP = [
  "test/integration/http/body-budgets.test.ts",
  "test/integration/http/csrf.test.ts",
  "test/integration/http/event-loop.test.ts",
  "test/integration/http/host.test.ts",
  "test/integration/http/negotiation.test.ts",
  "test/integration/http/security.test.ts",
];

export default defineConfig({
  test: {
    testTimeout: 20_000,
    // Two test files at a time. Vitest's default is one less than the cores: a single worker on
    // a 2-core machine, idle while a file waits on its servers, processes and PostgreSQL.
    maxWorkers: 2,
    // Cheap password hashes (log2 of scrypt's N; 15 unless set): the setting an operator has too,
    // inherited by the servers and verbs the tests start. test/unit/services/password-hashes.test.ts
    // checks the default cost.
    env: { PROMPTRAIL_PASSWORD_COST: "10" },
    // `npm run test:deep` runs the property tests deep (test/support/depth.ts); the support
    // modules' cleanups run after every test (test/support/cleanups.ts).
    setupFiles: ["test/support/depth.ts", "test/support/after-each.ts"],
    projects: [
      {
        // Unit tests: pure modules, no database, no server, no process of their own, in worker
        // threads.
        extends: true,
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.{ts,tsx}"],
          pool: "threads",
          isolate: false,
        },
      },
      {
        extends: true,
        test: {
          name: "sqlite",
          include: ["test/integration/**/*.test.{ts,tsx}"],
          exclude: ["test/integration/postgres/**"],
          isolate: false,
          globalSetup: ["test/support/bundles.ts"],
        },
      },
      {
        // @promptrail/client (client/): its own tests, against its build and a real server process.
        extends: true,
        test: {
          name: "client",
          include: ["client/test/**/*.test.ts"],
          globalSetup: ["client/test/support/build.ts"],
        },
      },
      {
        extends: true,
        test: {
          name: "postgres",
          include: [...ON_BOTH_ENGINES, "test/integration/postgres/**/*.test.ts"],
          exclude: SQLITE_ONLY_HTTP,
          env: { PROMPTRAIL_TEST_ENGINE: "postgres" },
          isolate: false,
          globalSetup: ["test/support/bundles.ts", "test/support/pg-global-setup.ts"],
        },
      },
    ],
  },
});

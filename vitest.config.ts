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
    // `npm run test:deep` runs the property tests deep (test/support/depth.ts).
    setupFiles: ["test/support/depth.ts"],
    projects: [
      {
        extends: true,
        test: {
          name: "sqlite",
          include: ["test/unit/**/*.test.{ts,tsx}", "test/integration/**/*.test.{ts,tsx}"],
          exclude: ["test/integration/postgres/**"],
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
          env: { PROMPTRAIL_TEST_ENGINE: "postgres" },
          globalSetup: ["test/support/bundles.ts", "test/support/pg-global-setup.ts"],
        },
      },
    ],
  },
});

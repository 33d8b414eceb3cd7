import { defineConfig } from "vitest/config";

/**
 * Tests that run on PostgreSQL as well (SPEC §10): every one that goes through the services or
 * the HTTP app without reading the SQLite file itself, and PostgreSQL's own (its raw-SQL rules,
 * several instances, moving a registry between engines).
 */
const ON_BOTH_ENGINES = [
  "test/integration/accounts/**/*.test.ts",
  "test/integration/http/**/*.test.{ts,tsx}",
  "test/integration/langfuse/**/*.test.ts",
  "test/integration/services/**/*.test.ts",
  "test/integration/testing/**/*.test.ts",
  "test/integration/transfer/**/*.test.ts",
  "test/integration/webhooks/**/*.test.ts",
];

/** Of those, the ones that read or race on the SQLite file itself. */
const SQLITE_ONLY = [
  "test/integration/http/aborted-upload.test.ts",
  "test/integration/http/hardening.test.ts",
  "test/integration/http/pagination.test.ts",
  "test/integration/http/runtime-freshness.test.ts",
  "test/integration/http/runtime.test.ts",
  "test/integration/http/server-failure.test.ts",
  "test/integration/http/version-actions.test.ts",
  "test/integration/services/concurrency.test.ts",
  "test/integration/services/edited-at.test.ts",
  "test/integration/services/pagination.test.ts",
];

export default defineConfig({
  test: {
    testTimeout: 20_000,
    projects: [
      {
        extends: true,
        test: {
          name: "sqlite",
          include: ["test/unit/**/*.test.{ts,tsx}", "test/integration/**/*.test.{ts,tsx}"],
          exclude: ["test/integration/postgres/**"],
        },
      },
      {
        extends: true,
        test: {
          name: "postgres",
          include: [...ON_BOTH_ENGINES, "test/integration/postgres/**/*.test.ts"],
          exclude: SQLITE_ONLY,
          env: { PROMPTRAIL_TEST_ENGINE: "postgres" },
          globalSetup: ["test/support/pg-global-setup.ts"],
        },
      },
    ],
  },
});

import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/** The single-executable check (`npm run test:binary`, after `npm run build:binary`); not part of `vitest run`. */
export default defineConfig({
  root: fileURLToPath(new URL("../..", import.meta.url)),
  test: {
    include: ["test/binary/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});

/**
 * What the support modules clean up after every test (the databases they opened, the servers,
 * workers and temp folders they started), run by the setup file test/support/after-each.ts.
 *
 * Not a top-level `afterEach` in each module: the `sqlite` and `postgres` projects share one
 * module graph per worker between test files (`isolate: false`, vitest.config.ts), so a module
 * is loaded once, and a hook it registered while loading would belong to the first file that
 * imported it only. A setup file runs again for every file.
 */
const cleanups: Array<() => unknown> = [];

/** Runs `cleanup` after every test, after the test file's own afterEach hooks. */
export function afterEveryTest(cleanup: () => unknown): void {
  cleanups.push(cleanup);
}

/** Runs the cleanups, the last registered first (as Vitest runs hooks registered in that order). */
export async function runCleanups(): Promise<void> {
  for (const cleanup of cleanups.toReversed()) await cleanup();
}

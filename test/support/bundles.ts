import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import { inject } from "vitest";
import type { TestProject } from "vitest/node";
// @ts-expect-error: a plain .mjs script without types
import { buildNodeBundle, nodeModule } from "../../scripts/build.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** The worker scripts of raceProcesses (processes.ts), bundled beside the server. */
const WORKERS = ["test/support/lifecycle-worker.ts", "test/support/migrate-worker.ts"];

/**
 * A project's global setup: the server bundled as `npm start` bundles it, and the race workers
 * likewise, once per run, so that every OS process a test starts loads one file instead of
 * transpiling the sources through tsx at each start (about 2 s of CPU each, against 0.4 s).
 * Each project gets its own files in dist/: two projects run side by side.
 */
export default async function setup(project: TestProject) {
  const server = `dist/promptrail-test-${project.name}.mjs`;
  const workers = `dist/test-workers-${project.name}`;
  await buildNodeBundle(server);
  await esbuild.build({ ...nodeModule, entryPoints: WORKERS, outdir: workers, outExtension: { ".js": ".mjs" } });
  project.provide("testBundles", { server: join(root, server), workers: join(root, workers) });
}

/**
 * How to start `script` (src/main.ts or a worker of test/support) as its own process: its bundle
 * when this project's setup built one, else the source through tsx.
 */
export function nodeArgs(script: "src/main.ts" | (typeof WORKERS)[number]): string[] {
  const bundles = inject("testBundles");
  if (!bundles) return ["--import", "tsx", join(root, script)];
  if (script === "src/main.ts") return [bundles.server];
  return [join(bundles.workers, script.replace(/^.*\//, "").replace(/\.ts$/, ".mjs"))];
}

declare module "vitest" {
  export interface ProvidedContext {
    testBundles: { server: string; workers: string };
  }
}

// Bundles the server into dist/promptrail.mjs for `npm start`: one esbuild pass (~100 ms), so
// starting the app never waits on tsc. better-sqlite3 stays external (it loads a native addon
// from its own package folder); everything else is bundled. The bundle finds static/ and htmx
// relative to itself (src/assets.ts), which works because dist/ sits next to static/ and
// node_modules/.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

export const root = fileURLToPath(new URL("..", import.meta.url));

/**
 * The node flags the server runs with, as `npm start` passes them (package.json is where they
 * are written): the single executable embeds them (execArgv) and the benchmarks start the server
 * with them. They bound V8's heap growth (docs/performance.md, "Where the memory goes").
 */
export function serverFlags() {
  const start = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).scripts.start;
  const command = start.split(" && ").at(-1);
  return command.split(" ").filter((word) => word.startsWith("--"));
}

/** Options shared by the Node bundle and the single-executable bundle. */
export const common = {
  absWorkingDir: root,
  bundle: true,
  platform: "node",
  target: "node20",
  jsx: "automatic",
  jsxImportSource: "hono/jsx",
  sourcemap: true,
  legalComments: "none",
  logLevel: "warning",
};

/** An ES module for Node, better-sqlite3 outside it (the scripts the tests start are built so too). */
export const nodeModule = {
  ...common,
  format: "esm",
  external: ["better-sqlite3"],
  // CommonJS dependencies inside an ESM bundle may still call require() for Node built-ins.
  banner: {
    js: 'import { createRequire as __createRequire } from "node:module";\nconst require = __createRequire(import.meta.url);',
  },
};

/** `outfile` stays in dist/: the bundle finds static/ and node_modules/ from there. */
export async function buildNodeBundle(outfile = "dist/promptrail.mjs") {
  return esbuild.build({ ...nodeModule, entryPoints: ["src/main.ts"], outfile });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  try {
    await buildNodeBundle();
  } catch {
    process.exit(1); // esbuild has already printed the errors with their locations
  }
  if (!process.argv.includes("--quiet")) {
    console.error(`built dist/promptrail.mjs in ${Math.round(performance.now() - started)} ms`);
  }
}

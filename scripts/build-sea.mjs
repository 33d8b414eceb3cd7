// Builds the single executable dist/promptrail (Node 20 single executable application):
//   1. esbuild bundles src/sea.ts and everything it imports into ONE CommonJS file;
//   2. node --experimental-sea-config turns it, with the static files and better-sqlite3's
//      native addon as assets, into a preparation blob;
//   3. postject injects the blob into a copy of this very node binary.
// The result runs on machines of the same OS and CPU without Node or node_modules.
// Linux only for now: macOS and Windows need code-signing steps that are not written yet.
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import postject from "postject";
import { common, root } from "./build.mjs";

const require = createRequire(import.meta.url);
const SENTINEL = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2";
const work = join(root, "dist", "sea");

/** The files embedded in the binary, by the names src/sea.ts and src/assets.ts ask for. */
export function seaAssets() {
  return {
    "better_sqlite3.node": join(
      require.resolve("better-sqlite3/package.json").replace(/package\.json$/, ""),
      "build/Release/better_sqlite3.node",
    ),
    "app.css": join(root, "static/app.css"),
    "app.js": join(root, "static/app.js"),
    "contract.js": join(root, "static/contract.js"),
    "htmx.min.js": require.resolve("htmx.org/dist/htmx.min.js"),
  };
}

export async function buildBinary({
  output = join(root, "dist", "promptrail"),
  strip = true,
  log = console.error,
} = {}) {
  if (process.platform !== "linux") throw new Error(`build:binary supports Linux only (this is ${process.platform})`);
  const started = performance.now();
  const assets = seaAssets();
  for (const [name, file] of Object.entries(assets)) {
    try {
      statSync(file);
    } catch {
      throw new Error(`SEA asset ${name} is missing: ${file}`);
    }
  }
  mkdirSync(work, { recursive: true });

  const bundle = join(work, "promptrail.cjs");
  await esbuild.build({
    ...common,
    entryPoints: ["src/sea.ts"],
    outfile: bundle,
    format: "cjs",
    sourcemap: false,
    // The SEA's own `require` loads only built-ins; a real one is needed for the .node addon.
    // src/assets.ts reads files via import.meta.url only when no embedded reader is set, which
    // never happens in the binary; give it a well-defined value instead of esbuild's empty object.
    banner: {
      js: 'require = require("node:module").createRequire(__filename);\nvar __import_meta_url = require("node:url").pathToFileURL(__filename).href;',
    },
    define: { "import.meta.url": "__import_meta_url" },
    logOverride: { "empty-import-meta": "error" },
  });

  const blob = join(work, "sea-prep.blob");
  const config = join(work, "sea-config.json");
  writeFileSync(
    config,
    `${JSON.stringify(
      {
        main: bundle,
        output: blob,
        disableExperimentalSEAWarning: true,
        useSnapshot: false, // breaks with this app's bundle (see DESIGN.md)
        useCodeCache: true,
        assets,
      },
      null,
      2,
    )}\n`,
  );
  try {
    execFileSync(process.execPath, ["--experimental-sea-config", config], { stdio: "pipe" });
  } catch (error) {
    throw new Error(`node --experimental-sea-config failed:\n${error.stderr ?? error.message}`);
  }

  // Inject into a copy, then rename: a half-written binary never sits at the output path.
  const partial = `${output}.partial`;
  rmSync(partial, { force: true });
  copyFileSync(process.execPath, partial);
  chmodSync(partial, 0o755);
  if (strip) stripSymbols(partial, log);
  await quietly(() => postject.inject(partial, "NODE_SEA_BLOB", readFileSync(blob), { sentinelFuse: SENTINEL }));
  renameSync(partial, output);

  const size = statSync(output).size;
  log(
    `built ${output} (${(size / 1024 / 1024).toFixed(1)} MiB, Node ${process.version}) in ${Math.round(performance.now() - started)} ms`,
  );
  return output;
}

/**
 * Drops node's symbol table and debug info (about 12 MiB) before the blob goes in; the dynamic
 * symbols that native addons link against stay. Skipped, with a note, where binutils is missing.
 */
function stripSymbols(file, log) {
  try {
    execFileSync("strip", ["--strip-all", file], { stdio: "pipe" });
  } catch (error) {
    log(
      `note: not stripped (${error.code === "ENOENT" ? "no strip command" : String(error.stderr ?? error.message).trim()})`,
    );
  }
}

/**
 * postject's ELF library warns "Can't find string offset for section name '.note…'" for each of
 * node's notes; harmless (the notes are kept), and noise in every build log.
 */
async function quietly(run) {
  const warn = console.warn;
  console.warn = (...args) => {
    if (!/^warning: Can't find string offset for section name/.test(String(args[0]))) warn(...args);
  };
  try {
    return await run();
  } finally {
    console.warn = warn;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    await buildBinary({ strip: !process.argv.includes("--no-strip") });
  } catch (error) {
    console.error(`build:binary failed: ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  }
}

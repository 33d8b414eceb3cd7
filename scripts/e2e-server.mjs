// The web server of the Playwright run (playwright.config.ts): deletes the database named by
// PROMPTRAIL_DB so that every run starts empty, bundles the app, then runs it in this process.
import { rmSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { buildNodeBundle, root } from "./build.mjs";

const dbFile = process.env.PROMPTRAIL_DB;
if (!dbFile) throw new Error("e2e-server: PROMPTRAIL_DB must name the (throw-away) test database");
for (const suffix of ["", "-wal", "-shm"]) rmSync(`${dbFile}${suffix}`, { force: true });

await buildNodeBundle();
await import(pathToFileURL(`${root}/dist/promptrail.mjs`).href);

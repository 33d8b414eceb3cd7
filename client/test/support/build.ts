import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

/**
 * The client project's setup: the package is built as it ships (tsc into client/dist, which the
 * tests import as "@promptrail/client"), and the server as `npm start` runs it (dist/promptrail.mjs),
 * so that the tests talk to a real server process.
 */
export default function setup() {
  const root = fileURLToPath(new URL("../../..", import.meta.url));
  const tsc = fileURLToPath(new URL("../../../node_modules/typescript/bin/tsc", import.meta.url));
  execFileSync(process.execPath, [tsc, "-p", "client/tsconfig.json"], { cwd: root, stdio: "inherit" });
  execFileSync(process.execPath, ["scripts/build.mjs", "--quiet"], { cwd: root, stdio: "inherit" });
}

import { resolve } from "node:path";

/**
 * The folder the user stands in. `npm run cli -- VERB` runs from the checkout's root whatever
 * folder it was typed in; npm names that folder in INIT_CWD. So in our own `cli` script a
 * relative path the user gives (DIR, FILE, --db, --out, PROMPTRAIL_DB) is theirs, as it is for
 * the single executable and every other way of running it.
 */
function userFolder(env: NodeJS.ProcessEnv): string | null {
  const ours = env.npm_lifecycle_event === "cli" && env.npm_package_name === "promptrail";
  return ours && env.INIT_CWD ? env.INIT_CWD : null;
}

/**
 * A path the user gave, resolved against the folder they stand in when that is not the
 * process's own folder; otherwise as given (relative to the working folder, as always).
 */
export function userPath(env: NodeJS.ProcessEnv, path: string): string {
  const folder = userFolder(env);
  return folder === null ? path : resolve(folder, path);
}

import { existsSync, linkSync, realpathSync, renameSync, rmSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { connect, type SqliteDb } from "./connect.js";

export interface BackupResult {
  file: string;
  bytes: number;
  ms: number;
}

/** Pages per backup step: all of them, so the copy is one consistent snapshot (see below). */
const ALL_PAGES = 0x7fffffff;

/**
 * A copy of the live database with SQLite's online backup API, safe while a server writes to
 * it. The copy is taken in one step under one read transaction: a step-by-step backup restarts
 * whenever another process writes between steps, and might never finish on a busy server. WAL
 * lets writers go on meanwhile. The copy is written beside the target, switched to a
 * single-file journal, checked with `PRAGMA integrity_check`, and only then put in place: a
 * target never holds half a backup, and is never replaced unless `force`.
 */
export async function backupDatabase(
  source: SqliteDb,
  sourceFile: string,
  target: string,
  { force = false } = {},
): Promise<BackupResult> {
  const started = performance.now();
  const file = resolve(target);
  refuseTarget(sourceFile, file, force);
  const partial = join(dirname(file), `.${basename(file)}.partial-${process.pid}`);
  try {
    await source.sqlite.backup(partial, { progress: () => ALL_PAGES });
    await checkCopy(partial);
    place(partial, file, force);
    return { file, bytes: statSync(file).size, ms: Math.round(performance.now() - started) };
  } finally {
    for (const suffix of ["", "-journal", "-wal", "-shm"]) rmSync(`${partial}${suffix}`, { force: true });
  }
}

function refuseTarget(sourceFile: string, file: string, force: boolean): void {
  if (!existsSync(dirname(file))) throw new Error(`the folder ${dirname(file)} does not exist: create it first`);
  if (!existsSync(file)) return;
  if (statSync(file).isDirectory())
    throw new Error(`${file} is a folder: name the backup file, e.g. ${join(file, "promptrail.db")}`);
  if (realpathSync(file) === realpathSync(sourceFile))
    throw new Error(`${file} is the database itself: name another file`);
  if (!force) throw new Error(`${file} exists: pass --force to replace it, or name a new file`);
}

async function checkCopy(file: string): Promise<void> {
  const copy = connect(file);
  try {
    copy.sqlite.pragma("journal_mode = DELETE");
    const result = copy.sqlite.pragma("integrity_check", { simple: true });
    if (result !== "ok") throw new Error(`the copy failed its integrity check (${String(result)}): try again`);
  } finally {
    await copy.close();
  }
}

/** rename() replaces; link() refuses an existing target, so a file created meanwhile survives. */
function place(partial: string, file: string, force: boolean): void {
  if (force) {
    renameSync(partial, file);
    return;
  }
  try {
    linkSync(partial, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST")
      throw new Error(`${file} appeared during the backup: pass --force to replace it, or name a new file`);
    if (existsSync(file)) throw error;
    renameSync(partial, file); // a file system without hard links
  }
}

/**
 * One line for a failure that is not the operator's typo (exit 1), saying what to do where the
 * cause is a known one: SQLite's and the file system's own messages name neither the file nor
 * the fix.
 */
export function explain(error: unknown): string {
  const { code, message, path, address, port } = (error ?? {}) as Record<string, unknown>;
  const text = typeof message === "string" ? message : String(error);
  const where =
    typeof path === "string" ? ` (${path})` : typeof address === "string" ? ` (${address}:${String(port)})` : "";
  const hint = typeof code === "string" ? HINTS[code] : undefined;
  return (hint ? `${hint}${where}` : text).replace(/\s*\n\s*/g, " ").trim();
}

const HINTS: Record<string, string> = {
  SQLITE_BUSY: "the database stayed locked by another process for 5 s: try again when it is less busy",
  SQLITE_NOTADB: "that file is not a SQLite database: check --db",
  SQLITE_CORRUPT: "the database file is damaged: restore it from a backup",
  SQLITE_CANTOPEN: "cannot open the database file: check --db, the folder and its permissions",
  SQLITE_READONLY: "the database file is read-only for this user: run as the user that owns it",
  SQLITE_FULL: "the disk is full: free some space and try again",
  ENOENT: "no such file or folder: check the path",
  EACCES: "permission denied: run as a user that may read and write it",
  ENOSPC: "the disk is full: free some space and try again",
  EADDRINUSE: "something else listens on that address and port: stop it or pick another --port",
  EADDRNOTAVAIL: "--host is not an address of this machine: use one it has, e.g. 127.0.0.1",
};

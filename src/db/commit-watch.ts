import { closeSync, openSync, readSync } from "node:fs";
import type SQLite from "better-sqlite3";

/** Answers whether any connection, in this process or another, committed since the previous call. */
export type CommitWatch = () => boolean;

/** The wal-index header: 48 bytes, kept twice at the start of the -shm file (sqlite.org/walformat.html). */
const HEADER_BYTES = 48;
/** `iVersion` of the wal-index format every SQLite since 3.7.0 writes; anything else means: use the slow path. */
const WAL_INDEX_VERSION = 3007000;

/**
 * A cheap, exact commit check on a WAL database. Every commit, by any connection in any process,
 * publishes a new wal-index header in the -shm file (its `iChange` counts transactions); readers
 * start from that header, so a commit that has not changed it is not visible to any reader yet.
 * Reading the 96 bytes is one pread — against ~7 µs for `PRAGMA data_version`, which opens a read
 * transaction with its shm locks. A torn read (the two copies differ, a writer is mid-update) or
 * an unknown format counts as a change, so the answer errs only towards "changed". Null when the
 * file has no -shm to read (not WAL): then use `dataVersionWatch`.
 */
export function walIndexWatch(reader: SQLite.Database): { watch: () => CommitWatch; close: () => void } | null {
  if (reader.memory || reader.pragma("journal_mode", { simple: true }) !== "wal") return null;
  reader.pragma("data_version"); // makes sure this connection has opened the WAL and its -shm
  let fd: number;
  try {
    fd = openSync(`${reader.name}-shm`, "r");
  } catch {
    return null;
  }
  const now = Buffer.alloc(2 * HEADER_BYTES);
  const version = new Uint32Array(now.buffer, now.byteOffset, 1);
  return {
    watch() {
      const seen = Buffer.alloc(HEADER_BYTES);
      let known = false;
      return () => {
        const read = readSync(fd, now, 0, now.length, 0);
        const first = now.subarray(0, HEADER_BYTES);
        const whole = read === now.length && first.equals(now.subarray(HEADER_BYTES));
        if (!whole || version[0] !== WAL_INDEX_VERSION) {
          known = false;
          return true;
        }
        if (known && first.equals(seen)) return false;
        first.copy(seen);
        known = true;
        return true;
      };
    },
    close: () => closeSync(fd),
  };
}

/** The portable, slower check: `PRAGMA data_version` on the read-only connection (one read transaction). */
export function dataVersionWatch(reader: SQLite.Database): CommitWatch {
  const dataVersion = reader.prepare<[], number>("PRAGMA data_version").pluck();
  let seen: number | undefined;
  return () => {
    const now = dataVersion.get();
    if (now === seen) return false;
    seen = now;
    return true;
  };
}

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll } from "vitest";
import { type ConnectOptions, connect, type Db } from "../../src/db/connect.js";
import { migrateToLatest } from "../../src/db/migrate.js";
import { createServices } from "../../src/services/index.js";
import type { PromotionCheck } from "../../src/services/versions.service.js";

const opened: Array<{ db: Db; dir: string }> = [];

afterEach(async () => {
  for (const { db, dir } of opened.splice(0)) {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

async function openDb(options: ConnectOptions = {}): Promise<Db & { file: string; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), "promptrail-test-"));
  const file = join(dir, "promptrail.db");
  const db = connect(file, options);
  await migrateToLatest(db.kysely);
  return Object.assign(db, { file, dir });
}

/** A fresh, migrated SQLite file in its own temp folder, closed and removed after the test. */
export async function freshDb(options: ConnectOptions = {}): Promise<Db & { file: string; dir: string }> {
  const db = await openDb(options);
  opened.push({ db, dir: db.dir });
  return db;
}

export interface ServiceOptions {
  /** A pinned clock. */
  now?: () => Date;
  /** Checks run inside every promotion (the TEST gate, or a test's own). */
  promotionChecks?: PromotionCheck[];
}

/** Services over a fresh database, with the database for raw SQL checks. */
export async function freshServices(options: ServiceOptions = {}) {
  const db = await freshDb();
  return { db, ...createServices({ db, ...options }) };
}

export type TestServices = Awaited<ReturnType<typeof freshServices>>;

/**
 * One database for every test of a file (for tests that must leave it unchanged), set up once by
 * `setup`, closed after the last test. Answers a getter, valid inside tests.
 */
export function sharedServices(setup: (s: TestServices) => Promise<void>): () => TestServices {
  let shared: TestServices | undefined;
  beforeAll(async () => {
    const db = await openDb();
    shared = { db, ...createServices({ db }) };
    await setup(shared);
  });
  afterAll(async () => {
    if (!shared) return;
    await shared.db.close();
    rmSync(shared.db.dir, { recursive: true, force: true });
  });
  return () => {
    if (!shared) throw new Error("sharedServices is only ready inside tests");
    return shared;
  };
}

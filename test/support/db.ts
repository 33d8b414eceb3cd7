import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import { connect, type Db } from "../../src/db/connect.js";
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

/** A fresh, migrated SQLite file in its own temp folder, closed and removed after the test. */
export async function freshDb(): Promise<Db & { file: string; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), "promptrail-test-"));
  const file = join(dir, "promptrail.db");
  const db = connect(file);
  await migrateToLatest(db.kysely);
  opened.push({ db, dir });
  return Object.assign(db, { file, dir });
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
  return { db, ...createServices({ db: db.kysely, ...options }) };
}

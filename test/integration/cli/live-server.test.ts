import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, expect, test } from "vitest";
import { connect } from "../../../src/db/connect.js";
import { migrateToLatest } from "../../../src/db/migrate.js";
import { createServices } from "../../../src/services/index.js";
import { cliProcess, listeningUrl, spawnCli } from "../../support/cli.js";

let server: ChildProcessWithoutNullStreams | undefined;
let dir: string | undefined;
afterEach(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server?.once("exit", resolve));
    server.kill("SIGTERM");
    await exited;
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A database of some megabytes, so that a copy takes a while. */
async function seed(file: string, prompts: number) {
  const db = connect(file);
  await migrateToLatest(db.kysely);
  const s = createServices({ db });
  const text = "Answer the customer in plain words, {{name}}.\n".repeat(4000); // ~180 kB
  for (let i = 0; i < prompts; i++) {
    await s.prompts.create({ name: `seed-${i}`, body: `${i} ${text}` });
    await s.versions.save(`seed-${i}`, "1.0", { body: `${i} edited ${text}` });
  }
  await db.close();
}

/** Creates and edits prompts over HTTP, two at a time, until stopped; answers how many writes it made. */
function writeContinuously(base: string) {
  let stop = false;
  let writes = 0;
  const json = { "Content-Type": "application/json", Accept: "application/json" };
  const loop = async (lane: number) => {
    for (let i = 0; !stop; i++) {
      const name = `live-${lane}-${i}`;
      const created = await fetch(`${base}/prompts`, {
        method: "POST",
        headers: json,
        body: JSON.stringify({ name, body: "v1" }),
      });
      expect(created.status).toBe(201);
      const saved = await fetch(`${base}/prompts/${name}/versions/1.0/save`, {
        method: "POST",
        headers: json,
        body: JSON.stringify({ body: "v2", revision: 1 }),
      });
      expect(saved.status).toBe(200);
      writes += 2;
    }
  };
  const lanes = Promise.all([loop(0), loop(1)]);
  return {
    count: () => writes,
    async stop() {
      stop = true;
      await lanes;
      return writes;
    },
  };
}

test("backup, export and migrate work while a server writes to the same file", async () => {
  dir = mkdtempSync(join(tmpdir(), "promptrail-live-"));
  const file = join(dir, "live.db");
  await seed(file, 40);
  server = spawnCli(["serve", "--port", "0", "--db", file], { PROMPTRAIL_LOG: "json" });
  const base = await listeningUrl(server);
  const writer = writeContinuously(base);
  while (writer.count() < 20) await new Promise((resolve) => setTimeout(resolve, 20));

  const copy = join(dir, "copy.db");
  const before = writer.count();
  const [backup, exported, migrated] = await Promise.all([
    cliProcess(["backup", copy, "--db", file]),
    cliProcess(["export", "--db", file, "--out", join(dir, "live.json")]),
    cliProcess(["migrate", "--db", file]),
  ]);
  const during = writer.count() - before;
  const total = await writer.stop();

  expect(backup).toMatchObject({ code: 0, stderr: "" });
  expect(backup.stdout).toMatch(/integrity ok/);
  expect(exported).toMatchObject({ code: 0 });
  expect(migrated).toEqual({ code: 0, stdout: `${file} is up to date\n`, stderr: "" });
  expect(during).toBeGreaterThan(0);

  // The copy is one consistent moment: every version holds the revision of its text (R5).
  const db = new Database(copy, { readonly: true });
  expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
  expect(db.pragma("foreign_key_check")).toEqual([]);
  const torn = db
    .prepare(`SELECT count(*) AS n FROM versions v WHERE NOT EXISTS (SELECT 1 FROM revisions r
      WHERE r.version_id = v.id AND r.revision = v.revision AND r.content_hash = v.content_hash)`)
    .get();
  expect(torn).toEqual({ n: 0 });
  const { n } = db.prepare("SELECT count(*) AS n FROM prompts WHERE name LIKE 'live-%'").get() as { n: number };
  expect(n).toBeGreaterThanOrEqual(Math.floor(before / 2));
  expect(n).toBeLessThanOrEqual(Math.ceil(total / 2) + 2);
  db.close();

  const doc = JSON.parse(readFileSync(join(dir, "live.json"), "utf8"));
  expect(doc.prompts.filter((p: { name: string }) => p.name.startsWith("seed-"))).toHaveLength(40);
}, 60_000);

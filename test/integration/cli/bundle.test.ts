import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { createApp } from "../../../src/app.js";
import { canonicalJson, type Json } from "../../../src/domain/content.js";
import { createServices } from "../../../src/services/index.js";
import { PASSWORD } from "../../support/accounts.js";
import { cli, tempFolder } from "../../support/cli.js";
import { freshDb } from "../../support/db.js";
import { serveUntilTestEnds } from "../../support/servers.js";

/**
 * `promptrail bundle` (docs/applications.md, "The offline bundle"): every prompt's current
 * version in a stage as one JSON document whose sha256 any reader can recompute, from the
 * database or from a running server, the same either way.
 */
/** support-reply: PROD v1.1 (v1.0 PROD too, not current), TST v1.2; chat-triage: PROD v1.0, a chat; draft-only: DEV only. */
async function registry() {
  const db = await freshDb();
  const s = createServices({ db });
  await s.prompts.create({ name: "support-reply", body: "Answer {{ticket}}", config: { temperature: 0.2 } });
  await s.versions.promote("support-reply", "1.0", { to: "TST" });
  await s.versions.promote("support-reply", "1.0", { to: "PROD" });
  await s.versions.createNew("support-reply", "1.0");
  await s.versions.save("support-reply", "1.1", { body: "Answer kindly: {{ticket}}" });
  await s.versions.promote("support-reply", "1.1", { to: "TST" });
  await s.versions.promote("support-reply", "1.1", { to: "PROD" });
  await s.versions.createNew("support-reply", "1.1");
  await s.versions.promote("support-reply", "1.2", { to: "TST" });
  await s.prompts.create({
    name: "chat-triage",
    type: "chat",
    messages: [
      { role: "system", content: "Sort tickets for {{team}}." },
      { type: "placeholder", name: "history" },
    ],
  });
  await s.versions.promote("chat-triage", "1.0", { to: "TST" });
  await s.versions.promote("chat-triage", "1.0", { to: "PROD" });
  await s.promptEdits.archive("chat-triage"); // archived: the runtime read still answers it, so the bundle has it
  await s.prompts.create({ name: "draft-only", body: "not yet" });
  const app = createApp({ db });
  return { db, s, app };
}

/** The runtime read's JSON of a stage, without `actions`: what the bundle must hold. */
async function runtimeRead(app: ReturnType<typeof createApp>, name: string, stage: string) {
  const res = await app.request(`/prompts/${name}/stages/${stage}`, { headers: { accept: "application/json" } });
  const { actions: _actions, ...version } = (await res.json()) as Record<string, Json>;
  return version;
}

const withoutTime = (doc: Record<string, unknown>) => ({ ...doc, createdAt: "", sha256: "" });

describe("promptrail bundle", () => {
  test("from the database: every current version of the stage, as the runtime read answers it, and a sha256 over the rest", async () => {
    const { db, app } = await registry();
    const run = await cli(["bundle", "--stage", "prod", "--db", db.file]);
    expect([run.code, run.stderr]).toEqual([0, ""]);
    const doc = JSON.parse(run.stdout);
    expect(Object.keys(doc)).toEqual(["format", "stage", "createdAt", "prompts", "sha256"]);
    expect(doc).toMatchObject({ format: "promptrail-bundle", stage: "PROD" });
    expect(Date.now() - Date.parse(doc.createdAt)).toBeLessThan(60_000);
    expect(Object.keys(doc.prompts)).toEqual(["chat-triage", "support-reply"]);
    expect(doc.prompts["support-reply"]).toEqual(await runtimeRead(app, "support-reply", "PROD"));
    expect(doc.prompts["chat-triage"]).toEqual(await runtimeRead(app, "chat-triage", "PROD"));
    expect(doc.prompts["support-reply"]).toMatchObject({ version: "1.1", body: "Answer kindly: {{ticket}}" });
    // sha256: hex SHA-256 of the canonical JSON (keys sorted, no whitespace) of everything but itself.
    const { sha256, ...rest } = doc;
    expect(sha256).toBe(createHash("sha256").update(canonicalJson(rest), "utf8").digest("hex"));

    const tst = JSON.parse((await cli(["bundle", "--stage", "TST", "--db", db.file])).stdout);
    expect(tst.stage).toBe("TST");
    expect(Object.keys(tst.prompts)).toEqual(["support-reply"]);
    expect(tst.prompts["support-reply"].version).toBe("1.2");
  });

  test("--out writes the file whole and says what it wrote on stderr", async () => {
    const { db } = await registry();
    const file = join(tempFolder(), "promptrail-bundle.json");
    const run = await cli(["bundle", "--stage", "PROD", "--db", db.file, "--out", file]);
    const doc = JSON.parse(readFileSync(file, "utf8"));
    expect(run).toEqual({
      code: 0,
      stdout: "",
      stderr: `Bundled 2 prompt(s) current in PROD from ${db.file} to ${file} (sha256 ${doc.sha256})\n`,
    });
  });

  test("from a running server (--url, with PROMPTRAIL_TOKEN in secured mode): the same document", async () => {
    const { db, s, app } = await registry();
    const url = await serveUntilTestEnds(app);
    const fromDb = JSON.parse((await cli(["bundle", "--stage", "PROD", "--db", db.file])).stdout);
    const open = await cli(["bundle", "--stage", "PROD", "--url", url]);
    expect([open.code, open.stderr]).toEqual([0, ""]);
    expect(withoutTime(JSON.parse(open.stdout))).toEqual(withoutTime(fromDb));

    await s.users.add({ name: "ada", role: "admin", password: PASSWORD });
    const token = (await s.tokens.create({ user: "ada", label: "ci", readOnly: true })).secret;
    const refused = await cli(["bundle", "--stage", "PROD", "--url", url]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/PROMPTRAIL_TOKEN/);
    const secured = await cli(["bundle", "--stage", "PROD", "--url", url], { env: { PROMPTRAIL_TOKEN: token } });
    expect(withoutTime(JSON.parse(secured.stdout))).toEqual(withoutTime(fromDb));
  });

  test("a stage with no current version anywhere gives an empty bundle, and says so", async () => {
    const db = await freshDb();
    await createServices({ db }).prompts.create({ name: "draft", body: "x" });
    const run = await cli(["bundle", "--stage", "PROD", "--db", db.file]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(`No prompt has a current PROD version in ${db.file}: the bundle is empty\n`);
    expect(JSON.parse(run.stdout).prompts).toEqual({});
  });

  test("wrong usage is exit 2 with the usage; a missing database or server is exit 1 with one line", async () => {
    const dir = tempFolder();
    for (const [argv, message] of [
      [["bundle"], "--stage is required"],
      [["bundle", "--stage", "LIVE"], '--stage takes DEV, TST or PROD, not "LIVE"'],
      [["bundle", "--stage", "PROD", "--url", "ftp://x"], "--url takes an http(s) URL"],
      [
        ["bundle", "--stage", "PROD", "--url", "http://127.0.0.1:9", "--db", "x.db"],
        "read from a server (--url) or from a database (--db, --database-url), not both",
      ],
    ] as const) {
      const run = await cli([...argv]);
      expect(run.code, argv.join(" ")).toBe(2);
      expect(run.stderr).toContain(message);
      expect(run.stderr).toContain("Usage: promptrail bundle --stage STAGE");
    }
    const noFile = await cli(["bundle", "--stage", "PROD", "--db", join(dir, "none.db")]);
    expect(noFile).toMatchObject({ code: 1, stdout: "" });
    expect(noFile.stderr).toMatch(/^promptrail bundle: no database at .*none\.db/);
    const noServer = await cli(["bundle", "--stage", "PROD", "--url", "http://127.0.0.1:9"]);
    expect(noServer).toMatchObject({ code: 1, stdout: "" });
    expect(noServer.stderr).toMatch(/^promptrail bundle: cannot reach Promptrail at http:\/\/127\.0\.0\.1:9/);
  });
});

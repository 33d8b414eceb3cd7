import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { createApp } from "../../../src/app.js";
import { createServices } from "../../../src/services/index.js";
import { cli, tempFolder } from "../../support/cli.js";
import { freshDb } from "../../support/db.js";
import { serveUntilTestEnds } from "../../support/servers.js";
import { dumpAll } from "../../support/state.js";

/** A real server over a fresh registry: greet has v1.0 PROD, v1.1 TST, v1.2 a DEV draft. */
async function registry() {
  const db = await freshDb();
  const s = createServices({ db });
  await s.prompts.create({
    name: "greet",
    description: "Greets a customer",
    body: "Hello {{name}}.\nWelcome!",
    config: { temperature: 0.2, model: "gpt-4o-mini", extra: { z: 1, a: [2, { y: 1, b: 2 }] } },
  });
  await s.versions.promote("greet", "1.0");
  await s.versions.promote("greet", "1.0", { to: "PROD" });
  await s.versions.createNew("greet", "1.0");
  await s.versions.save("greet", "1.1", { body: "Hi {{name}}!" });
  await s.versions.promote("greet", "1.1");
  await s.versions.createNew("greet", "1.1");
  await s.versions.makeCurrent("greet", "1.2");
  await s.prompts.create({ name: "old-triage", body: "Sort {{ticket}}" });
  await s.promptEdits.archive("old-triage");
  const url = await serveUntilTestEnds(createApp({ db }));
  return { db, s, url, dump: () => dumpAll(db) };
}

const git = (dir: string, ...args: string[]) =>
  execFileSync("git", ["-c", "user.name=Test", "-c", "user.email=test@example.com", ...args], {
    cwd: dir,
    encoding: "utf8",
  });

function repo(): string {
  const dir = tempFolder();
  git(dir, "init", "-q");
  return dir;
}

const read = (dir: string, path: string) => readFileSync(join(dir, path), "utf8");
const edit = (dir: string, path: string, change: (text: string) => string) =>
  writeFileSync(join(dir, path), change(read(dir, path)));

describe("prompts as code (docs/prompts-as-code.md): a round trip in a Git repository", () => {
  test("pull, edit a DEV draft, diff shows it, push saves it as a new revision, check is clean", async () => {
    const r = await registry();
    const dir = repo();
    const run = (...argv: string[]) => cli([...argv, dir, "--url", r.url]);

    const pulled = await run("pull");
    expect(pulled, pulled.stderr).toMatchObject({ code: 0 });
    expect(pulled.stdout).toMatch(/Pulled 2 prompt\(s\), 4 version\(s\)/);
    expect(git(dir, "ls-files", "--others").split("\n").filter(Boolean).sort()).toEqual([
      "greet/prompt.json",
      "greet/v1.0.meta.json",
      "greet/v1.0.txt",
      "greet/v1.1.meta.json",
      "greet/v1.1.txt",
      "greet/v1.2.meta.json",
      "greet/v1.2.txt",
      "old-triage/prompt.json",
      "old-triage/v1.0.meta.json",
      "old-triage/v1.0.txt",
    ]);
    expect(read(dir, "greet/v1.0.txt")).toBe("Hello {{name}}.\nWelcome!");
    const meta = JSON.parse(read(dir, "greet/v1.0.meta.json"));
    expect(Object.keys(meta)).toEqual(["stage", "current", "revision", "contentHash", "createdFrom", "config"]);
    expect(meta).toMatchObject({ stage: "PROD", current: true, revision: 1, createdFrom: null });
    // Config keys sorted at every level, whatever order they were saved in.
    expect(Object.keys(meta.config)).toEqual(["extra", "model", "temperature"]);
    expect(JSON.stringify(meta.config.extra)).toBe('{"a":[2,{"b":2,"y":1}],"z":1}');
    expect(JSON.parse(read(dir, "greet/prompt.json"))).toEqual({ description: "Greets a customer", type: "text" });
    git(dir, "add", "-A");
    git(dir, "commit", "-qm", "pulled");

    // The same registry gives byte-identical files.
    expect((await run("pull")).code).toBe(0);
    expect(git(dir, "status", "--porcelain")).toBe("");
    expect(await run("check")).toMatchObject({ code: 0 });

    edit(dir, "greet/v1.2.txt", () => "Hi {{name}}, good to see you!");
    const diff = await run("diff");
    expect(diff.code).toBe(0);
    expect(diff.stdout).toContain("~ greet v1.2 (DEV): saved as revision 2");
    expect(diff.stdout).toContain("-Hi {{name}}!");
    expect(diff.stdout).toContain("+Hi {{name}}, good to see you!");
    const dirty = await run("check");
    expect(dirty.code).toBe(1);
    expect(dirty.stdout).toBe("differs   greet/v1.2.txt\n");

    const pushed = await run("push");
    expect(pushed, pushed.stderr).toMatchObject({ code: 0 });
    expect(pushed.stdout).toContain("greet v1.2: saved as revision 2");
    const saved = await r.s.versions.get("greet", "1.2");
    expect(saved).toMatchObject({ version: "1.2", stage: "DEV", revision: 2, body: "Hi {{name}}, good to see you!" });
    expect((await r.s.prompts.get("greet")).versions.map((v) => v.version)).toEqual(["1.2", "1.1", "1.0"]);
    expect(git(dir, "status", "--porcelain").split("\n").filter(Boolean).sort()).toEqual([
      " M greet/v1.2.meta.json",
      " M greet/v1.2.txt",
    ]);
    expect(JSON.parse(read(dir, "greet/v1.2.meta.json"))).toMatchObject({
      revision: 2,
      contentHash: saved.contentHash,
    });
    expect(await run("check")).toMatchObject({ code: 0 });
    expect((await run("diff")).stdout).toBe("Nothing to push.\n");
  });

  test("a PROD file edited locally makes push exit 1 and write nothing, even the changes that were fine", async () => {
    const r = await registry();
    const dir = repo();
    const run = (...argv: string[]) => cli([...argv, dir, "--url", r.url]);
    await run("pull");
    git(dir, "add", "-A");
    git(dir, "commit", "-qm", "pulled");
    edit(dir, "greet/v1.0.txt", (t) => `${t}\nP.S. new in PROD?`);
    edit(dir, "greet/v1.2.txt", () => "a fine DEV edit");
    writeFileSync(join(dir, "greet/idea.txt"), "a new draft");
    const before = await r.dump();
    const files = git(dir, "status", "--porcelain");
    const pushed = await run("push");
    expect(pushed.code).toBe(1);
    expect(pushed.stdout).toContain("! greet v1.0: is in PROD, and PROD versions never change");
    expect(pushed.stderr).toMatch(/nothing was written/);
    expect(await r.dump()).toEqual(before);
    expect(git(dir, "status", "--porcelain")).toBe(files);
    // The same for a conflict: the draft was edited in Promptrail since the pull.
    git(dir, "checkout", "--", "greet/v1.0.txt");
    rmSync(join(dir, "greet/idea.txt"));
    await r.s.versions.save("greet", "1.2", { body: "someone else's edit" });
    const stale = await r.dump();
    const conflict = await run("push");
    expect(conflict.code).toBe(1);
    expect(conflict.stdout).toContain(
      "! greet v1.2: was edited in Promptrail too: it is at revision 2, your files at 1",
    );
    expect(await r.dump()).toEqual(stale);
    expect(read(dir, "greet/v1.2.txt")).toBe("a fine DEV edit");
  });
});

describe("push: new drafts and new prompts", () => {
  test("a new text file is a new DEV draft, renamed to the number it got; a new folder is a new prompt", async () => {
    const r = await registry();
    const dir = repo();
    const run = (...argv: string[]) => cli([...argv, dir, "--url", r.url]);
    await run("pull");
    writeFileSync(join(dir, "greet/idea.txt"), "Yo {{name}}");
    writeFileSync(join(dir, "greet/idea.meta.json"), JSON.stringify({ config: { temperature: 1 } }));
    writeFileSync(join(dir, "greet/v2.0.txt"), "A whole new take, {{name}}");
    execFileSync("mkdir", [join(dir, "welcome")]);
    writeFileSync(join(dir, "welcome/prompt.json"), '{"description":"First mail"}');
    writeFileSync(join(dir, "welcome/v1.0.txt"), "Welcome aboard, {{name}}");
    writeFileSync(join(dir, "welcome/z-later.txt"), "Welcome back, {{name}}");
    writeFileSync(join(dir, "greet/prompt.json"), '{"description": "Greets a customer by name"}');
    await r.s.versions.createNew("greet", "1.0"); // v1.3, made in Promptrail since the pull
    const diff = await run("diff");
    expect(diff.stdout).toContain('~ greet: description "Greets a customer" → "Greets a customer by name"');
    expect(diff.stdout).toContain("  greet v1.3: only in Promptrail: pull to get it");
    expect(diff.stdout).toContain("+ greet: new DEV draft from greet/idea.txt");
    expect(diff.stdout).toContain("+ greet: new DEV draft from greet/v2.0.txt (a new major version)");
    expect(diff.stdout).toContain("+ welcome: new prompt, v1.0 from welcome/v1.0.txt");
    expect(diff.stdout).toContain("+ welcome: new DEV draft from welcome/z-later.txt");
    const pushed = await run("push");
    expect(pushed, pushed.stdout + pushed.stderr).toMatchObject({ code: 0 });
    expect((await r.s.prompts.get("greet")).description).toBe("Greets a customer by name");
    expect(await r.s.versions.get("greet", "1.4")).toMatchObject({
      stage: "DEV",
      current: false,
      body: "Yo {{name}}",
      config: { temperature: 1 },
      createdFrom: "1.3",
    });
    expect(await r.s.versions.get("greet", "2.0")).toMatchObject({
      body: "A whole new take, {{name}}",
      createdFrom: "1.4",
    });
    expect(await r.s.versions.get("welcome", "1.1")).toMatchObject({ body: "Welcome back, {{name}}" });
    expect(existsSync(join(dir, "greet/idea.txt"))).toBe(false);
    expect(existsSync(join(dir, "greet/idea.meta.json"))).toBe(false);
    expect(read(dir, "greet/v1.4.txt")).toBe("Yo {{name}}");
    expect(existsSync(join(dir, "welcome/z-later.txt"))).toBe(false);
    expect(read(dir, "welcome/v1.1.txt")).toBe("Welcome back, {{name}}");
    // v1.3 came from Promptrail and was never pulled: check says so until a pull.
    expect((await run("check")).stdout).toBe("missing   greet/v1.3.meta.json\nmissing   greet/v1.3.txt\n");
    await run("pull");
    expect(await run("check")).toMatchObject({ code: 0 });
    // Pulled afresh elsewhere, the same files, byte for byte.
    const other = repo();
    await cli(["pull", other, "--url", r.url]);
    const compared = spawnSync("diff", ["-r", "-x", ".git", dir, other], { encoding: "utf8" });
    expect(compared.stdout).toBe("");
  });

  test("pull refuses to overwrite edits not pushed yet, unless --force; it removes the files of deleted drafts", async () => {
    const r = await registry();
    const dir = repo();
    await cli(["pull", dir, "--url", r.url]);
    edit(dir, "greet/v1.2.txt", () => "mine");
    const refused = await cli(["pull", dir, "--url", r.url]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/would overwrite edits not pushed yet \(greet\/v1\.2\.txt\)/);
    expect(read(dir, "greet/v1.2.txt")).toBe("mine");
    await r.s.versions.createNew("greet", "1.0");
    await cli(["pull", dir, "--url", r.url, "--force"]);
    expect(read(dir, "greet/v1.2.txt")).toBe("Hi {{name}}!");
    await r.s.versions.delete("greet", "1.3");
    await cli(["pull", dir, "--url", r.url]);
    expect(existsSync(join(dir, "greet/v1.3.txt"))).toBe(false);
    expect(existsSync(join(dir, "greet/v1.3.meta.json"))).toBe(false);
  });

  test("CRLF line endings and reformatted JSON are no difference; a broken meta file is refused before anything is written", async () => {
    const r = await registry();
    const dir = repo();
    const run = (...argv: string[]) => cli([...argv, dir, "--url", r.url]);
    await run("pull");
    edit(dir, "greet/v1.0.txt", (t) => t.replace(/\n/g, "\r\n"));
    edit(dir, "greet/v1.0.meta.json", (t) => JSON.stringify(JSON.parse(t)));
    expect(await run("check")).toMatchObject({ code: 0 });
    expect((await run("diff")).stdout).toBe("Nothing to push.\n");
    writeFileSync(join(dir, "greet/v1.1.meta.json"), "{ not json");
    edit(dir, "greet/v1.2.txt", () => "fine");
    const before = await r.dump();
    const pushed = await run("push");
    expect(pushed.code).toBe(1);
    expect(pushed.stdout).toMatch(/! greet\/v1\.1\.meta\.json: not JSON/);
    expect(await r.dump()).toEqual(before);
  });
});

describe("the connection", () => {
  test("PROMPTRAIL_TOKEN goes as a Bearer token; a 401 says to set it; an unreachable server says so", async () => {
    const seen: Array<string | undefined> = [];
    const server = createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(401, { "content-type": "application/json" });
      res.end('{"error":{"code":"unauthorized","message":"Sign in"}}');
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const dir = tempFolder();
      const denied = await cli(["check", dir, "--url", url], { env: { PROMPTRAIL_TOKEN: "prt_secret" } });
      expect(denied.code).toBe(1);
      expect(denied.stderr).toMatch(/Promptrail wants a token: set PROMPTRAIL_TOKEN/);
      expect(seen).toEqual(["Bearer prt_secret"]);
      await cli(["pull", dir], { env: { PROMPTRAIL_URL: url } });
      expect(seen).toEqual(["Bearer prt_secret", undefined]);
    } finally {
      server.close();
    }
    const down = await cli(["pull", tempFolder(), "--url", "http://127.0.0.1:9"]);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/cannot reach Promptrail at http:\/\/127\.0\.0\.1:9 .*is it running\? Pass --url/);
  });

  test("a missing DIR or a bad --url is a usage error (exit 2)", async () => {
    expect((await cli(["push"])).code).toBe(2);
    expect((await cli(["check", "x", "--url", "ftp://x"])).code).toBe(2);
    expect((await cli(["diff", "x", "--nope"])).code).toBe(2);
  });
});

describe("chat prompts as code: messages in their own file", () => {
  const SUPPORT = [
    { role: "system", content: "You help {{product}} users.\nBe brief." },
    { type: "placeholder", name: "history" },
    { role: "user", content: "{{question}}" },
  ];
  /** The registry above plus `support`, a chat prompt: v1.0 PROD, v1.1 a DEV draft. */
  async function withChat() {
    const r = await registry();
    await r.s.prompts.create({
      name: "support",
      description: "Answers support questions",
      type: "chat",
      messages: SUPPORT,
      config: { temperature: 0, model: "gpt-4o-mini" },
    });
    await r.s.versions.promote("support", "1.0");
    await r.s.versions.promote("support", "1.0", { to: "PROD" });
    await r.s.versions.createNew("support", "1.0");
    await r.s.versions.makeCurrent("support", "1.1");
    return r;
  }
  /** The messages file exactly as pull writes it: canonical JSON (keys sorted), 2-space indent, a final newline. */
  const SUPPORT_FILE = `[
  {
    "content": "You help {{product}} users.\\nBe brief.",
    "role": "system"
  },
  {
    "name": "history",
    "type": "placeholder"
  },
  {
    "content": "{{question}}",
    "role": "user"
  }
]
`;

  test("pull, edit a DEV chat draft's messages, diff shows it, push saves a new revision, check is clean", async () => {
    const r = await withChat();
    const dir = repo();
    const run = (...argv: string[]) => cli([...argv, dir, "--url", r.url]);

    const pulled = await run("pull");
    expect(pulled, pulled.stderr).toMatchObject({ code: 0 });
    expect(pulled.stdout).toMatch(/Pulled 3 prompt\(s\), 6 version\(s\)/);
    expect(
      git(dir, "ls-files", "--others")
        .split("\n")
        .filter((f) => f.startsWith("support/")),
    ).toEqual([
      "support/prompt.json",
      "support/v1.0.messages.json",
      "support/v1.0.meta.json",
      "support/v1.1.messages.json",
      "support/v1.1.meta.json",
    ]);
    expect(read(dir, "support/prompt.json")).toBe(
      '{\n  "description": "Answers support questions",\n  "type": "chat"\n}\n',
    );
    expect(read(dir, "support/v1.0.messages.json")).toBe(SUPPORT_FILE);
    const prod = await r.s.versions.get("support", "1.0");
    expect(JSON.parse(read(dir, "support/v1.0.meta.json"))).toEqual({
      stage: "PROD",
      current: true,
      revision: 1,
      contentHash: prod.contentHash,
      createdFrom: null,
      config: { model: "gpt-4o-mini", temperature: 0 },
    });
    git(dir, "add", "-A");
    git(dir, "commit", "-qm", "pulled");

    // Byte-identical: pulled again here, and pulled afresh elsewhere.
    expect((await run("pull")).code).toBe(0);
    expect(git(dir, "status", "--porcelain")).toBe("");
    const other = repo();
    await cli(["pull", other, "--url", r.url]);
    expect(spawnSync("diff", ["-r", "-x", ".git", dir, other], { encoding: "utf8" }).stdout).toBe("");
    expect(await run("check")).toMatchObject({ code: 0 });

    // Edited as a person might: keys in any order, on one line; a message changed, one added.
    const edited = [
      { role: "system", content: "You help {{product}} users.\nBe brief." },
      { type: "placeholder", name: "history" },
      { role: "user", content: "Question: {{question}}\nAnswer in English." },
      { role: "assistant", content: "Sure." },
    ];
    writeFileSync(join(dir, "support/v1.1.messages.json"), JSON.stringify(edited));
    const diff = await run("diff");
    expect(diff.code).toBe(0);
    expect(diff.stdout).toContain("~ support v1.1 (DEV): saved as revision 2");
    expect(diff.stdout).toContain(
      "     [user]\n    -{{question}}\n    +Question: {{question}}\n    +Answer in English.\n",
    );
    expect(diff.stdout).toContain("    +[assistant]\n    +Sure.\n");
    expect(diff.stdout).not.toContain("[system]\n    -");
    const dirty = await run("check");
    expect(dirty.code).toBe(1);
    expect(dirty.stdout).toBe("differs   support/v1.1.messages.json\n");

    const pushed = await run("push");
    expect(pushed, pushed.stderr).toMatchObject({ code: 0 });
    expect(pushed.stdout).toContain("support v1.1: saved as revision 2");
    const saved = await r.s.versions.get("support", "1.1");
    expect(saved).toMatchObject({ type: "chat", stage: "DEV", revision: 2, messages: edited });
    // The file is rewritten as pull writes it, and the meta holds the new revision.
    const fresh = repo();
    await cli(["pull", fresh, "--url", r.url]);
    expect(read(dir, "support/v1.1.messages.json")).toBe(read(fresh, "support/v1.1.messages.json"));
    expect(JSON.parse(read(dir, "support/v1.1.meta.json"))).toMatchObject({
      revision: 2,
      contentHash: saved.contentHash,
    });
    expect(await run("check")).toMatchObject({ code: 0 });
    expect((await run("diff")).stdout).toBe("Nothing to push.\n");
    expect((await run("pull")).code).toBe(0);
    expect(git(dir, "status", "--porcelain").split("\n").filter(Boolean).sort()).toEqual([
      " M support/v1.1.messages.json",
      " M support/v1.1.meta.json",
    ]);
  });

  test("a chat PROD file edited makes push exit 1 and write nothing", async () => {
    const r = await withChat();
    const dir = repo();
    const run = (...argv: string[]) => cli([...argv, dir, "--url", r.url]);
    await run("pull");
    git(dir, "add", "-A");
    git(dir, "commit", "-qm", "pulled");
    edit(dir, "support/v1.0.messages.json", (t) => t.replace("Be brief.", "Be very brief."));
    edit(dir, "support/v1.1.messages.json", (t) => t.replace("{{question}}", "Q: {{question}}"));
    const before = await r.dump();
    const files = git(dir, "status", "--porcelain");
    const pushed = await run("push");
    expect(pushed.code).toBe(1);
    expect(pushed.stdout).toContain("! support v1.0: is in PROD, and PROD versions never change");
    expect(pushed.stderr).toMatch(/nothing was written/);
    expect(await r.dump()).toEqual(before);
    expect(git(dir, "status", "--porcelain")).toBe(files);
    // A concurrent edit of the chat draft is a conflict, as for text.
    git(dir, "checkout", "--", "support/v1.0.messages.json");
    await r.s.versions.save("support", "1.1", { messages: [{ role: "user", content: "theirs" }] });
    const stale = await r.dump();
    const conflict = await run("push");
    expect(conflict.code).toBe(1);
    expect(conflict.stdout).toContain(
      "! support v1.1: was edited in Promptrail too: it is at revision 2, your files at 1",
    );
    expect(await r.dump()).toEqual(stale);
  });

  test("new chat prompts and new chat drafts are pushed from files", async () => {
    const r = await withChat();
    const dir = repo();
    const run = (...argv: string[]) => cli([...argv, dir, "--url", r.url]);
    await run("pull");
    mkdirSync(join(dir, "concierge"));
    writeFileSync(join(dir, "concierge/prompt.json"), '{"description": "Books tables", "type": "chat"}');
    writeFileSync(join(dir, "concierge/v1.0.messages.json"), '[{"role": "system", "content": "Book for {{guest}}"}]');
    writeFileSync(join(dir, "concierge/later.messages.json"), '[{"role": "user", "content": "Later, {{guest}}"}]');
    writeFileSync(join(dir, "concierge/later.meta.json"), '{"config": {"temperature": 1}}');
    // No type in prompt.json: messages files alone make it a chat prompt.
    mkdirSync(join(dir, "faq"));
    writeFileSync(join(dir, "faq/prompt.json"), '{"description": ""}');
    writeFileSync(join(dir, "faq/v1.0.messages.json"), '[{"type": "placeholder", "name": "turns"}]');
    writeFileSync(join(dir, "support/idea.messages.json"), '[{"role": "user", "content": "Idea: {{question}}"}]');
    const diff = await run("diff");
    expect(diff.stdout).toContain("+ concierge: new chat prompt, v1.0 from concierge/v1.0.messages.json");
    expect(diff.stdout).toContain("+ concierge: new DEV draft from concierge/later.messages.json");
    expect(diff.stdout).toContain("+ faq: new chat prompt, v1.0 from faq/v1.0.messages.json");
    expect(diff.stdout).toContain("+ support: new DEV draft from support/idea.messages.json");
    const pushed = await run("push");
    expect(pushed, pushed.stdout + pushed.stderr).toMatchObject({ code: 0 });
    expect(await r.s.versions.get("concierge", "1.0")).toMatchObject({
      type: "chat",
      messages: [{ role: "system", content: "Book for {{guest}}" }],
    });
    expect(await r.s.versions.get("concierge", "1.1")).toMatchObject({
      type: "chat",
      stage: "DEV",
      messages: [{ role: "user", content: "Later, {{guest}}" }],
      config: { temperature: 1 },
    });
    expect(await r.s.versions.get("faq", "1.0")).toMatchObject({
      type: "chat",
      messages: [{ type: "placeholder", name: "turns" }],
    });
    expect(await r.s.versions.get("support", "1.2")).toMatchObject({
      type: "chat",
      messages: [{ role: "user", content: "Idea: {{question}}" }],
      createdFrom: "1.1",
    });
    expect(existsSync(join(dir, "concierge/later.messages.json"))).toBe(false);
    expect(existsSync(join(dir, "concierge/later.meta.json"))).toBe(false);
    expect(existsSync(join(dir, "support/idea.messages.json"))).toBe(false);
    expect(JSON.parse(read(dir, "support/v1.2.messages.json"))).toEqual([
      { content: "Idea: {{question}}", role: "user" },
    ]);
    expect(await run("check")).toMatchObject({ code: 0 });
    const other = repo();
    await cli(["pull", other, "--url", r.url]);
    expect(spawnSync("diff", ["-r", "-x", ".git", dir, other], { encoding: "utf8" }).stdout).toBe("");
  });

  test("a malformed messages file, or a file of the other type, is refused before anything is written", async () => {
    const r = await withChat();
    const dir = repo();
    const run = (...argv: string[]) => cli([...argv, dir, "--url", r.url]);
    await run("pull");
    git(dir, "add", "-A");
    git(dir, "commit", "-qm", "pulled");
    const before = await r.dump();
    const refused = async (pattern: RegExp) => {
      const files = git(dir, "status", "--porcelain");
      const pushed = await run("push");
      expect(pushed.code).toBe(1);
      expect(pushed.stdout).toMatch(pattern);
      expect(pushed.stderr).toMatch(/nothing was written/);
      expect(await r.dump()).toEqual(before);
      expect(git(dir, "status", "--porcelain")).toBe(files);
      git(dir, "checkout", "--", ".");
      git(dir, "clean", "-fdq");
    };

    edit(dir, "support/v1.1.messages.json", (t) => t.replace('"system"', '"robot"'));
    edit(dir, "greet/v1.2.txt", () => "a fine edit");
    await refused(/! support\/v1\.1\.messages\.json: message 1, role: Use system, user or assistant/);

    writeFileSync(join(dir, "support/v1.1.messages.json"), "[{ not json");
    await refused(/! support\/v1\.1\.messages\.json: not JSON/);

    writeFileSync(join(dir, "support/v1.1.messages.json"), "[]");
    await refused(/! support\/v1\.1\.messages\.json: A chat prompt has at least one message/);

    writeFileSync(
      join(dir, "support/v1.1.messages.json"),
      '[{"type": "placeholder", "name": "history", "role": "user"}]',
    );
    await refused(/! support\/v1\.1\.messages\.json: message 1/);

    writeFileSync(join(dir, "support/idea.txt"), "text for a chat prompt");
    await refused(/! support: support\/idea\.txt is a text file, but support is a chat prompt/);

    writeFileSync(join(dir, "greet/idea.messages.json"), '[{"role": "user", "content": "hi"}]');
    await refused(/! greet: greet\/idea\.messages\.json is a messages file, but greet is a text prompt/);

    rmSync(join(dir, "support/v1.1.messages.json"));
    writeFileSync(join(dir, "support/v1.1.txt"), "text in place of the messages");
    await refused(/! support v1\.1: support\/v1\.1\.txt is a text file, but support is a chat prompt/);

    edit(dir, "support/prompt.json", (t) => t.replace('"chat"', '"text"'));
    await refused(/! support: prompt\.json says it is a text prompt, but it is a chat prompt in Promptrail/);

    // pull keeps a malformed edit too, unless --force.
    writeFileSync(join(dir, "support/v1.1.messages.json"), "[{ not json");
    const pulled = await run("pull");
    expect(pulled.code).toBe(1);
    expect(pulled.stderr).toMatch(/would overwrite edits not pushed yet \(support\/v1\.1\.messages\.json\)/);
    expect(read(dir, "support/v1.1.messages.json")).toBe("[{ not json");
    expect((await run("pull", "--force")).code).toBe(0);
    expect(git(dir, "status", "--porcelain")).toBe("");
  });
});

/** A real server over a fresh registry: plain has no contract, typed has variables and a tool. */
async function contractRegistry() {
  const db = await freshDb();
  const s = createServices({ db });
  await s.prompts.create({ name: "plain", body: "Hi {{x}}" });
  await s.prompts.create({
    name: "typed",
    body: "x{{n}}",
    variables: [{ name: "n", type: "number", default: 2 }],
    tools: [{ type: "function", function: { name: "f", parameters: { type: "object" } } }],
  });
  return { s, url: await serveUntilTestEnds(createApp({ db })) };
}

/**
 * Prompts as code carry the contract (docs/contract.md, "Prompts as code"): pull writes it into
 * each version's meta file (only where set), push saves an edited contract as a new revision,
 * check sees a contract that differs.
 */
describe("prompts as code with a contract", () => {
  test("pull writes it in the meta file, push saves an edit of it, check sees the difference", async () => {
    const r = await contractRegistry();
    const dir = tempFolder();
    const run = (...argv: string[]) => cli([...argv, dir, "--url", r.url]);
    expect((await run("pull")).code).toBe(0);
    const meta = JSON.parse(readFileSync(join(dir, "typed/v1.0.meta.json"), "utf8"));
    expect(meta.variables).toEqual([{ default: 2, name: "n", required: false, type: "number" }]);
    expect(meta.tools[0].function.name).toBe("f");
    expect(Object.keys(meta)).not.toContain("responseFormat");
    expect(Object.keys(JSON.parse(readFileSync(join(dir, "plain/v1.0.meta.json"), "utf8")))).toEqual([
      "stage",
      "current",
      "revision",
      "contentHash",
      "createdFrom",
      "config",
    ]);
    expect((await run("check")).code).toBe(0);

    meta.variables[0].default = 3;
    meta.responseFormat = { type: "json_object" };
    writeFileSync(join(dir, "typed/v1.0.meta.json"), JSON.stringify(meta, null, 2));
    const check = await run("check");
    expect(check.code).toBe(1);
    expect(check.stdout + check.stderr).toContain("typed/v1.0.meta.json");
    const pushed = await run("push");
    expect(pushed.code, pushed.stderr).toBe(0);
    const saved = await r.s.versions.get("typed", "1.0");
    expect(saved.revision).toBe(2);
    expect(saved.contract.variables[0]?.default).toBe(3);
    expect(saved.contract.responseFormat).toEqual({ type: "json_object" });
    expect((await run("check")).code).toBe(0);
  });

  test("a meta file with a malformed contract is named, and push writes nothing", async () => {
    const r = await contractRegistry();
    const dir = tempFolder();
    const run = (...argv: string[]) => cli([...argv, dir, "--url", r.url]);
    await run("pull");
    const path = join(dir, "typed/v1.0.meta.json");
    const meta = JSON.parse(readFileSync(path, "utf8"));
    meta.variables = [{ name: "n", type: "date" }];
    writeFileSync(path, JSON.stringify(meta, null, 2));
    const pushed = await run("push");
    expect(pushed.code).toBe(1);
    expect(pushed.stdout + pushed.stderr).toContain("typed/v1.0.meta.json");
    expect((await r.s.versions.get("typed", "1.0")).revision).toBe(1);
  });
});

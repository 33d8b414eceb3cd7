import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { hashOf } from "../../../src/domain/prompt-content.js";
import { cli, tempFolder } from "../../support/cli.js";
import { closeAfterTest } from "../../support/servers.js";

/**
 * Prompts as code never reach outside DIR (docs/limits.md): names and numbers a server answers
 * are checked with the server's own rules before anything is written, and links out of DIR are
 * neither written through (pull) nor read (push). Against a real local HTTP server that answers
 * whatever the test makes it answer.
 */
interface FakeVersion {
  version: string;
  stage?: string;
  body?: string;
}

/** A server that answers the registry routes pull and push read, with `prompts`; it logs every POST. */
async function fakeRegistry(prompts: Array<{ name: string; versions: FakeVersion[] }>, answered?: string) {
  const posts: string[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const send = (status: number, json: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(json));
    };
    if (req.method === "POST") {
      posts.push(url.pathname);
      return send(500, { error: { code: "unexpected", message: "no writes here" } });
    }
    if (url.pathname === "/prompts") {
      const archived = url.searchParams.has("archived");
      return send(200, {
        prompts: archived ? [] : prompts.map((p) => ({ name: p.name, description: "" })),
        next: null,
      });
    }
    const [, , name, , version] = url.pathname.split("/").map(decodeURIComponent);
    const prompt = prompts.find((p) => p.name === name);
    if (!prompt) return send(404, { error: { code: "not_found", message: "no" } });
    if (version === undefined)
      return send(200, { versions: prompt.versions.map((v) => ({ version: v.version })), next: null });
    const v = prompt.versions.find((x) => x.version === version) ?? prompt.versions[0];
    const body = v?.body ?? "Hello {{name}}";
    return send(200, {
      prompt: name,
      version: answered ?? v?.version,
      type: "text",
      stage: v?.stage ?? "DEV",
      current: true,
      body,
      config: {},
      revision: 1,
      contentHash: hashOf({ type: "text", body }, {}),
      createdFrom: null,
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closeAfterTest(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, posts };
}

/** Every file under `dir`, relative, sorted. */
const filesIn = (dir: string): string[] =>
  existsSync(dir) ? (readdirSync(dir, { recursive: true, encoding: "utf8" }) as string[]).sort() : [];

describe("pull writes inside DIR only", () => {
  test.each([
    ["a prompt name that climbs out", [{ name: "../../../x", versions: [{ version: "1.0" }] }], undefined],
    ["a version number that climbs out", [{ name: "ok", versions: [{ version: "1.0/../../../y" }] }], undefined],
    ["a version object that names another number", [{ name: "ok", versions: [{ version: "1.0" }] }], "1.0/../../z"],
  ])("%s: exit 1, nothing written anywhere", async (_what, prompts, answered) => {
    const server = await fakeRegistry(prompts, answered);
    const root = tempFolder();
    const dir = join(root, "a", "b", "c", "dir");
    const pulled = await cli(["pull", dir, "--url", server.url]);
    expect(pulled.code).toBe(1);
    expect(pulled.stderr).toMatch(/answered a (prompt name|version number|v).*nothing was written/);
    expect(filesIn(root)).toEqual([]);
  });

  test("a prompt folder that is a link out of DIR is not written through", async () => {
    const server = await fakeRegistry([{ name: "greet", versions: [{ version: "1.0" }] }]);
    const dir = tempFolder();
    const outside = tempFolder();
    symlinkSync(outside, join(dir, "greet"));
    const pulled = await cli(["pull", dir, "--url", server.url]);
    expect(pulled.code).toBe(1);
    expect(pulled.stderr).toMatch(/greet is a link to a folder outside .*nothing was written/);
    expect(filesIn(outside)).toEqual([]);
  });
});

describe("push reads inside DIR only", () => {
  test("a file that is a link to a file outside DIR is refused, and nothing is sent", async () => {
    const server = await fakeRegistry([{ name: "greet", versions: [{ version: "1.0" }] }]);
    const dir = tempFolder();
    expect((await cli(["pull", dir, "--url", server.url])).code).toBe(0);
    const secret = join(tempFolder(), "id_rsa");
    writeFileSync(secret, "-----BEGIN PRIVATE KEY-----");
    symlinkSync(secret, join(dir, "greet", "idea.txt"));
    const pushed = await cli(["push", dir, "--url", server.url]);
    expect(pushed.code).toBe(1);
    expect(pushed.stdout).toMatch(/greet\/idea\.txt: a link to a file outside/);
    expect(pushed.stdout).not.toContain("PRIVATE KEY");
    expect(server.posts).toEqual([]);
  });

  test("a prompt folder that is a link out of DIR is refused too", async () => {
    const server = await fakeRegistry([]);
    const dir = tempFolder();
    const outside = tempFolder();
    writeFileSync(join(outside, "prompt.json"), '{"description":""}');
    writeFileSync(join(outside, "v1.0.txt"), "someone else's text");
    symlinkSync(outside, join(dir, "theirs"));
    const pushed = await cli(["push", dir, "--url", server.url]);
    expect(pushed.code).toBe(1);
    expect(pushed.stdout).toMatch(/theirs: a link to a folder outside/);
    expect(server.posts).toEqual([]);
  });
});

describe("push says once why it wrote nothing", () => {
  test("a refusal and no change: no 'Nothing to push.', the reason first, one line on stderr", async () => {
    const server = await fakeRegistry([{ name: "greet", versions: [{ version: "1.0", stage: "PROD" }] }]);
    const dir = tempFolder();
    expect((await cli(["pull", dir, "--url", server.url])).code).toBe(0);
    writeFileSync(join(dir, "greet", "v1.0.txt"), "changed in PROD?");
    const pushed = await cli(["push", dir, "--url", server.url]);
    expect(pushed.code).toBe(1);
    expect(pushed.stdout).not.toContain("Nothing to push.");
    expect(pushed.stdout).toMatch(/^Nothing was pushed, because:\n! greet v1\.0: is in PROD/);
    expect(pushed.stderr.trim().split("\n")).toHaveLength(1);
    const diff = await cli(["diff", dir, "--url", server.url]);
    expect(diff.stdout).toMatch(/^Push would refuse, and write nothing, because:\n! greet v1\.0/);
  });
});

describe("`npm run cli` from another folder", () => {
  const npm = (folder: string) => ({ INIT_CWD: folder, npm_lifecycle_event: "cli", npm_package_name: "promptrail" });

  test("relative paths are where the user stands (INIT_CWD), not the checkout", async () => {
    const server = await fakeRegistry([{ name: "greet", versions: [{ version: "1.0" }] }]);
    const here = tempFolder();
    const pulled = await cli(["pull", "prompts", "--url", server.url], { env: npm(here) });
    expect(pulled.code, pulled.stderr).toBe(0);
    expect(filesIn(join(here, "prompts"))).toContain(join("greet", "v1.0.txt"));
    expect(existsSync(join(process.cwd(), "prompts"))).toBe(false);
    const added = await cli(["user", "add", "ada", "--role", "admin", "--db", "reg.db"], {
      env: npm(here),
      stdin: "correct horse battery staple\n",
    });
    expect(added.code, added.stderr).toBe(0);
    expect(existsSync(join(here, "reg.db"))).toBe(true);
    const exported = await cli(["export", "--db", "reg.db", "--out", "out.json"], { env: npm(here) });
    expect(exported.code, exported.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(here, "out.json"), "utf8")).format).toBe("promptrail");
  });

  test("outside npm, or in another package's script, paths stay relative to the working folder", async () => {
    const server = await fakeRegistry([{ name: "greet", versions: [{ version: "1.0" }] }]);
    const here = tempFolder();
    const elsewhere = join(tempFolder(), "abs");
    const other = { INIT_CWD: here, npm_lifecycle_event: "cli", npm_package_name: "someone-else" };
    expect((await cli(["pull", elsewhere, "--url", server.url], { env: other })).code).toBe(0);
    expect(filesIn(here)).toEqual([]);
  });
});

describe("a verb that creates a database says so", () => {
  test("user add --db typo.db: a note on stderr naming the new file; not when the file was there", async () => {
    const folder = tempFolder();
    mkdirSync(join(folder, "data"));
    const typo = join(folder, "data", "typo.db");
    const add = (name: string) =>
      cli(["user", "add", name, "--role", "admin", "--db", typo], { stdin: "correct horse battery staple\n" });
    const first = await add("ada");
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/typo\.db did not exist: created a new, empty database there/);
    expect(first.stdout).toContain(`The registry in ${typo} is secured now`);
    const second = await add("bob");
    expect(second.code).toBe(0);
    expect(second.stderr).not.toMatch(/did not exist/);
    const migrated = await cli(["migrate", "--db", join(folder, "other.db")]);
    expect(migrated.stderr).toMatch(/other\.db did not exist/);
  });
});

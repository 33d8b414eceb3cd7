import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { join } from "node:path";
import { PassThrough, Writable } from "node:stream";
import { afterEach, describe, expect, test } from "vitest";
import { readPassword } from "../../../src/cli/password-input.js";
import { cli, cliProcess, listeningUrl, spawnCli, tempFolder } from "../../support/cli.js";

const PASSWORD = "correct horse battery staple";

let server: ChildProcessWithoutNullStreams | undefined;
afterEach(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server?.once("exit", resolve));
    server.kill("SIGTERM");
    await exited;
  }
  server = undefined;
});

/** A verb against one database file, with stdin. */
function verbs() {
  const env = { PROMPTRAIL_DB: join(tempFolder(), "promptrail.db") };
  return { env, run: (argv: string[], stdin = "") => cli(argv, { env, stdin }) };
}

describe("promptrail user … (docs/operations.md)", () => {
  test("add, list, set-role, disable, enable, password", async () => {
    const { run, env } = verbs();
    expect(await run(["user", "add", "ada", "--role", "admin"], `${PASSWORD}\n`)).toEqual({
      code: 0,
      stdout: `Added ada as admin\nThe registry in ${env.PROMPTRAIL_DB} is secured now: every request needs a session or an API token\n`,
      stderr: `promptrail: note: ${env.PROMPTRAIL_DB} did not exist: created a new, empty database there. If you meant an existing one, check --db or PROMPTRAIL_DB\n`,
    });
    expect((await run(["user", "add", "eve", "--role", "editor"], `${PASSWORD}\r\nignored\n`)).stdout).toBe(
      "Added eve as editor\n",
    );
    expect((await run(["user", "set-role", "eve", "releaser"])).stdout).toBe("eve is releaser now\n");
    expect((await run(["user", "disable", "eve"])).stdout).toMatch(/^Disabled eve/);
    const listed = (await run(["user", "list"])).stdout.split("\n");
    expect(listed[0]).toMatch(/^NAME\s+ROLE\s+STATUS\s+CREATED\s+LAST SEEN$/);
    expect(listed[1]).toMatch(/^ada\s+admin\s+active\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+never$/);
    expect(listed[2]).toMatch(/^eve\s+releaser\s+disabled\s/);
    expect((await run(["user", "enable", "eve"])).stdout).toBe("Enabled eve\n");
    expect((await run(["user", "password", "eve"], "another long passphrase\n")).stdout).toBe(
      "Set the password of eve; their sessions ended\n",
    );
  });

  test("refusals: exit 1 with one line saying what to do; a wrong role or a missing flag is usage (2)", async () => {
    const { run } = verbs();
    const first = await run(["user", "add", "eve", "--role", "editor"], `${PASSWORD}\n`);
    expect(first.code).toBe(1);
    // The file did not exist: a note says it was made, then the one line saying what to do.
    expect(first.stderr.split("\n").slice(1)).toEqual([
      "promptrail user add: The first active user must be an admin, who can then add the others",
      "",
    ]);
    const short = await run(["user", "add", "ada", "--role", "admin"], "short\n");
    expect([short.code, short.stderr]).toEqual([1, "promptrail user add: password: Use at least 12 characters\n"]);
    const none = await run(["user", "add", "ada", "--role", "admin"], "");
    expect(none.stderr).toMatch(/no password on stdin/);
    const role = await run(["user", "add", "ada", "--role", "owner"], `${PASSWORD}\n`);
    expect([role.code, role.stderr.split("\n")[0]]).toEqual([
      2,
      'promptrail user add: --role "owner" is not a role: use viewer, editor, releaser, admin',
    ]);
    const missing = await run(["user", "add", "ada"], `${PASSWORD}\n`);
    expect([missing.code, missing.stderr.split("\n")[0]]).toEqual([2, "promptrail user add: --role is required"]);
    await run(["user", "add", "ada", "--role", "admin"], `${PASSWORD}\n`);
    const last = await run(["user", "disable", "ada"]);
    expect([last.code, last.stderr]).toEqual([
      1,
      "promptrail user disable: ada is the last active admin: make another user an admin first, so that someone can still manage users\n",
    ]);
    expect((await run(["user", "disable", "nobody"])).stderr).toBe('promptrail user disable: No user named "nobody"\n');
    expect((await run(["user", "add", "ada", "--role", "admin"], `${PASSWORD}\n`)).stderr).toBe(
      'promptrail user add: A user named "ada" already exists\n',
    );
  });

  test("verbs other than `user add` need an existing database", async () => {
    const { run } = verbs();
    const res = await run(["user", "list"]);
    expect([res.code, res.stderr]).toEqual([1, expect.stringMatching(/^promptrail user list: no database at /)]);
  });
});

describe("promptrail token … (docs/operations.md)", () => {
  test("create prints only the secret; list never shows it; revoke", async () => {
    const { run } = verbs();
    await run(["user", "add", "ada", "--role", "admin"], `${PASSWORD}\n`);
    const created = await run(["token", "create", "ada", "--label", "ci", "--read-only"]);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^prt_[A-Za-z0-9_-]{43}\n$/);
    expect(created.stderr).toBe("Created token 1 “ci” for ada (read-only)\n");
    const secret = created.stdout.trim();
    const listed = await run(["token", "list", "ada"]);
    expect(listed.stdout).not.toContain(secret);
    expect(listed.stdout.split("\n")[1]).toMatch(/^1\s+ada\s+ci\s+read-only\s+\S+ \S+\s+never\s+active$/);
    expect((await run(["token", "revoke", "1"])).stdout).toBe("Revoked token 1 “ci” of ada\n");
    expect((await run(["token", "list"])).stdout.split("\n")[1]).toMatch(/revoked \d{4}-/);
    const again = await run(["token", "revoke", "1"]);
    expect([again.code, again.stderr]).toEqual([1, "promptrail token revoke: Token 1 is revoked already\n"]);
    expect((await run(["token", "create", "ada"])).code).toBe(2);
    expect((await run(["token", "create", "nobody", "--label", "x"])).stderr).toBe(
      'promptrail token create: No user named "nobody"\n',
    );
  });
});

describe("a password from a terminal", () => {
  /** A stand-in terminal: raw mode is recorded, keys are typed into it. */
  function terminal(keys: string[]) {
    const input = Object.assign(new PassThrough(), { isTTY: true, raw: [] as boolean[] });
    const withRaw = Object.assign(input, {
      setRawMode(raw: boolean) {
        input.raw.push(raw);
        return input;
      },
    });
    let shown = "";
    const prompts = new Writable({
      write(chunk, _encoding, done) {
        shown += String(chunk);
        // The next line is typed once the question is asked.
        if (String(chunk).endsWith(": ")) setImmediate(() => withRaw.write(keys.shift() ?? ""));
        done();
      },
    });
    return { input: withRaw, prompts, shown: () => shown };
  }

  test("is asked twice, never echoed, and must match", async () => {
    const tty = terminal(["correct horsx\u007fe battery\r", "correct horse battery\r"]);
    expect(await readPassword(tty.input, tty.prompts)).toBe("correct horse battery");
    expect(tty.shown()).toBe("Password (at least 12 characters): \nThe same password again: \n");
    expect(tty.input.raw).toEqual([true, false, true, false]);
    const differ = terminal(["one long passphrase\r", "another passphrase\r"]);
    await expect(readPassword(differ.input, differ.prompts)).rejects.toThrow("the two passwords differ");
    const cancelled = terminal(["abc\u0003"]);
    await expect(readPassword(cancelled.input, cancelled.prompts)).rejects.toThrow("cancelled");
  });
});

describe("with a server running on the same file", () => {
  test("serve refuses the network while open: exit 2, saying to add the first admin", async () => {
    const file = join(tempFolder(), "promptrail.db");
    const refused = await cliProcess(["serve", "--host", "0.0.0.0", "--port", "0", "--db", file]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^promptrail serve: refusing to listen on 0\.0\.0\.0 with no accounts/);
    expect(refused.stderr).toContain("promptrail user add NAME --role admin");
    const noUrl = await cliProcess(["serve", "--host", "0.0.0.0", "--port", "0", "--db", file, "--open-to-network"]);
    expect([noUrl.code, noUrl.stderr]).toEqual([
      2,
      "promptrail serve: --open-to-network needs PROMPTRAIL_PUBLIC_URL: the one address the proxy in front serves\n",
    ]);
    server = spawnCli(["serve", "--host", "0.0.0.0", "--port", "0", "--db", file, "--open-to-network"], {
      PROMPTRAIL_PUBLIC_URL: "https://prompts.example.com",
    });
    expect(await listeningUrl(server)).toMatch(/^http:\/\/0\.0\.0\.0:\d+$/);
  });

  test("user and token verbs change what the running server allows, at its next request", async () => {
    const file = join(tempFolder(), "promptrail.db");
    server = spawnCli(["serve", "--port", "0", "--db", file], { PROMPTRAIL_LOG: "off" });
    const base = await listeningUrl(server);
    const env = { PROMPTRAIL_DB: file };
    const get = (path: string, token?: string) =>
      fetch(`${base}${path}`, {
        headers: { accept: "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      });
    expect((await get("/prompts")).status).toBe(200);
    expect((await cli(["user", "add", "ada", "--role", "admin"], { env, stdin: `${PASSWORD}\n` })).code).toBe(0);
    expect((await get("/prompts")).status).toBe(401);
    expect(await (await get("/me")).json()).toMatchObject({ error: { code: "unauthorized" } });
    const token = (await cli(["token", "create", "ada", "--label", "x"], { env })).stdout.trim();
    expect((await get("/prompts", token)).status).toBe(200);
    expect((await cli(["token", "revoke", "1"], { env })).code).toBe(0);
    expect((await get("/prompts", token)).status).toBe(401);
    // A second admin's token stops as soon as that admin is disabled.
    await cli(["user", "add", "bob", "--role", "admin"], { env, stdin: `${PASSWORD}\n` });
    const bobs = (await cli(["token", "create", "bob", "--label", "y"], { env })).stdout.trim();
    expect((await get("/me", bobs)).status).toBe(200);
    expect((await cli(["user", "disable", "bob"], { env })).code).toBe(0);
    expect((await get("/me", bobs)).status).toBe(401);
  });
});

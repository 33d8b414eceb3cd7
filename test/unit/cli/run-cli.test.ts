import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import type { Command, ParsedArgs } from "../../../src/cli/command.js";
import { COMMANDS } from "../../../src/cli/commands.js";
import { settingsOf } from "../../../src/cli/settings.js";
import { cli } from "../../support/cli.js";

const { version } = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8"));
const VERBS = [
  "serve",
  "migrate",
  "backup",
  "export",
  "import",
  "bundle",
  "user add",
  "user list",
  "user set-role",
  "user disable",
  "user enable",
  "user password",
  "token create",
  "token list",
  "token revoke",
  "pull",
  "diff",
  "push",
  "check",
];
/** A verb as argv: "user add" is two words. */
const words = (verb: string) => verb.split(" ");

describe("the command line", () => {
  test("--version prints promptrail and the package version", async () => {
    expect(await cli(["--version"])).toEqual({ code: 0, stdout: `promptrail ${version}\n`, stderr: "" });
    expect(version).toMatch(/^0\.\d+\.\d+$/);
  });

  test("--help, -h and help print the overview of every verb on stdout", async () => {
    for (const argv of [["--help"], ["-h"], ["help"]]) {
      const { code, stdout, stderr } = await cli(argv);
      expect([code, stderr]).toEqual([0, ""]);
      expect(stdout).toMatch(/^Usage: promptrail VERB \[options\]\n/);
      for (const verb of [...VERBS, "help"]) expect(stdout).toMatch(new RegExp(`^  ${verb}\\b`, "m"));
    }
  });

  test.each(VERBS)("help %s and --help print its usage and options", async (verb) => {
    const help = await cli(["help", verb]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(new RegExp(`^Usage: promptrail ${verb}\\b`));
    expect(help.stdout).toContain("-h, --help");
    expect(await cli([...words(verb), "--help"])).toEqual(help);
    expect(await cli([...words(verb), "-h"])).toEqual(help);
  });

  test("the usage lines say what each verb takes", async () => {
    const usage = async (verb: string) => (await cli(["help", verb])).stdout.split("\n")[0];
    expect(await usage("serve")).toBe(
      "Usage: promptrail serve [--host H] [--port N] [--db FILE] [--database-url URL] [--open-to-network]",
    );
    expect(await usage("migrate")).toBe("Usage: promptrail migrate [--db FILE] [--database-url URL]");
    expect(await usage("backup")).toBe("Usage: promptrail backup FILE [--db FILE] [--database-url URL] [--force]");
    expect(await usage("export")).toBe("Usage: promptrail export [--db FILE] [--database-url URL] [--out FILE]");
    expect(await usage("import")).toBe("Usage: promptrail import FILE [--db FILE] [--database-url URL]");
    expect(await usage("help")).toBe("Usage: promptrail help [VERB]");
    expect(await usage("user add")).toBe(
      "Usage: promptrail user add NAME --role ROLE [--db FILE] [--database-url URL]",
    );
    expect(await usage("user set-role")).toBe(
      "Usage: promptrail user set-role NAME ROLE [--db FILE] [--database-url URL]",
    );
    expect(await usage("token create")).toBe(
      "Usage: promptrail token create NAME --label L [--read-only] [--db FILE] [--database-url URL]",
    );
    expect(await usage("token list")).toBe("Usage: promptrail token list [NAME] [--db FILE] [--database-url URL]");
  });

  test("an unknown verb prints the overview on stderr and exits 2", async () => {
    for (const argv of [["frob"], ["--port", "8080"], ["SERVE"]]) {
      const { code, stdout, stderr } = await cli(argv);
      expect([code, stdout]).toEqual([2, ""]);
      expect(stderr).toMatch(new RegExp(`^promptrail: unknown verb "${argv[0]}"\\nUsage: promptrail VERB`));
    }
    expect((await cli(["help", "frob"])).code).toBe(2);
  });

  test.each(VERBS)("%s refuses an unknown flag with its usage on stderr, exit 2", async (verb) => {
    const { code, stdout, stderr } = await cli([...words(verb), "--frob"]);
    expect([code, stdout]).toEqual([2, ""]);
    expect(stderr).toBe(
      `promptrail ${verb}: Unknown option '--frob'\n${(await cli(["help", verb])).stdout.split("\n")[0]}\nRun \`promptrail help ${verb}\` for more.\n`,
    );
  });

  test("wrong arguments and flag values exit 2 before anything runs", async () => {
    const cases: Array<[string[], string]> = [
      [["backup"], "promptrail backup: missing FILE"],
      [["import"], "promptrail import: missing FILE"],
      [["backup", "a.db", "b.db"], 'promptrail backup: unexpected argument "b.db"'],
      [["serve", "now"], 'promptrail serve: unexpected argument "now"'],
      [["migrate", "x"], 'promptrail migrate: unexpected argument "x"'],
      [["export", "x"], 'promptrail export: unexpected argument "x"'],
      [["serve", "--port"], "promptrail serve: Option '--port <value>' argument missing"],
      [["serve", "--port", "http"], 'promptrail serve: --port takes a number from 0 to 65535, not "http"'],
      [["serve", "--port", "65536"], 'promptrail serve: --port takes a number from 0 to 65535, not "65536"'],
      [["serve", "--port=-1"], 'promptrail serve: --port takes a number from 0 to 65535, not "-1"'],
      [["migrate", "--db", ""], "promptrail migrate: --db needs a value"],
      [["backup", "x.db", "--force=yes"], "promptrail backup: Option '--force' does not take an argument"],
      [["export", "-o", "x.json"], "promptrail export: Unknown option '-o'"],
    ];
    for (const [argv, message] of cases) {
      const { code, stdout, stderr } = await cli(argv);
      expect([code, stdout, stderr.split("\n")[0]], argv.join(" ")).toEqual([2, "", message]);
    }
  });

  test("flags win over the environment variables they stand for", () => {
    const env = { HOST: "0.0.0.0", PORT: "3000", PROMPTRAIL_DB: "env.db", PROMPTRAIL_LOG: "text" };
    const args = (values: ParsedArgs["values"]): ParsedArgs => ({ values, positionals: [] });
    expect(settingsOf(args({}), env)).toEqual({
      host: "0.0.0.0",
      port: 3000,
      dbFile: "env.db",
      databaseUrl: null,
      log: "text",
      publicUrl: null,
      webhookPrivate: false,
      trustProxy: false,
      heartbeatMs: 15_000,
      passwordCost: 15,
    });
    expect(settingsOf(args({ host: "::1", port: "8080", db: "flag.db" }), env)).toEqual({
      host: "::1",
      port: 8080,
      dbFile: "flag.db",
      databaseUrl: null,
      log: "text",
      publicUrl: null,
      webhookPrivate: false,
      trustProxy: false,
      heartbeatMs: 15_000,
      passwordCost: 15,
    });
    expect(settingsOf(args({}), {})).toEqual({
      host: "127.0.0.1",
      port: 3000,
      dbFile: "./data/promptrail.db",
      databaseUrl: null,
      log: undefined,
      publicUrl: null,
      webhookPrivate: false,
      trustProxy: false,
      heartbeatMs: 15_000,
      passwordCost: 15,
    });
    expect(() => settingsOf(args({}), { PROMPTRAIL_LOG: "loud" })).toThrow("PROMPTRAIL_LOG: Use off, text or json");
  });

  test("--database-url and PROMPTRAIL_DATABASE_URL pick PostgreSQL; anything but a postgres:// URL is refused", () => {
    const args = (values: ParsedArgs["values"]): ParsedArgs => ({ values, positionals: [] });
    const env = { PROMPTRAIL_DATABASE_URL: "postgres://env@127.0.0.1:5432/registry" };
    expect(settingsOf(args({}), env).databaseUrl).toBe("postgres://env@127.0.0.1:5432/registry");
    expect(settingsOf(args({ "database-url": "postgresql://flag@db/r" }), env).databaseUrl).toBe(
      "postgresql://flag@db/r",
    );
    expect(() => settingsOf(args({ "database-url": "mysql://db/r" }), {})).toThrow(
      "PROMPTRAIL_DATABASE_URL: a PostgreSQL URL such as postgres://user@host:5432/promptrail",
    );
    expect(() => settingsOf(args({ "database-url": "" }), {})).toThrow("--database-url needs a value");
  });
});

/** Stand-ins that record what they were given: the dispatcher is the same for any registry. */
function recorder(name: string, extra: Partial<Command> = {}) {
  const calls: ParsedArgs[] = [];
  const command: Command = {
    name,
    positionals: { min: 0, max: 1 },
    options: { role: { type: "string", value: "ROLE", help: "the role" } },
    summary: `does ${name}`,
    async run(args) {
      calls.push(args);
      return 0;
    },
    ...extra,
  };
  return { command, calls };
}

describe("the dispatcher", () => {
  test("runs serve when no verb is given", async () => {
    const serve = recorder("serve");
    expect((await cli([], { commands: [serve.command] })).code).toBe(0);
    expect(serve.calls).toHaveLength(1);
  });

  test("takes two-word verbs, so that verbs under one noun are one entry each", async () => {
    const add = recorder("user add");
    const list = recorder("user list");
    const commands = [add.command, list.command];
    expect((await cli(["user", "add", "ada", "--role", "admin"], { commands })).code).toBe(0);
    expect(add.calls[0]).toMatchObject({ values: { role: "admin" }, positionals: ["ada"] });

    const bare = await cli(["user"], { commands });
    expect(bare.code).toBe(2);
    expect(bare.stderr).toBe(
      'promptrail: "user": say which user verb: add, list\nUsage: promptrail user add [--role ROLE]\nUsage: promptrail user list [--role ROLE]\n',
    );
    expect((await cli(["user", "frob"], { commands })).code).toBe(2);
    const help = await cli(["help", "user"], { commands });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Usage: promptrail user add [--role ROLE]");
    expect(help.stdout).toContain("Usage: promptrail user list [--role ROLE]");
    expect((await cli(["help", "user", "add"], { commands })).stdout).toMatch(/^Usage: promptrail user add/);
    expect(list.calls).toHaveLength(0);
  });

  test("a failure exits 1 with one line on stderr", async () => {
    const fail = (error: unknown) => recorder("x", { run: () => Promise.reject(error) }).command;
    const multiLine = await cli(["x"], { commands: [fail(new Error("first line\n   second line"))] });
    expect(multiLine).toEqual({ code: 1, stdout: "", stderr: "promptrail x: first line second line\n" });

    const busy = Object.assign(new Error("database is locked"), { code: "SQLITE_BUSY" });
    expect((await cli(["x"], { commands: [fail(busy)] })).stderr).toBe(
      "promptrail x: the database stayed locked by another process for 5 s: try again when it is less busy\n",
    );
    const denied = Object.assign(new Error("EACCES: permission denied, open '/srv/x.db'"), {
      code: "EACCES",
      path: "/srv/x.db",
    });
    expect((await cli(["x"], { commands: [fail(denied)] })).stderr).toBe(
      "promptrail x: permission denied: run as a user that may read and write it (/srv/x.db)\n",
    );
  });

  test("every real verb is listed once", () => {
    expect(COMMANDS.map((c) => c.name)).toEqual(VERBS);
  });
});

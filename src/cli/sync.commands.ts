import { resolve } from "node:path";
import { ApiError, RegistryClient } from "../sync/client.js";
import { renderRegistry } from "../sync/layout.js";
import { readLocal } from "../sync/local.js";
import { planPush } from "../sync/plan.js";
import { applyPlan } from "../sync/push.js";
import { differences, planText } from "../sync/report.js";
import { unpushedEdits, writeTree } from "../sync/write.js";
import { type CliIo, type Command, type OptionSpec, type ParsedArgs, stringValue, UsageError } from "./command.js";
import { userPath } from "./paths.js";

const DEFAULT_URL = "http://127.0.0.1:3000";

const URL_OPTION: Record<string, OptionSpec> = {
  url: { type: "string", value: "URL", help: `the Promptrail server (default: $PROMPTRAIL_URL, else ${DEFAULT_URL})` },
};

const CONNECTION = [
  "Talks to a running server over its JSON API; with PROMPTRAIL_TOKEN set, sends it as",
  "`Authorization: Bearer`. Layout: DIR/<prompt>/prompt.json (description, type), v1.2.txt (a",
  "text version) or v1.2.messages.json (a chat version's messages), and v1.2.meta.json (stage,",
  "current, revision, contentHash, createdFrom, config). See docs/prompts-as-code.md.",
].join("\n");

/** A client for the server at `url`, with PROMPTRAIL_TOKEN when set; a URL that is not http(s) is a usage error. */
export function registryClient(url: string, io: CliIo): RegistryClient {
  if (!/^https?:\/\/[^/?#]+/.test(url))
    throw new UsageError(`--url takes an http(s) URL such as ${DEFAULT_URL}, not "${url}"`);
  return new RegistryClient(url, io.env.PROMPTRAIL_TOKEN || undefined);
}

/** The folder and a client for the server the flags and environment name. */
function target(args: ParsedArgs, io: CliIo) {
  const [dir = ""] = args.positionals;
  const url = stringValue(args, "url") ?? io.env.PROMPTRAIL_URL ?? DEFAULT_URL;
  return { dir: resolve(userPath(io.env, dir)), url, client: registryClient(url, io) };
}

const say = (io: CliIo) => (line: string) => io.stdout.write(`${line}\n`);

export const pullCommand: Command = {
  name: "pull",
  args: "DIR",
  positionals: { min: 1, max: 1 },
  options: {
    ...URL_OPTION,
    force: { type: "boolean", help: "overwrite edits in DIR that were not pushed" },
  },
  summary: "write the registry into DIR as files: one folder per prompt, one file per version",
  details: `${CONNECTION}\nThe same registry always gives the same bytes. Refuses to overwrite edits not pushed yet.`,
  async run(args, io) {
    const { dir, url, client } = target(args, io);
    const registry = await client.registry();
    const local = readLocal(dir);
    const edited = unpushedEdits(local);
    if (edited.length > 0 && !args.values.force)
      throw new Error(
        `pull would overwrite edits not pushed yet (${edited.join(", ")}): push them first, or pass --force`,
      );
    const { written, removed } = writeTree(dir, renderRegistry(registry), local);
    const versions = registry.reduce((n, p) => n + p.versions.length, 0);
    say(io)(
      `Pulled ${registry.length} prompt(s), ${versions} version(s) from ${url} into ${dir}: ${written.length} file(s) written, ${removed.length} removed`,
    );
    return 0;
  },
};

export const diffCommand: Command = {
  name: "diff",
  args: "DIR",
  positionals: { min: 1, max: 1 },
  options: { ...URL_OPTION },
  summary: "print what `push DIR` would do, version by version",
  details: CONNECTION,
  async run(args, io) {
    const { dir, client } = target(args, io);
    io.stdout.write(planText(planPush(readLocal(dir), await client.registry())));
    return 0;
  },
};

export const pushCommand: Command = {
  name: "push",
  args: "DIR",
  positionals: { min: 1, max: 1 },
  options: { ...URL_OPTION },
  summary: "save DIR's changes: new prompts, edited DEV/TST drafts, new files as DEV drafts",
  details: [
    CONNECTION,
    "Never changes PROD. Everything is checked before the first write: a PROD file that differs,",
    "a draft edited in Promptrail since the pull (a conflict), an unreadable file or a file of the",
    "other type than its prompt's (a .txt of a chat prompt) makes push",
    "exit 1 having written nothing. After each change its files are rewritten as pull would.",
  ].join("\n"),
  async run(args, io) {
    const { dir, client } = target(args, io);
    const registry = await client.registry();
    const plan = planPush(readLocal(dir), registry);
    io.stdout.write(planText(plan, "push"));
    if (plan.refusals.length > 0) {
      io.stderr.write(`promptrail push: nothing was written: fix what is listed after "because", then push again\n`);
      return 1;
    }
    if (plan.changes.length === 0) return 0;
    io.stdout.write("\n");
    try {
      await applyPlan(plan, registry, client, dir, say(io));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      throw new Error(
        `Promptrail refused a change (${error.code}: ${error.message}); what is listed above it was saved. Run diff to see what is left`,
      );
    }
    return 0;
  },
};

export const checkCommand: Command = {
  name: "check",
  args: "DIR",
  positionals: { min: 1, max: 1 },
  options: { ...URL_OPTION },
  summary: "exit 1 when DIR and the registry differ, 0 when they match (for CI)",
  details: `${CONNECTION}\nText is compared with LF line endings, messages as saved, JSON by its value.`,
  async run(args, io) {
    const { dir, url, client } = target(args, io);
    const registry = await client.registry();
    const found = differences(renderRegistry(registry), readLocal(dir).files);
    if (found.length === 0) {
      say(io)(`${dir} matches ${url}: ${registry.length} prompt(s)`);
      return 0;
    }
    io.stdout.write(`${found.join("\n")}\n`);
    io.stderr.write(
      `promptrail check: ${found.length} file(s) differ from ${url}: \`promptrail diff\` shows what push would do, \`promptrail pull\` takes the registry's\n`,
    );
    return 1;
  },
};

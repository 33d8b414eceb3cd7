import { parseArgs } from "node:util";
import { type CliIo, type Command, type ParsedArgs, UsageError } from "./command.js";
import { explain } from "./errors.js";
import { commandHelp, overview, synopsis } from "./usage.js";
import { VERSION } from "./version.js";

/**
 * The one command line (docs/operations.md), the same in the single executable and in `npm run cli`:
 * finds the verb, parses its flags strictly with util.parseArgs, runs it, and answers the exit
 * code: 0 done, 1 failed (one line on stderr says what to do), 2 a wrong verb, flag or argument
 * (the usage on stderr). With no verb at all it serves.
 */
export async function runCli(argv: string[], io: CliIo, commands: Command[]): Promise<number> {
  const all = [...commands, helpCommand(commands)];
  const words = argv.length === 0 ? ["serve"] : argv;
  if (words[0] === "--version") return print(io, `promptrail ${VERSION}\n`);
  if (words[0] === "--help" || words[0] === "-h") return print(io, overview(all));
  const found = findCommand(all, words);
  if (!found.command) {
    io.stderr.write(`promptrail: ${found.problem}\n${found.usage}`);
    return 2;
  }
  const { command, rest } = found;
  try {
    const args = parse(command, rest);
    if (args.values.help) return print(io, commandHelp(command));
    return (await command.run(args, io)) ?? 0;
  } catch (error) {
    if (error instanceof UsageError) {
      const usage = `Usage: ${synopsis(command)}\nRun \`promptrail help ${command.name}\` for more.\n`;
      io.stderr.write(`promptrail ${command.name}: ${error.message}\n${usage}`);
      return 2;
    }
    io.stderr.write(`promptrail ${command.name}: ${explain(error)}\n`);
    return 1;
  }
}

function print(io: CliIo, text: string): number {
  io.stdout.write(text);
  return 0;
}

type Found =
  | { command: Command; rest: string[]; problem?: undefined; usage?: undefined }
  | { command?: undefined; problem: string; usage: string };

/** The verb named by the first one or two words ("serve", "user add"); the longest name wins. */
function findCommand(commands: Command[], words: string[]): Found {
  for (const n of [2, 1]) {
    const name = words.slice(0, n).join(" ");
    const command = commands.find((c) => c.name === name);
    if (command && words.length >= n) return { command, rest: words.slice(n) };
  }
  const [first = ""] = words;
  const group = commands.filter((c) => c.name.startsWith(`${first} `));
  if (group.length > 0 && !first.startsWith("-")) {
    const which = group.map((c) => c.name.slice(first.length + 1)).join(", ");
    const usage = `${group.map((c) => `Usage: ${synopsis(c)}`).join("\n")}\n`;
    return { problem: `"${words.join(" ")}": say which ${first} verb: ${which}`, usage };
  }
  return { problem: `unknown verb "${first}"`, usage: overview(commands) };
}

function parse(command: Command, rest: string[]): ParsedArgs {
  const options = Object.fromEntries(
    Object.entries(command.options).map(([name, spec]) => [
      name,
      spec.short ? { type: spec.type, short: spec.short } : { type: spec.type },
    ]),
  );
  let parsed: ParsedArgs;
  try {
    parsed = parseArgs({
      args: rest,
      options: { ...options, help: { type: "boolean", short: "h" } },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    if (!String((error as { code?: unknown }).code).startsWith("ERR_PARSE_ARGS")) throw error;
    // Node's own message; its advice about `--` matters only for positionals that start with "-".
    throw new UsageError(String((error as Error).message).split(". To specify a positional")[0]);
  }
  if (parsed.values.help) return parsed;
  for (const [name, spec] of Object.entries(command.options))
    if (spec.required && parsed.values[name] === undefined) throw new UsageError(`--${name} is required`);
  const { min, max } = command.positionals;
  if (parsed.positionals.length < min) throw new UsageError(`missing ${command.args ?? "argument"}`);
  const extra = parsed.positionals[max];
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);
  return parsed;
}

/** `help [VERB]`: the overview, or one verb's help (a group name lists its verbs). */
function helpCommand(commands: Command[]): Command {
  const help: Command = {
    name: "help",
    args: "[VERB]",
    positionals: { min: 0, max: 2 },
    options: {},
    summary: "show the verbs, or one verb's options",
    async run({ positionals: words }, io) {
      const all = [...commands, help];
      if (words.length === 0) return print(io, overview(all));
      const exact = all.find((c) => c.name === words.join(" "));
      if (exact) return print(io, commandHelp(exact));
      const group = all.filter((c) => c.name.startsWith(`${words[0]} `));
      if (group.length === 0 || words.length > 1) throw new UsageError(`unknown verb "${words.join(" ")}"`);
      return print(io, group.map(commandHelp).join("\n"));
    },
  };
  return help;
}

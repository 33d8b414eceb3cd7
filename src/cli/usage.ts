import type { Command, OptionSpec } from "./command.js";

const HELP_OPTION: OptionSpec = { type: "boolean", short: "h", help: "show this help" };

function flag(name: string, spec: OptionSpec): string {
  return `--${name}${spec.type === "string" ? ` ${spec.value ?? "VALUE"}` : ""}`;
}

/** "promptrail backup FILE [--db FILE] [--force]" */
export function synopsis(command: Command): string {
  const flags = Object.entries(command.options).map(([name, spec]) =>
    spec.required ? flag(name, spec) : `[${flag(name, spec)}]`,
  );
  return ["promptrail", command.name, command.args, ...flags].filter(Boolean).join(" ");
}

/** The help of one verb: usage line, what it does, and its flags. */
export function commandHelp(command: Command): string {
  const options = { ...command.options, help: HELP_OPTION };
  const rows = Object.entries(options).map(([name, spec]) => [
    `${spec.short ? `-${spec.short}, ` : "    "}${flag(name, spec)}`,
    spec.help,
  ]);
  return [
    `Usage: ${synopsis(command)}`,
    "",
    command.summary,
    ...(command.details ? ["", command.details] : []),
    "",
    "Options:",
    ...table(rows),
    "",
  ].join("\n");
}

/** The overview: every verb with one line. */
export function overview(commands: Command[]): string {
  const rows = commands.map((c) => [`${c.name}${c.args ? ` ${c.args}` : ""}`, c.summary]);
  return [
    "Usage: promptrail VERB [options]",
    "",
    "Promptrail, a self-hosted prompt registry. Verbs:",
    ...table(rows),
    "",
    "With no verb, promptrail serves. `promptrail help VERB` (or `promptrail VERB --help`) shows",
    "a verb's options; `promptrail --version` prints the version. Exit codes: 0 done, 1 failed",
    "(one line says what to do), 2 wrong verb, flag or argument.",
    "",
  ].join("\n");
}

function table(rows: string[][]): string[] {
  const width = Math.max(...rows.map(([left]) => left?.length ?? 0));
  return rows.map(([left = "", right = ""]) => `  ${left.padEnd(width)}  ${right}`);
}

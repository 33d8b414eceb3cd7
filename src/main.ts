import { COMMANDS } from "./cli/commands.js";
import { runCli } from "./cli/run-cli.js";

/**
 * The only place that reads argv and the process environment: every verb (serve, migrate,
 * backup, export, import, help) goes through one parser, in the single executable and in a
 * checkout alike. The exit code comes from the verb; stdout is flushed before exiting.
 */
const io = {
  env: process.env,
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  signals: process,
};

runCli(process.argv.slice(2), io, COMMANDS).then(
  (code) => process.stdout.write("", () => process.exit(code)),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

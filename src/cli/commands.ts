import { backupCommand } from "./backup.command.js";
import { bundleCommand } from "./bundle.command.js";
import type { Command } from "./command.js";
import { migrateCommand } from "./migrate.command.js";
import { serveCommand } from "./serve.command.js";
import { checkCommand, diffCommand, pullCommand, pushCommand } from "./sync.commands.js";
import { TOKEN_COMMANDS } from "./token.commands.js";
import { exportCommand, importCommand } from "./transfer.commands.js";
import { USER_COMMANDS } from "./user.commands.js";

/**
 * Every verb, in the order `promptrail help` lists them (help itself is added by run-cli.ts).
 * A new verb is one entry here; verbs under one noun are entries named "user add", "user list"….
 */
export const COMMANDS: Command[] = [
  serveCommand,
  migrateCommand,
  backupCommand,
  exportCommand,
  importCommand,
  bundleCommand,
  ...USER_COMMANDS,
  ...TOKEN_COMMANDS,
  pullCommand,
  diffCommand,
  pushCommand,
  checkCommand,
];

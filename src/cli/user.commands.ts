import { describeTarget } from "../db/connect.js";
import type { User } from "../model/account.model.js";
import { ACCOUNT_OPTIONS, type Accounts, columns, roleArgument, when, withAccounts } from "./accounts.js";
import { type Command, stringValue } from "./command.js";
import { readPassword } from "./password-input.js";
import { createdLine, createsFile, settingsOf } from "./settings.js";

const PASSWORD_INPUT = [
  "The password is read from stdin when it is not a terminal (its first line), else asked",
  "twice without echo. At least 12 characters; only its scrypt hash is stored.",
].join("\n");

export const userAddCommand: Command = {
  name: "user add",
  args: "NAME",
  positionals: { min: 1, max: 1 },
  options: {
    role: { type: "string", value: "ROLE", required: true, help: "viewer, editor, releaser or admin" },
    ...ACCOUNT_OPTIONS,
  },
  summary: "add a user; the first must be an admin, and from then on everyone signs in",
  details: `${PASSWORD_INPUT}\nCreates the database file if there is none yet, and says so.`,
  async run(args, io) {
    const [name = ""] = args.positionals;
    const role = roleArgument(stringValue(args, "role"));
    const password = await readPassword(io.stdin, io.stderr);
    const target = settingsOf(args, io.env);
    if (createsFile(target)) io.stderr.write(createdLine(target));
    const { user, first } = await withAccounts(
      args,
      io,
      async ({ users }) => {
        const first = (await users.list()).every((u) => u.disabled);
        return { user: await users.add({ name, role, password }), first };
      },
      { create: true },
    );
    io.stdout.write(`Added ${user.name} as ${user.role}\n`);
    if (first)
      io.stdout.write(
        `The registry in ${describeTarget(target)} is secured now: every request needs a session or an API token\n`,
      );
    return 0;
  },
};

export const userListCommand: Command = {
  name: "user list",
  positionals: { min: 0, max: 0 },
  options: { ...ACCOUNT_OPTIONS },
  summary: "list the users: name, role, status, created, last seen",
  async run(args, io) {
    const all = await withAccounts(args, io, ({ users }) => users.list());
    if (all.length === 0) {
      io.stdout.write(
        "No users: Promptrail is in open mode. Add the first admin with `promptrail user add NAME --role admin`\n",
      );
      return 0;
    }
    const rows = all.map((u) => [
      u.name,
      u.role,
      u.disabled ? "disabled" : "active",
      when(u.createdAt),
      when(u.lastSeenAt),
    ]);
    io.stdout.write(columns([["NAME", "ROLE", "STATUS", "CREATED", "LAST SEEN"], ...rows]));
    return 0;
  },
};

export const userSetRoleCommand: Command = {
  name: "user set-role",
  args: "NAME ROLE",
  positionals: { min: 2, max: 2 },
  options: { ...ACCOUNT_OPTIONS },
  summary: "give a user another role (the last active admin keeps theirs)",
  async run(args, io) {
    const [name = "", given] = args.positionals;
    const role = roleArgument(given, "ROLE");
    const user = await withAccounts(args, io, ({ users }) => users.setRole(name, { role }));
    io.stdout.write(`${user.name} is ${user.role} now\n`);
    return 0;
  },
};

/** A verb that changes one user and says so in one line. */
function oneUserCommand(
  name: string,
  summary: string,
  change: (users: Accounts["users"], user: string) => Promise<User>,
  said: (user: User) => string,
): Command {
  return {
    name,
    args: "NAME",
    positionals: { min: 1, max: 1 },
    options: { ...ACCOUNT_OPTIONS },
    summary,
    async run(args, io) {
      const [user = ""] = args.positionals;
      io.stdout.write(`${said(await withAccounts(args, io, ({ users }) => change(users, user)))}\n`);
      return 0;
    },
  };
}

export const userDisableCommand = oneUserCommand(
  "user disable",
  "disable a user: their sessions end and their tokens stop, at once",
  (users, name) => users.disable(name),
  (user) => `Disabled ${user.name}: their sessions ended and their tokens stopped`,
);

export const userEnableCommand = oneUserCommand(
  "user enable",
  "enable a disabled user again (their tokens work again; they sign in anew)",
  (users, name) => users.enable(name),
  (user) => `Enabled ${user.name}`,
);

export const userPasswordCommand: Command = {
  name: "user password",
  args: "NAME",
  positionals: { min: 1, max: 1 },
  options: { ...ACCOUNT_OPTIONS },
  summary: "set a user's password; their sessions end",
  details: PASSWORD_INPUT,
  async run(args, io) {
    const [name = ""] = args.positionals;
    const password = await readPassword(io.stdin, io.stderr);
    const user = await withAccounts(args, io, ({ users }) => users.setPassword(name, { password }));
    io.stdout.write(`Set the password of ${user.name}; their sessions ended\n`);
    return 0;
  },
};

export const USER_COMMANDS = [
  userAddCommand,
  userListCommand,
  userSetRoleCommand,
  userDisableCommand,
  userEnableCommand,
  userPasswordCommand,
];

import { ACCOUNT_OPTIONS, columns, when, withAccounts } from "./accounts.js";
import { type Command, stringValue } from "./command.js";

export const tokenCreateCommand: Command = {
  name: "token create",
  args: "NAME",
  positionals: { min: 1, max: 1 },
  options: {
    label: { type: "string", value: "L", required: true, help: "what the token is for, e.g. checkout-service" },
    "read-only": { type: "boolean", help: "the token acts as a viewer, whatever the user's role" },
    ...ACCOUNT_OPTIONS,
  },
  summary: "create an API token for user NAME; prints only the secret",
  details: [
    "The secret (prt_…) goes to stdout and nowhere else: it is not shown again, and the",
    "database keeps only its hash. Use it as `Authorization: Bearer prt_…`, or as the password",
    "of HTTP Basic with any user name.",
  ].join("\n"),
  async run(args, io) {
    const [user = ""] = args.positionals;
    const label = stringValue(args, "label");
    const readOnly = args.values["read-only"] === true;
    const created = await withAccounts(args, io, ({ tokens }) => tokens.create({ user, label, readOnly }));
    io.stdout.write(`${created.secret}\n`);
    io.stderr.write(
      `Created token ${created.token.id} “${created.token.label}” for ${user}${readOnly ? " (read-only)" : ""}\n`,
    );
    return 0;
  },
};

export const tokenListCommand: Command = {
  name: "token list",
  args: "[NAME]",
  positionals: { min: 0, max: 1 },
  options: { ...ACCOUNT_OPTIONS },
  summary: "list API tokens (never their secrets), everyone's or user NAME's",
  async run(args, io) {
    const [user] = args.positionals;
    const all = await withAccounts(args, io, ({ tokens }) => tokens.list(undefined, user));
    if (all.length === 0) {
      io.stdout.write("No tokens\n");
      return 0;
    }
    const rows = all.map((t) => [
      String(t.id),
      t.user,
      t.label,
      t.readOnly ? "read-only" : "role",
      when(t.createdAt),
      when(t.lastUsedAt),
      t.revokedAt ? `revoked ${when(t.revokedAt)}` : "active",
    ]);
    io.stdout.write(columns([["ID", "USER", "LABEL", "ACCESS", "CREATED", "LAST USED", "STATUS"], ...rows]));
    return 0;
  },
};

export const tokenRevokeCommand: Command = {
  name: "token revoke",
  args: "ID",
  positionals: { min: 1, max: 1 },
  options: { ...ACCOUNT_OPTIONS },
  summary: "revoke an API token: the next request that shows it is refused",
  async run(args, io) {
    const [id = ""] = args.positionals;
    const token = await withAccounts(args, io, ({ tokens }) => tokens.revoke(id));
    io.stdout.write(`Revoked token ${token.id} “${token.label}” of ${token.user}\n`);
    return 0;
  },
};

export const TOKEN_COMMANDS = [tokenCreateCommand, tokenListCommand, tokenRevokeCommand];

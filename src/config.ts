import { z } from "zod";

/** What PROMPTRAIL_DATABASE_URL must look like: `postgres://…` or `postgresql://…`. */
export const POSTGRES_URL = /^postgres(ql)?:\/\/\S+$/;

/**
 * PROMPTRAIL_PASSWORD_COST: scrypt's cost for new password hashes, as log2 of N (15: 32 MiB and
 * some tens of ms per hash). Lower it only where passwords guard nothing: the test suite runs
 * with 10. A hash keeps its own cost, so checking old hashes works whatever the setting says.
 */
const PASSWORD_COST = z.coerce
  .number("a whole number from 10 to 17 (log2 of scrypt's N)")
  .int("a whole number from 10 to 17 (log2 of scrypt's N)")
  .min(10, "at least 10 (log2 of scrypt's N)")
  .max(17, "at most 17 (log2 of scrypt's N)")
  .default(15);

/** The password cost the environment asks for (log2 of scrypt's N); a bad value throws, naming the variable. */
export function passwordCostOf(env: NodeJS.ProcessEnv): number {
  const parsed = PASSWORD_COST.safeParse(env.PROMPTRAIL_PASSWORD_COST);
  if (!parsed.success)
    throw new Error(`Invalid settings: PROMPTRAIL_PASSWORD_COST: ${parsed.error.issues[0]?.message ?? "invalid"}`);
  return parsed.data;
}

const settings = z.object({
  HOST: z.string().min(1).default("127.0.0.1"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PROMPTRAIL_DB: z.string().min(1).default("./data/promptrail.db"),
  // docs/postgresql.md: PostgreSQL instead of the SQLite file.
  PROMPTRAIL_DATABASE_URL: z
    .string()
    .regex(POSTGRES_URL, "a PostgreSQL URL such as postgres://user@host:5432/promptrail")
    .optional(),
  PROMPTRAIL_LOG: z.enum(["off", "text", "json"], "Use off, text or json").optional(),
  // docs/limits.md: the one host the server answers for (behind a proxy); an origin, no path.
  PROMPTRAIL_PUBLIC_URL: z
    .url({ protocol: /^https?$/, error: "an http(s) URL such as https://prompts.example.com" })
    .refine((v) => /^https?:\/\/[^/?#@]+\/?$/.test(v), "only scheme, host and port (no path, query or credentials)")
    .optional(),
  // docs/webhooks.md: may webhooks reach loopback and private networks? Off unless the operator says so.
  PROMPTRAIL_WEBHOOK_PRIVATE: z.enum(["0", "1"], "Use 1 to allow loopback and private networks, 0 not to").optional(),
  // docs/accounts.md: believe X-Forwarded-Proto / X-Forwarded-For only behind a proxy that sets them.
  PROMPTRAIL_TRUST_PROXY: z.enum(["0", "1"], "Use 1 (behind a proxy that sets X-Forwarded-*) or 0").default("0"),
  // The change stream's keep-alive comment (docs/applications.md): under most proxies' idle timeouts.
  PROMPTRAIL_HEARTBEAT_MS: z.coerce
    .number("a number of milliseconds")
    .int("a whole number of milliseconds")
    .min(10, "at least 10 ms")
    .max(3_600_000, "at most an hour (3600000)")
    .default(15_000),
  PROMPTRAIL_PASSWORD_COST: PASSWORD_COST,
});

/** `log` is the request log's format; unset means text on a terminal, JSON otherwise. */
export type Config = {
  host: string;
  port: number;
  dbFile: string;
  /** PostgreSQL's URL (PROMPTRAIL_DATABASE_URL); when set, the SQLite file is not used. */
  databaseUrl: string | null;
  log: "off" | "text" | "json" | undefined;
  publicUrl: string | null;
  /** Webhooks may be sent to loopback and private-network addresses (docs/webhooks.md, Where a webhook may send). */
  webhookPrivate: boolean;
  /** Believe X-Forwarded-Proto / X-Forwarded-For (PROMPTRAIL_TRUST_PROXY=1, behind a proxy). */
  trustProxy: boolean;
  /** How often every open change stream gets its keep-alive comment (PROMPTRAIL_HEARTBEAT_MS). */
  heartbeatMs: number;
  /** scrypt's cost for new password hashes, log2 of N (PROMPTRAIL_PASSWORD_COST). */
  passwordCost: number;
};

/** Settings from the environment, validated once at start-up; a bad value stops the start with its name. */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const parsed = settings.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid settings: ${problems}`);
  }
  const {
    HOST,
    PORT,
    PROMPTRAIL_DB,
    PROMPTRAIL_DATABASE_URL,
    PROMPTRAIL_LOG,
    PROMPTRAIL_PUBLIC_URL,
    PROMPTRAIL_WEBHOOK_PRIVATE,
    PROMPTRAIL_TRUST_PROXY,
    PROMPTRAIL_HEARTBEAT_MS,
    PROMPTRAIL_PASSWORD_COST,
  } = parsed.data;
  return {
    host: HOST,
    port: PORT,
    dbFile: PROMPTRAIL_DB,
    databaseUrl: PROMPTRAIL_DATABASE_URL ?? null,
    log: PROMPTRAIL_LOG,
    publicUrl: PROMPTRAIL_PUBLIC_URL ?? null,
    webhookPrivate: PROMPTRAIL_WEBHOOK_PRIVATE === "1",
    trustProxy: PROMPTRAIL_TRUST_PROXY === "1",
    heartbeatMs: PROMPTRAIL_HEARTBEAT_MS,
    passwordCost: PROMPTRAIL_PASSWORD_COST,
  };
}

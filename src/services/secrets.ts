import { createHash, randomBytes, scrypt, timingSafeEqual } from "node:crypto";
import { passwordCostOf } from "../config.js";

/**
 * Secrets and how they are kept (docs/accounts.md): session cookies and API tokens are 256 random bits,
 * stored as their sha256 (a fast hash is enough for a secret nobody can guess); passwords, which
 * people choose, as salted scrypt (node:crypto), run on libuv's thread pool so that the event
 * loop stays free while one is checked.
 */
export function newSecret(prefix = ""): string {
  return `${prefix}${randomBytes(32).toString("base64url")}`;
}

export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

/**
 * The cost of new hashes: N = 2^PROMPTRAIL_PASSWORD_COST (2^15 unless set: about 32 MiB and some
 * tens of ms per check, slow for a guesser, fine for a person), read when a hash is made.
 */
const costOfNewHashes = () => ({ N: 2 ** passwordCostOf(process.env), r: 8, p: 1 });
const KEY_BYTES = 32;

type Cost = { N: number; r: number; p: number };

function derive(password: string, salt: Buffer, cost: Cost): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize("NFC"), salt, KEY_BYTES, { ...cost, maxmem: 256 * cost.N * cost.r }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

/** `scrypt$N$r$p$salt$key`, base64url; the parameters travel with the hash so they can grow later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const cost = costOfNewHashes();
  const key = await derive(password, salt, cost);
  return ["scrypt", cost.N, cost.r, cost.p, salt.toString("base64url"), key.toString("base64url")].join("$");
}

/** Whether `password` matches `stored`; a malformed hash matches nothing. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split("$");
  if (scheme !== "scrypt" || !salt || !key) return false;
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  // Other costs are accepted (PROMPTRAIL_PASSWORD_COST may change), within bounds that keep one check affordable.
  if (!(cost.N >= 2 ** 10 && cost.N <= 2 ** 17 && cost.r >= 1 && cost.r <= 16 && cost.p >= 1 && cost.p <= 4))
    return false;
  const expected = Buffer.from(key, "base64url");
  const actual = await derive(password, Buffer.from(salt, "base64url"), cost);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

let decoy: Promise<string> | undefined;
/**
 * A hash to check a password against when the name is unknown or disabled, so that a wrong
 * name costs as long as a wrong password and the answer time tells nothing (docs/accounts.md).
 */
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(newSecret());
  return decoy;
}

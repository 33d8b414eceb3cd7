import { createServices } from "../../src/services/index.js";
import { freshDb } from "./db.js";

/** Services over a fresh database with an injected environment (never process.env). */
export async function testingServices(options: { env?: Record<string, string>; concurrency?: number } = {}) {
  const db = await freshDb();
  const env = options.env ?? {};
  const services = createServices({
    db,
    env: (name) => (Object.hasOwn(env, name) ? env[name] : undefined),
    ...(options.concurrency !== undefined && { concurrency: options.concurrency }),
  });
  return { db, ...services };
}

/** The error a promise rejects with (fails the test if it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string; issues?: unknown }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error("expected a rejection");
}

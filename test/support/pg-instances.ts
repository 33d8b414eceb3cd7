import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { afterAll, beforeAll } from "vitest";
import { listeningUrl, spawnCli } from "./cli.js";
import { createMigratedTestDatabase } from "./pg-databases.js";

/**
 * `count` real `promptrail serve` processes on one fresh PostgreSQL database, as behind a load
 * balancer (docs/postgresql.md), started before the file's tests and stopped (SIGTERM) after them. Answers
 * a getter, valid inside tests: the database and each instance's base URL.
 */
export function postgresInstances(count: number) {
  let database: Awaited<ReturnType<typeof createMigratedTestDatabase>> | undefined;
  const servers: ChildProcessWithoutNullStreams[] = [];
  let urls: string[] = [];
  beforeAll(async () => {
    database = await createMigratedTestDatabase();
    const url = database.url;
    const start = () => {
      const child = spawnCli(["serve", "--port", "0"], { PROMPTRAIL_DATABASE_URL: url, PROMPTRAIL_LOG: "off" });
      servers.push(child);
      return listeningUrl(child);
    };
    urls = await Promise.all(Array.from({ length: count }, start));
  }, 60_000);
  afterAll(async () => {
    await Promise.all(servers.map(stopped));
    await database?.drop();
  });
  return () => {
    if (!database) throw new Error("the instances are only ready inside tests");
    return { url: database.url, instances: urls };
  };
}

function stopped(child: ChildProcessWithoutNullStreams): Promise<unknown> {
  if (child.exitCode !== null) return Promise.resolve();
  const exit = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  return exit;
}

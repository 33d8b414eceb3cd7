// What hono/method-not-allowed and hono/accepts would cost where Promptrail has its own: the
// runtime read through the app as createApp builds it, against the same app behind Hono's
// method-not-allowed middleware (it must wrap every route, the runtime read included); and an
// Accept header ranked by our parser against hono/accepts. In process, no network. Run with
// `node --import tsx bench/hono-helpers.ts`; prints JSON (docs/decisions.md, Hono's own helpers over hand-written ones).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Hono } from "hono";
import { accepts } from "hono/accepts";
import { methodNotAllowed } from "hono/method-not-allowed";
import { createApp } from "../src/app.js";
import { connect } from "../src/db/connect.js";
import { migrateToLatest } from "../src/db/migrate.js";
import { negotiate } from "../src/http/negotiate.js";

const dir = mkdtempSync(join(tmpdir(), "promptrail-hono-helpers-"));
const db = connect(join(dir, "bench.db"));
await migrateToLatest(db.kysely);
const ours = createApp({ db });
const wrapped = new Hono();
wrapped.use(methodNotAllowed({ app: wrapped }));
wrapped.route("/", createApp({ db }));

const READ = "http://localhost/prompts/p/stages/DEV";
const JSON_HEADERS = { accept: "application/json", "content-type": "application/json" };

async function perSecond(app: Hono, ms: number): Promise<number> {
  let n = 0;
  const end = performance.now() + ms;
  while (performance.now() < end) {
    for (let i = 0; i < 100; i++) await (await app.fetch(new Request(READ))).text();
    n += 100;
  }
  return Math.round((n * 1000) / ms);
}

function syncPerSecond(work: () => unknown, ms: number): number {
  let n = 0;
  const end = performance.now() + ms;
  while (performance.now() < end) {
    for (let i = 0; i < 1000; i++) work();
    n += 1000;
  }
  return Math.round((n * 1000) / ms);
}

try {
  await ours.request("/prompts", {
    method: "POST",
    headers: JSON_HEADERS,
    body: JSON.stringify({ name: "p", body: "Hi" }),
  });
  await perSecond(ours, 1000);
  await perSecond(wrapped, 1000);
  const runs: Array<{ ours: number; wrapped: number }> = [];
  for (let i = 0; i < 5; i++) runs.push({ ours: await perSecond(ours, 1000), wrapped: await perSecond(wrapped, 1000) });
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  const browser = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";
  const context = (accept: string) => ({
    req: { header: (name: string) => (name === "accept" || name === "Accept" ? accept : undefined) },
  });
  const c = context(browser) as unknown as Parameters<typeof negotiate>[0];
  const ourNegotiate = syncPerSecond(() => negotiate(c), 1000);
  const honoAccepts = syncPerSecond(
    () => accepts(c, { header: "Accept", supports: ["text/html", "application/json"], default: "text/html" }),
    1000,
  );
  process.stdout.write(
    `${JSON.stringify(
      {
        runtimeReadPerSecond: {
          ours: median(runs.map((r) => r.ours)),
          behindMethodNotAllowed: median(runs.map((r) => r.wrapped)),
        },
        runs,
        browserAcceptPerSecond: { ourNegotiate, honoAccepts },
      },
      null,
      2,
    )}\n`,
  );
} finally {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
}

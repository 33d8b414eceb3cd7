// Statements per action, counted through the query builder on a fresh database, in process
// (the app as createApp builds it). Run by bench/run.mjs with `node --import tsx`; prints JSON.
// The runtime read is not counted here: it runs on the read-only connection, where an unchanged
// version costs one `PRAGMA data_version` and nothing else.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApp } from "../src/app.js";
import { connect } from "../src/db/connect.js";
import { migrateToLatest } from "../src/db/migrate.js";

const dir = mkdtempSync(join(tmpdir(), "promptrail-statements-"));
const statements: string[] = [];
const db = connect(join(dir, "statements.db"), { onQuery: (sql) => statements.push(sql) });
await migrateToLatest(db.kysely);
const app = createApp({ db });

const JSON_HEADERS = { accept: "application/json", "content-type": "application/json" };
const HTMX = { "hx-request": "true", "content-type": "application/x-www-form-urlencoded" };
const PAGE = { accept: "text/html" };

async function call(path: string, init: { method?: string; headers: Record<string, string>; body?: string }) {
  const res = await app.request(path, init);
  if (res.status >= 400) throw new Error(`${init.method ?? "GET"} ${path} answered ${res.status}: ${await res.text()}`);
  await res.arrayBuffer();
}
const json = (path: string, body: unknown = {}) =>
  call(path, { method: "POST", headers: JSON_HEADERS, body: JSON.stringify(body) });

const counts: Record<string, number> = {};
async function count(label: string, work: () => Promise<void>) {
  statements.length = 0;
  await work();
  counts[label] = statements.length;
}

try {
  await count("create prompt (JSON)", () => json("/prompts", { name: "p", body: "Hello {{name}}" }));
  await count("save (JSON)", () => json("/prompts/p/versions/1.0/save", { body: "Hello {{name}}, again" }));
  await count("save (htmx)", () =>
    call("/prompts/p/versions/1.0/save", { method: "POST", headers: HTMX, body: "body=Hello+%7B%7Bname%7D%7D%21" }),
  );
  await json("/prompts/p/versions/1.0/promote", { to: "TST" });
  await json("/prompts/p/versions/1.0/promote", { to: "PROD" });
  await count("new version (JSON)", () => json("/prompts/p/versions/1.0/new"));
  await json("/prompts/p/versions/1.0/new");
  await count("promote DEV→TST (JSON)", () => json("/prompts/p/versions/1.1/promote", { to: "TST" }));
  await count("promote DEV→TST (htmx)", () =>
    call("/prompts/p/versions/1.2/promote", { method: "POST", headers: HTMX, body: "to=TST" }),
  );
  await count("promote TST→PROD (htmx)", () =>
    call("/prompts/p/versions/1.2/promote", { method: "POST", headers: HTMX, body: "to=PROD" }),
  );
  await count("make current (htmx)", () =>
    call("/prompts/p/versions/1.0/make-current", { method: "POST", headers: HTMX, body: "" }),
  );
  await count("prompt page", () => call("/prompts/p", { headers: PAGE }));
  await count("version page", () => call("/prompts/p/versions/1.1", { headers: PAGE }));
  await count("compare page", () => call("/prompts/p/compare", { headers: PAGE }));
  await count("prompt list page", () => call("/prompts", { headers: PAGE }));
  process.stdout.write(`${JSON.stringify(counts)}\n`);
} finally {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
}

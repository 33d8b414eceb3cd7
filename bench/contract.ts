// The prompt contract's costs (docs/contract.md): how long checking a JSON Schema takes (a
// typical one, one at the 64 KiB limit, and what a 1 MB one would cost the validator), and the
// longest event-loop stall while the largest renders run through the app (a `json` variable near
// 1 MB, a `messages` variable of 10,000 messages, one over the size limit) and while a 64 KiB
// schema is saved. docs/limits.md asks that no request hold the loop over ~100 ms. In-process only:
// the app over a throw-away SQLite file, app.request(), perf_hooks' monitorEventLoopDelay.
// Run: `npm run bench:contract`.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { createApp } from "../src/app.js";
import { connect } from "../src/db/connect.js";
import { migrateToLatest } from "../src/db/migrate.js";
import { schemaChecker, schemaProblem } from "../src/services/json-schema.js";

const TYPICAL = {
  type: "object",
  properties: {
    label: { type: "string", enum: ["refund", "delivery", "account", "other"] },
    confidence: { type: "number", minimum: 0, maximum: 1 },
    reasons: { type: "array", items: { type: "string", maxLength: 200 }, maxItems: 5 },
    customer: {
      type: "object",
      properties: { name: { type: "string" }, email: { type: "string", pattern: "^[^@]+@[^@]+$" } },
      required: ["name"],
      additionalProperties: false,
    },
  },
  required: ["label", "confidence"],
  additionalProperties: false,
};

/** An object schema of about `bytes` size: many described string properties, half of them required. */
function schemaOf(bytes: number) {
  const schema = { type: "object", properties: {} as Record<string, unknown>, required: [] as string[] };
  let size = 50;
  for (let i = 0; size < bytes; i++) {
    const field = { type: "string", description: "A field, described at some length.", maxLength: 100 };
    schema.properties[`field_${i}`] = field;
    size += JSON.stringify(field).length + `"field_${i}":,`.length;
    if (i % 2 === 0) {
      schema.required.push(`field_${i}`);
      size += `"field_${i}",`.length;
    }
  }
  return schema;
}

function median(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

function timeIt(runs: number, fn: () => unknown): number {
  fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    fn();
    times.push(performance.now() - started);
  }
  return median(times);
}

console.log(`prompt contract bench, node ${process.version}, ${process.platform}/${process.arch}`);
for (const [name, schema, runs] of [
  ["typical (0.5 KB)", TYPICAL, 200],
  ["at the limit (64 KiB)", schemaOf(64 * 1024), 15],
  ["1 MB (refused by size before this)", schemaOf(1_000_000), 3],
] as const) {
  const size = JSON.stringify(schema).length;
  const check = timeIt(runs, () => schemaProblem(schema));
  const instance = Object.fromEntries((schema.required as string[]).map((k) => [k, "x"]));
  const checker = schemaChecker(schema);
  const validate = timeIt(runs, () =>
    checker(name.startsWith("typical") ? { label: "refund", confidence: 1 } : instance),
  );
  console.log(
    `schema ${name}: ${size.toLocaleString("en")} bytes; draft 2020-12 check ${check.toFixed(2)} ms; validate an output ${validate.toFixed(2)} ms (median of ${runs})`,
  );
}

const dir = mkdtempSync(join(tmpdir(), "promptrail-bench-contract-"));
const db = connect(join(dir, "bench.db"));
await migrateToLatest(db.kysely);
const app = createApp({ db });
const post = (path: string, body: unknown) =>
  app.request(path, {
    method: "POST",
    headers: { accept: "application/json", "content-type": "application/json" },
    body: JSON.stringify(body),
  });
await post("/prompts", { name: "big", body: "Data: {{data}}", variables: [{ name: "data", type: "json" }] });
await post("/prompts", {
  name: "chat",
  messages: [
    { role: "system", content: "Hi" },
    { type: "placeholder", name: "h" },
  ],
});
const nearMb = { rows: Array.from({ length: 16_000 }, (_, i) => ({ i, text: "x".repeat(40) })) };
const overMb = { rows: Array.from({ length: 30_000 }, () => "y".repeat(40)) };
const atLimit = schemaOf(64 * 1024 - 300);
const oneMb = schemaOf(1_000_000);
const history = Array.from({ length: 10_000 }, (_, i) => ({
  role: i % 2 ? "assistant" : "user",
  content: `message ${i}`,
}));
const steps: Array<[string, () => Response | Promise<Response>]> = [
  [
    `render a json variable of ${JSON.stringify(nearMb).length.toLocaleString("en")} bytes`,
    () => post("/prompts/big/versions/1.0/render", { variables: { data: nearMb } }),
  ],
  [
    `render a json variable of ${JSON.stringify(overMb).length.toLocaleString("en")} bytes (refused: over 1,000,000)`,
    () => post("/prompts/big/versions/1.0/render", { variables: { data: overMb } }),
  ],
  [
    "render a messages variable of 10,000 messages",
    () => post("/prompts/chat/versions/1.0/render", { variables: { h: history } }),
  ],
  [
    "save a 64 KiB response schema",
    () =>
      post("/prompts/big/versions/1.0/save", {
        body: "Data: {{data}}",
        responseFormat: { type: "json_schema", json_schema: { name: "big", schema: atLimit } },
      }),
  ],
  [
    "save a 1 MB response schema (refused: over 64 KiB)",
    () =>
      post("/prompts/big/versions/1.0/save", {
        body: "Data: {{data}}",
        responseFormat: { type: "json_schema", json_schema: { name: "big", schema: oneMb } },
      }),
  ],
];
let worst = 0;
try {
  for (const [name, step] of steps) {
    const histogram = monitorEventLoopDelay({ resolution: 5 });
    histogram.enable();
    await new Promise((resolve) => setTimeout(resolve, 20)); // the monitor's timer starts on the next turn
    const started = performance.now();
    const res = await step();
    const took = performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 30)); // let the monitor's timer record the stall
    histogram.disable();
    const ms = histogram.max / 1e6;
    worst = Math.max(worst, ms);
    console.log(
      `${ms.toFixed(1).padStart(7)} ms stall ${took.toFixed(0).padStart(5)} ms request  ${res.status}  ${name}`,
    );
  }
  console.log(`longest stall: ${worst.toFixed(1)} ms`);
} finally {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
}

import fc from "fast-check";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { connectPostgres } from "../../../src/db/connect.js";
import { messagesText } from "../../../src/domain/chat.js";
import { chatContentHash, contentHash, type Json } from "../../../src/domain/content.js";
import { checkContract, storedContract } from "../../../src/domain/contract.js";
import { hashOf } from "../../../src/domain/prompt-content.js";
import { runs } from "../../support/depth.js";
import { createMigratedTestDatabase } from "../../support/pg-databases.js";

/**
 * R3 and docs/rules.md, chat prompts on PostgreSQL: the database's own content hash (SQL over sha256) is the app's
 * contentHash / chatContentHash, for any body and any config text JSON.parse reads the same way.
 */
let database: Awaited<ReturnType<typeof createMigratedTestDatabase>>;
let db: ReturnType<typeof connectPostgres>["kysely"];

beforeAll(async () => {
  database = await createMigratedTestDatabase();
  db = connectPostgres(database.url, { max: 4 }).kysely;
});

afterAll(async () => {
  await db.destroy();
  await database.drop();
});

/** Hashes many pairs in one round trip. */
async function pgHashes(fn: "promptrail_content_hash" | "promptrail_chat_hash", pairs: Array<[string, string]>) {
  const { rows } = await sql<{ h: string | null }>`
    SELECT ${sql.raw(fn)}(p ->> 0, p ->> 1) AS h
    FROM json_array_elements(${JSON.stringify(pairs)}::json) WITH ORDINALITY x(p, n) ORDER BY n`.execute(db);
  return rows.map((r) => r.h);
}

/** Text PostgreSQL can hold: no NUL (a PostgreSQL text never holds one; SQLite's can). */
const text = fc.string({ unit: "grapheme-composite", maxLength: 30 }).map((s) => s.replaceAll("\0", ""));
const anyText = fc.oneof(
  text,
  fc.string({ unit: "binary", maxLength: 30 }).map((s) => s.replaceAll("\0", "")),
  fc.constantFrom('"', "\\", "\n\r\t\b\f", "\u0001\u001f\u007f", "\u2028\u2029", "é", "😀", "\uffff", "/", "</script>"),
);
const NUMBERS = [
  5.373517413577816e17,
  2 ** 60,
  1e22,
  2 ** 53 + 2,
  0,
  -0,
  0.7,
  1e-7,
  1e-6,
  1e21,
  1e20,
  123456789012345680000,
  -1.5e-300,
  5e-324,
  2 ** 53,
  0.1 + 0.2,
  100,
];
const json: fc.Arbitrary<Json> = fc.letrec<{ value: Json }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.constant(null),
    fc.boolean(),
    fc.constantFrom(...NUMBERS),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
    anyText,
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(anyText, tie("value"), { maxKeys: 4 }),
  ),
})).value;
const config = fc.dictionary(anyText, json, { maxKeys: 6 });

describe("the content hash in PostgreSQL (R3)", () => {
  test("equals contentHash for any body and config", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(anyText, config), { minLength: 1, maxLength: 20 }), async (cases) => {
        const hashes = await pgHashes(
          "promptrail_content_hash",
          cases.map(([body, c]) => [body, JSON.stringify(c)]),
        );
        expect(hashes).toEqual(cases.map(([body, c]) => contentHash(body, c)));
      }),
      { numRuns: runs(null, 60, 600) },
    );
  });

  test("reads a config as JSON.parse does: number lexemes, escapes, whitespace, duplicate keys", async () => {
    const texts = [
      "{}",
      ' { "b" : 1.0 , "a" : [ 1E2 , -0 , 0.70 , 1e-7 , 1e+21 , 1e21 , 100e-2 , 12345678901234567890 ] } ',
      '{"x":1e400,"y":-1e-400,"z":0.000001,"w":1.5e-7,"v":123e18,"u":1234e18}',
      '{"a":1,"a":2,"b":{"k":"first","k":"last"}}',
      '{"\\u00e9\\/":"\\ud83d\\ude00 \\u0041\\n","é":"é"}',
      '{"\\uffff":1,"😀":2,"\\ue000":3,"a":4,"B":5,"":6,"10":7,"9":8}',
      '{"t":true,"f":false,"n":null,"s":"  spaced  "}',
    ];
    const hashes = await pgHashes(
      "promptrail_content_hash",
      texts.map((t) => ["body", t]),
    );
    expect(hashes).toEqual(texts.map((t) => contentHash("body", JSON.parse(t))));
  });

  test("is null for a config that is not a JSON object", async () => {
    const hashes = await pgHashes(
      "promptrail_content_hash",
      ["[]", "1", '"x"', "null", "not json", "{", '{"a":}', ""].map((t) => ["body", t]),
    );
    expect(hashes).toEqual(Array(8).fill(null));
  });
});

describe("the chat hash in PostgreSQL (docs/rules.md, chat prompts)", () => {
  const role = fc.constantFrom("system", "user", "assistant");
  const item = fc.oneof(
    fc.record({ role, content: anyText }),
    fc.record({
      type: fc.constant("placeholder"),
      name: fc.constantFrom("history", "_x", "имя", "नाम", "a.b-c_1", "العميل", "x".repeat(64)),
    }),
  );

  test("equals chatContentHash for well-formed messages in canonical form", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.array(item, { minLength: 1, maxLength: 5 }), config), { minLength: 1, maxLength: 10 }),
        async (cases) => {
          const hashes = await pgHashes(
            "promptrail_chat_hash",
            cases.map(([items, c]) => [messagesText(items as never), JSON.stringify(c)]),
          );
          expect(hashes).toEqual(
            cases.map(([items, c]) => chatContentHash(JSON.parse(messagesText(items as never)), c)),
          );
        },
      ),
      { numRuns: runs(null, 40, 400) },
    );
  });

  test("is null for anything parseStoredMessages refuses", async () => {
    const ok = messagesText([{ role: "user", content: "hi" }]);
    const bodies = [
      "[]",
      "not json",
      "{}",
      JSON.stringify([{ role: "bot", content: "x" }]),
      JSON.stringify([{ content: "x", role: "user", extra: 1 }]),
      JSON.stringify([{ content: 1, role: "user" }]),
      JSON.stringify([{ name: "has space", type: "placeholder" }]),
      JSON.stringify([{ name: "1digit", type: "placeholder" }]),
      JSON.stringify([{ name: "x".repeat(65), type: "placeholder" }]),
      JSON.stringify([{ name: "x", type: "slot" }]),
      '[{"role":"user","content":"x"}]',
      '[{"content":"x","role":"user","role":"user"}]',
      `${ok} `,
      JSON.stringify(Array.from({ length: 101 }, () => ({ content: "x", role: "user" }))),
    ];
    expect(
      await pgHashes(
        "promptrail_chat_hash",
        bodies.map((b) => [b, "{}"]),
      ),
    ).toEqual(Array(bodies.length).fill(null));
    expect(await pgHashes("promptrail_chat_hash", [[ok, "[]"]])).toEqual([null]);
    const hundred = messagesText(Array.from({ length: 100 }, () => ({ role: "user" as const, content: "x" })));
    expect(await pgHashes("promptrail_chat_hash", [[hundred, "{}"]])).toEqual([
      chatContentHash(JSON.parse(hundred), {}),
    ]);
  });
});

describe("the hash with a contract in PostgreSQL (docs/contract.md)", () => {
  const variable = fc.oneof(
    fc.record({ name: fc.constantFrom("a", "имя", "x.y", "_z"), type: fc.constant("string"), description: text }),
    fc.record({ name: fc.constantFrom("n", "m"), type: fc.constant("number"), default: fc.constantFrom(...NUMBERS) }),
    fc.record({ name: fc.constantFrom("j"), type: fc.constant("json"), default: json }),
    fc.record({ name: fc.constant("t"), type: fc.constant("enum"), values: fc.constant(["a", "é", "😀"]) }),
    fc.record({
      name: fc.constant("u"),
      type: fc.constant("enum"),
      values: fc.constant(["a", "é"]),
      default: fc.constantFrom("a", "é"),
    }),
    fc.record({
      name: fc.constant("h"),
      type: fc.constant("messages"),
      default: fc.constant([{ role: "assistant", content: "é 😀" }]),
    }),
  );
  const contract = fc.record({
    variables: fc.uniqueArray(variable, { maxLength: 4, selector: (v) => v.name }),
    tools: fc.constantFrom([], [{ type: "function", function: { name: "f", parameters: { type: "object" } } }]),
    responseFormat: fc.constantFrom(
      null,
      { type: "json_object" },
      {
        type: "json_schema",
        json_schema: { name: "r", schema: { type: "object", properties: { a: { type: "number" } } }, strict: true },
      },
    ),
  });

  test("equals hashOf for any text, config and contract in stored form; null for a malformed contract", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(anyText, config, contract), { minLength: 1, maxLength: 10 }),
        async (cases) => {
          const rows = cases.map(([body, c, raw]) => {
            const checked = checkContract(raw);
            if (!checked.ok) throw new Error(JSON.stringify(checked.issues));
            const columns = storedContract(checked.contract);
            return {
              body,
              config: JSON.stringify(c),
              ...columns,
              expected: hashOf({ type: "text", body }, c, checked.contract),
            };
          });
          const { rows: hashes } = await sql<{ h: string | null }>`
          SELECT promptrail_version_hash('text', r ->> 'body', r ->> 'config', r ->> 'variables', r ->> 'tools',
            r ->> 'responseFormat') AS h
          FROM json_array_elements(${JSON.stringify(rows)}::json) WITH ORDINALITY x(r, n) ORDER BY n`.execute(db);
          expect(hashes.map((h) => h.h)).toEqual(rows.map((r) => r.expected));
        },
      ),
      { numRuns: runs(null, 40, 400) },
    );
    const { rows } = await sql<{ h: string | null }>`
      SELECT promptrail_version_hash('text', 'b', '{}', '[{"name":"a","type":"date","required":true}]', '[]', NULL) AS h`.execute(
      db,
    );
    expect(rows[0]?.h).toBeNull();
  });
});

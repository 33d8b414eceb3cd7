import { describe, expect, test } from "vitest";
import { canonicalJson, type Json } from "../../../src/domain/content.js";
import { checkContract } from "../../../src/domain/contract.js";
import { hashOf } from "../../../src/domain/prompt-content.js";
import { freshServices } from "../../support/db.js";
import { rawSql, rawValue, refusedRaw } from "../../support/state.js";

/**
 * The prompt contract's rules held by the database itself, on both engines, against raw SQL
 * (migrations/202612090000_contract.ts and its PostgreSQL twin): a PROD version's contract never
 * changes; malformed contract JSON is refused by CHECKs; JSON that is no contract in stored form
 * by a trigger; the content hash covers the contract, and an edit of it stores its revision first.
 */
const VARIABLES = [{ name: "n", type: "number", required: false, default: 1 }];
const stored = (value: unknown) => canonicalJson(value as Json);

async function setup() {
  const s = await freshServices();
  await s.prompts.create({ name: "p", body: "x{{n}}", variables: VARIABLES, responseFormat: { type: "json_object" } });
  await s.versions.promote("p", "1.0");
  await s.versions.promote("p", "1.0", { to: "PROD" });
  await s.versions.createNew("p", "1.0");
  const id = async (v: string) =>
    Number(
      await rawValue(
        s.db,
        "SELECT v.id FROM versions v JOIN prompts p ON p.id = v.prompt_id WHERE p.name = 'p' AND v.major || '.' || v.minor = ?",
        v,
      ),
    );
  return { s, prod: await id("1.0"), draft: await id("1.1") };
}

describe("the contract against raw SQL", () => {
  test("a PROD version's contract never changes, even with a matching hash", async () => {
    const { s, prod } = await setup();
    const other = [{ name: "n", type: "number", required: true }];
    const hash = hashOf(
      { type: "text", body: "x{{n}}" },
      {},
      { variables: other as never, tools: [], responseFormat: null },
    );
    for (const statement of [
      `UPDATE versions SET variables = '${stored(other)}', content_hash = '${hash}' WHERE id = ${prod}`,
      `UPDATE versions SET response_format = NULL WHERE id = ${prod}`,
      `UPDATE versions SET tools = '[]', variables = '[]' WHERE id = ${prod}`,
    ]) {
      const refused = await refusedRaw(s.db, statement);
      expect(refused.message).toContain("Cannot edit production versions");
    }
    expect(JSON.parse(String(await rawValue(s.db, `SELECT variables FROM versions WHERE id = ${prod}`)))).toEqual(
      VARIABLES,
    );
  });

  test("malformed contract JSON is refused by the CHECKs", async () => {
    const { s, draft } = await setup();
    const tools129 = stored(
      Array.from({ length: 129 }, (_, i) => ({ type: "function", function: { name: `t${i}`, parameters: {} } })),
    );
    for (const [column, value, rule] of [
      ["variables", "not json", "versions_variables"],
      ["variables", '{"name":"n"}', "versions_variables"],
      ["tools", tools129, "versions_tools"],
      ["tools", "null", "versions_tools"],
      ["response_format", '{"type":"xml"}', "versions_response_format"],
      ["response_format", "[]", "versions_response_format"],
    ] as const) {
      const refused = await refusedRaw(s.db, `UPDATE versions SET ${column} = ? WHERE id = ${draft}`, value);
      expect({ column, kind: refused.kind, rule: refused.rule }).toEqual({ column, kind: "CHECK", rule });
    }
  });

  test("JSON that is not a contract in stored form is refused by a trigger", async () => {
    const { s, draft } = await setup();
    for (const variables of [
      '[{"name":"n","required":true,"type":"date"}]',
      '[{"name":"n","required":true,"type":"string"},{"name":"n","required":true,"type":"string"}]',
      '[{"name":"e","required":true,"type":"enum","values":[]}]',
      '[{"default":"1","name":"n","required":false,"type":"number"}]',
      '[{"default":1,"name":"n","required":true,"type":"number"}]',
      '[{"name":"1st","required":true,"type":"string"}]',
      '[{"type":"string","name":"n","required":true}]',
      '[ {"name":"n","required":true,"type":"string"} ]',
    ]) {
      const refused = await refusedRaw(s.db, `UPDATE versions SET variables = ? WHERE id = ${draft}`, variables);
      expect({ variables, message: refused.message }).toEqual({
        variables,
        message: expect.stringContaining("a contract holds well-formed variables, tools and response format"),
      });
      // SQLite names the first trigger with that text, PostgreSQL the one that raised it: both are contract rules.
      expect(refused.rule).toMatch(/_contract$/);
    }
    const tool = '[{"function":{"name":"bad name","parameters":{}},"type":"function"}]';
    expect((await refusedRaw(s.db, `UPDATE versions SET tools = ? WHERE id = ${draft}`, tool)).rule).toMatch(
      /_contract$/,
    );
    const format = '{"json_schema":{"name":"r","schema":true},"type":"json_schema"}';
    expect(
      (await refusedRaw(s.db, `UPDATE versions SET response_format = ? WHERE id = ${draft}`, format)).rule,
    ).toMatch(/_contract$/);
  });

  test("the hash covers the contract; an edit of it stores its revision first; a proper one is accepted", async () => {
    const { s, draft } = await setup();
    const next = { variables: [{ name: "n", type: "string", required: true }], tools: [], responseFormat: null };
    const checked = checkContract(next);
    if (!checked.ok) throw new Error("a test contract that does not check");
    const hash = hashOf({ type: "text", body: "x{{n}}" }, {}, checked.contract);
    const variables = stored(checked.contract.variables);
    const unhashed = await refusedRaw(s.db, `UPDATE versions SET variables = ? WHERE id = ${draft}`, variables);
    expect(unhashed.message).toContain("content_hash must be the sha256 of the body and config");
    const unstored = await refusedRaw(
      s.db,
      `UPDATE versions SET variables = ?, response_format = NULL, content_hash = ? WHERE id = ${draft}`,
      variables,
      hash,
    );
    expect(unstored.message).toContain("an edit must store its revision first");
    const badRevision = await refusedRaw(
      s.db,
      `INSERT INTO revisions (version_id, revision, body, config, content_hash, saved_at, actor, variables)
       VALUES (${draft}, 2, 'x{{n}}', '{}', ?, 'now', 'raw', 'oops')`,
      hash,
    );
    expect(badRevision.kind).toBe("CHECK");
    // The same edit done right: the revision first, with the contract and its hash; then the version.
    await rawSql(
      s.db,
      `INSERT INTO revisions (version_id, revision, body, config, content_hash, saved_at, actor, variables, tools, response_format)
       VALUES (${draft}, 2, 'x{{n}}', '{}', ?, 'now', 'raw', ?, '[]', NULL)`,
      hash,
      variables,
    );
    await rawSql(
      s.db,
      `UPDATE versions SET variables = ?, response_format = NULL, content_hash = ?, revision = 2 WHERE id = ${draft}`,
      variables,
      hash,
    );
    expect((await s.versions.get("p", "1.1")).contract.variables).toEqual(checked.contract.variables);
  });
});

import { describe, expect, test } from "vitest";
import { freshApp } from "./support/http.js";

/**
 * What each action costs the database, counted statement by statement through the query
 * builder (BEGIN and COMMIT included). The runtime read is not here: it runs on its own
 * read-only connection and, unchanged, on no statement but one `PRAGMA data_version`.
 */
async function countingApp() {
  const statements: string[] = [];
  const client = await freshApp({ onQuery: (sql) => statements.push(sql) });
  /** The statements `work` runs. */
  async function during(work: () => unknown): Promise<string[]> {
    statements.length = 0;
    const res = await work();
    if (res instanceof Response) expect(res.status, await res.clone().text()).toBeLessThan(400);
    return [...statements];
  }
  return { ...client, during };
}

/** A statement that reads version content: all columns of `versions`, or its body. */
const readsBody = (sql: string) =>
  /"versions"/.test(sql) &&
  /^select/i.test(sql) &&
  (/"v"\.\*|select \*|(?<!as )"body"/.test(sql) || /"versions"\.\*/.test(sql));

const afterCommit = (statements: string[]) => {
  const commit = statements.findLastIndex((sql) => /^commit$/i.test(sql.trim()));
  expect(commit).toBeGreaterThan(0);
  return statements.slice(commit + 1);
};

describe("an htmx promote: the write, then the panel from the version it returned", () => {
  test.each([
    ["a DEV draft to TST (the panel previews PROD)", "1.3", "TST"],
    ["a TST version to PROD", "1.1", "PROD"],
  ])("%s: at most 13 statements, and the panel reads neither the prompt nor the version again", async (_l, v, to) => {
    const client = await countingApp();
    await client.ladder("p");
    const statements = await client.during(() => client.htmx(`/prompts/p/versions/${v}/promote`, { to }));
    // 12 for the promotion and its panel, and one for the access check (docs/accounts.md): in open mode,
    // after a commit, whether a user has been added since.
    expect(statements.length, statements.join("\n")).toBeLessThanOrEqual(13);
    const panel = afterCommit(statements);
    // The panel may read facts the write did not return (drafts, archived), but never looks the
    // prompt up by name again.
    expect(panel.filter((sql) => /"prompts"/.test(sql) && /"name" = (\?|\$\d+)/.test(sql))).toEqual([]);
    expect(panel.filter((sql) => /"versions"/.test(sql) && /"v"\."major" = (\?|\$\d+)/.test(sql))).toEqual([]);
  });
});

describe("pages never load what they do not show", () => {
  async function manyVersions(count: number) {
    const client = await countingApp();
    await client.create("p", "the one body {{x}}");
    for (let i = 0; i < count - 1; i++) await client.act("p", "1.0", "new");
    return client;
  }

  test("the prompt page reads no version's body, and the same statements for 3 versions as for 40", async () => {
    const few = await manyVersions(3);
    const many = await manyVersions(40);
    for (const path of ["/prompts/p", "/prompts/p?limit=10&cursor=1.30"]) {
      const small = await few.during(() => few.page(path));
      const large = await many.during(() => many.page(path));
      expect(large.filter(readsBody)).toEqual([]);
      expect(large).toHaveLength(small.length);
    }
    const json = await many.during(() => many.api("GET", "/prompts/p"));
    expect(json.filter(readsBody)).toEqual([]);
  });

  test("compare reads exactly the two bodies it diffs", async () => {
    const client = await manyVersions(40);
    const statements = await client.during(() => client.page("/prompts/p/compare?from=1.3&to=1.39"));
    expect(statements.filter(readsBody)).toHaveLength(2);
  });

  test("the version page reads its own body and at most the body it previews against", async () => {
    const client = await manyVersions(40);
    await client.act("p", "1.0", "promote");
    const statements = await client.during(() => client.page("/prompts/p/versions/1.20"));
    expect(statements.filter(readsBody).length).toBeLessThanOrEqual(2);
    expect(statements.length, statements.join("\n")).toBeLessThanOrEqual(6);
  });
});

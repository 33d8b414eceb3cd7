import type { Kysely } from "kysely";
import type { Database, PromptRow, TestCaseRow } from "../db/schema.js";
import { DomainError } from "../domain/errors.js";
import { contentOf, variablesOf } from "../domain/prompt-content.js";
import { effectiveVariables } from "../domain/render.js";
import type { TestCase } from "../model/testing.model.js";
import {
  countTestCases,
  deleteTestCase,
  findTestCase,
  findTestCaseByName,
  insertTestCase,
  listTestCasePage,
  listTestCases,
  type TestCaseContent,
  updateTestCase,
} from "../store/test-cases.store.js";
import { newestBody, newestContent } from "../store/versions.store.js";
import { readContract } from "./columns.js";
import { type Actor, isoNow, LOCAL, requirePrompt, requireRole, type ServiceDeps } from "./context.js";
import { type DatasetFormat, datasetFormat, readDataset, unknownVariables } from "./dataset.js";
import { idPageInput } from "./inputs.js";
import { parseInput } from "./parse.js";
import { rowToTestCase } from "./rows.js";
import { MAX_TEST_CASES, testCaseInput } from "./testing.inputs.js";
import { inTransaction, type Tx } from "./transaction.js";

/** Test case ids arrive from URLs as text; anything but a positive integer names no test case. */
function parseId(id: number | string): number | null {
  const n = typeof id === "number" ? id : /^\d{1,15}$/.test(id) ? Number(id) : Number.NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

async function requireTestCase(db: Kysely<Database>, prompt: PromptRow, id: number | string): Promise<TestCaseRow> {
  const n = parseId(id);
  const row = n === null ? undefined : await findTestCase(db, prompt.id, n);
  if (!row) throw new DomainError("not_found", `${prompt.name} has no test case ${JSON.stringify(String(id))}`);
  return row;
}

async function refuseTakenName(tx: Tx, prompt: PromptRow, name: string, except: number | null): Promise<void> {
  const other = await findTestCaseByName(tx, prompt.id, name);
  if (other && other.id !== except)
    throw new DomainError("name_taken", `${prompt.name} already has a test case named "${name}"`, [
      { path: "name", message: "Another test case of this prompt has this name" },
    ]);
}

function toContent(input: unknown): TestCaseContent {
  const { name, variables, assertions, echoOutput } = parseInput(testCaseInput, input);
  return {
    name,
    variables: JSON.stringify(variables),
    assertions: JSON.stringify(assertions),
    echo_output: echoOutput,
  };
}

export function createTestCasesService(deps: ServiceDeps) {
  const { db } = deps;
  return {
    /** A prompt's test cases, in the order they were created (the order a TEST reports them). */
    async list(promptName: string): Promise<TestCase[]> {
      const prompt = await requirePrompt(db, promptName);
      return (await listTestCases(db, prompt.id)).map(rowToTestCase);
    },

    /**
     * The test cases page: a page of the cases in creation order (`limit`, `cursor`: the last id
     * of the page before), the total, and the variables of the newest version (a new case's
     * blank), placeholders included.
     */
    async page(
      promptName: string,
      paging: unknown = {},
    ): Promise<{ testCases: TestCase[]; variables: string[]; total: number; nextCursor: string | null }> {
      const { limit, cursor } = parseInput(idPageInput, paging);
      const prompt = await requirePrompt(db, promptName);
      const [rows, body, total] = await Promise.all([
        listTestCasePage(db, prompt.id, { after: cursor, limit: limit + 1 }),
        newestBody(db, prompt.id),
        countTestCases(db, prompt.id),
      ]);
      const shown = rows.slice(0, limit);
      return {
        testCases: shown.map(rowToTestCase),
        variables: body === null ? [] : variablesOf(contentOf(prompt.type, body)),
        total,
        nextCursor: rows.length > limit ? String(shown.at(-1)?.id) : null,
      };
    },

    /**
     * Imports a dataset (docs/evaluate.md#datasets): JSON Lines or CSV, all or nothing. A bad
     * row is 422 naming its line; a name the prompt already has is 409 naming its line; more
     * than MAX_TEST_CASES in all is 422. Variables the newest version does not use are kept
     * and answered as warnings.
     */
    async import(
      promptName: string,
      file: { content: string; format?: string | undefined; fileName?: string | undefined },
      by: Actor = LOCAL,
    ): Promise<{ imported: number; testCases: TestCase[]; warnings: Array<{ path: string; message: string }> }> {
      requireRole(by, "edit");
      const format: DatasetFormat = datasetFormat(file.content, file.format, file.fileName);
      const rows = readDataset(file.content, format);
      return inTransaction(db, async (tx) => {
        const now = isoNow(deps);
        const prompt = await requirePrompt(tx, promptName);
        const has = await countTestCases(tx, prompt.id);
        if (has + rows.length > MAX_TEST_CASES)
          throw new DomainError(
            "validation_failed",
            `A prompt has at most ${MAX_TEST_CASES.toLocaleString("en")} test cases: ${prompt.name} has ${has}, the file adds ${rows.length}`,
            [{ path: "(input)", message: `At most ${MAX_TEST_CASES - has} more test cases fit` }],
          );
        const newest = await newestContent(tx, prompt.id);
        const known = new Set(
          newest
            ? effectiveVariables(contentOf(prompt.type, newest.body), readContract(newest.variables, "[]", null)).map(
                (v) => v.name,
              )
            : [],
        );
        const ids: number[] = [];
        for (const { line, input } of rows) {
          const other = await findTestCaseByName(tx, prompt.id, input.name);
          if (other)
            throw new DomainError(
              "name_taken",
              `Line ${line}: ${prompt.name} already has a test case named "${input.name}"`,
              [{ path: `line ${line}.name`, message: "Another test case of this prompt has this name" }],
            );
          const content = {
            name: input.name,
            variables: JSON.stringify(input.variables),
            assertions: JSON.stringify(input.assertions),
            echo_output: input.echoOutput,
          };
          ids.push(await insertTestCase(tx, prompt.id, content, now));
        }
        const saved = await listTestCasePage(tx, prompt.id, { after: (ids[0] ?? 1) - 1, limit: ids.length });
        return { imported: ids.length, testCases: saved.map(rowToTestCase), warnings: unknownVariables(rows, known) };
      });
    },

    async get(promptName: string, id: number | string): Promise<TestCase> {
      const prompt = await requirePrompt(db, promptName);
      return rowToTestCase(await requireTestCase(db, prompt, id));
    },

    /**
     * Adds a test case. Its name is unique per prompt (409 name_taken) and never "ad-hoc";
     * a regex that does not compile is refused here, not at TEST time (422, path
     * `assertions.N.value`). At most MAX_TEST_CASES per prompt.
     */
    async create(promptName: string, input: unknown, by: Actor = LOCAL): Promise<TestCase> {
      requireRole(by, "edit");
      const content = toContent(input);
      return inTransaction(db, async (tx) => {
        const now = isoNow(deps);
        const prompt = await requirePrompt(tx, promptName);
        await refuseTakenName(tx, prompt, content.name, null);
        if ((await countTestCases(tx, prompt.id)) >= MAX_TEST_CASES)
          throw new DomainError("validation_failed", `A prompt has at most ${MAX_TEST_CASES} test cases`, [
            { path: "(input)", message: `${prompt.name} already has ${MAX_TEST_CASES} test cases` },
          ]);
        const id = await insertTestCase(tx, prompt.id, content, now);
        return rowToTestCase(await requireTestCase(tx, prompt, id));
      });
    },

    /** Replaces a test case's name, variables and assertions, with the rules of `create`. */
    async save(promptName: string, id: number | string, input: unknown, by: Actor = LOCAL): Promise<TestCase> {
      requireRole(by, "edit");
      const content = toContent(input);
      return inTransaction(db, async (tx) => {
        const now = isoNow(deps);
        const prompt = await requirePrompt(tx, promptName);
        const row = await requireTestCase(tx, prompt, id);
        await refuseTakenName(tx, prompt, content.name, row.id);
        await updateTestCase(tx, row.id, content, now);
        return rowToTestCase(await requireTestCase(tx, prompt, row.id));
      });
    },

    /** Removes a test case; runs already stored keep their copy of its results. */
    async delete(promptName: string, id: number | string, by: Actor = LOCAL): Promise<{ deleted: number }> {
      requireRole(by, "edit");
      return inTransaction(db, async (tx) => {
        const prompt = await requirePrompt(tx, promptName);
        const row = await requireTestCase(tx, prompt, id);
        await deleteTestCase(tx, row.id);
        return { deleted: row.id };
      });
    },
  };
}

import type { Kysely } from "kysely";
import type { Database, PromptRow, TestCaseRow } from "../db/schema.js";
import { DomainError } from "../domain/errors.js";
import { contentOf, variablesOf } from "../domain/prompt-content.js";
import type { TestCase } from "../model/testing.model.js";
import {
  countTestCases,
  deleteTestCase,
  findTestCase,
  findTestCaseByName,
  insertTestCase,
  listTestCases,
  type TestCaseContent,
  updateTestCase,
} from "../store/test-cases.store.js";
import { newestBody } from "../store/versions.store.js";
import { type Actor, isoNow, LOCAL, requirePrompt, requireRole, type ServiceDeps } from "./context.js";
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

    /** The test cases page: the cases, and the variables of the newest version (a new case's blank), placeholders included. */
    async page(promptName: string): Promise<{ testCases: TestCase[]; variables: string[] }> {
      const prompt = await requirePrompt(db, promptName);
      const [rows, body] = await Promise.all([listTestCases(db, prompt.id), newestBody(db, prompt.id)]);
      return {
        testCases: rows.map(rowToTestCase),
        variables: body === null ? [] : variablesOf(contentOf(prompt.type, body)),
      };
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

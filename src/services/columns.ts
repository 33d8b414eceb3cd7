import { z } from "zod";
import { ASSERTION_TYPES, type Assertion } from "../domain/assertions.js";
import type { Config } from "../domain/content.js";
import {
  type Contract,
  EMPTY_CONTRACT,
  type ResponseFormat,
  type Tool,
  VARIABLE_TYPES,
  type Variable,
} from "../domain/contract.js";
import type { CaseResult } from "../model/testing.model.js";
import { readColumn, STORED } from "../store/columns.js";

export { readColumn };

/**
 * The JSON the database keeps in text columns, read back through the shape its writer gave it:
 * a column that does not fit (a hand edit, a bug) fails loudly at the read, naming the column,
 * instead of travelling on as a type it is not (`readColumn`, shared with the store's own reads in
 * store/columns.ts). Every writer checks more than these do
 * (R12's triggers, the input schemas); these say only what readers rely on.
 */
const config: z.ZodType<Config> = z.record(z.string(), z.json());
const variables = z.record(z.string(), z.string());
const assertions: z.ZodType<Assertion[]> = z.array(
  z.union([
    z.object({ type: z.enum(["contains", "not-contains", "equals", "regex"]), value: z.string() }),
    z.object({ type: z.literal("json"), value: z.null() }),
    z.object({ type: z.literal("max-length"), value: z.number() }),
    z.object({ type: z.literal("judge"), value: z.string(), threshold: z.number() }),
  ]),
);
export const testStatusSchema = z.enum(["passed", "failed", "error"]);
export const tokensSchema = z.object({ prompt: z.int(), completion: z.int(), total: z.int() });

/** One case of a test run, as stored in `test_runs.results` and as the JSON API answers it. */
export const caseResultSchema: z.ZodType<CaseResult> = z.object({
  case: z.string(),
  status: testStatusSchema,
  output: z.string().nullable(),
  error: z.string().nullable(),
  latencyMs: z.number().nullable(),
  tokens: tokensSchema.nullable(),
  assertions: z.array(
    z.object({
      type: z.enum([...ASSERTION_TYPES, "schema"]),
      value: z.union([z.string(), z.number(), z.null()]),
      passed: z.boolean(),
      message: z.string(),
      score: z.number().optional(),
      reason: z.string().optional(),
      threshold: z.number().optional(),
      grader: z.string().optional(),
    }),
  ),
});
const results = z.array(caseResultSchema);

/**
 * The contract's three columns (docs/contract.md) in the shape its types give them. The database
 * checked more on the way in (limits, names, JSON Schema outlines: parseStoredContract); this is
 * what readers rely on, and cheap enough for every read of a version.
 */
const jsonObject = z.record(z.string(), z.json());
const contractVariables: z.ZodType<Variable[]> = z.array(
  z.object({
    name: z.string(),
    type: z.enum(VARIABLE_TYPES),
    required: z.boolean(),
    default: z.json().optional(),
    description: z.string().optional(),
    values: z.array(z.string()).optional(),
  }),
);
const contractTools: z.ZodType<Tool[]> = z.array(
  z.object({
    type: z.literal("function"),
    function: z.object({
      name: z.string(),
      description: z.string().optional(),
      parameters: jsonObject,
      strict: z.boolean().optional(),
    }),
  }),
);
const responseFormat: z.ZodType<ResponseFormat> = z.discriminatedUnion("type", [
  z.object({ type: z.literal("json_object") }),
  z.object({
    type: z.literal("json_schema"),
    json_schema: z.object({
      name: z.string(),
      schema: jsonObject,
      strict: z.boolean().optional(),
      description: z.string().optional(),
    }),
  }),
]);

export const COLUMNS = {
  config,
  variables,
  assertions,
  contractVariables,
  contractTools,
  responseFormat,
  results,
  eventTypes: STORED.eventTypes,
  stages: STORED.stages,
  detail: STORED.detail,
  deliveryBody: z.looseObject({
    prompt: z.string().nullish(),
    version: z.string().nullish(),
    stage: z.string().nullish(),
  }),
};

/**
 * A version's or revision's contract from its three columns (null: no response format). The
 * empty contract, most versions', is answered without parsing. Call it once per row read.
 */
export function readContract(variables: string, tools: string, format: string | null): Contract {
  if (variables === "[]" && tools === "[]" && format === null) return EMPTY_CONTRACT;
  return {
    variables: readColumn(contractVariables, variables, "contract variables"),
    tools: readColumn(contractTools, tools, "contract tools"),
    responseFormat: format === null ? null : readColumn(responseFormat, format, "response format"),
  };
}

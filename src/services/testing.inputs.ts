import { z } from "zod";
import { type Assertion, compileRegex, DEFAULT_JUDGE_THRESHOLD, MAX_RUBRIC_CHARS } from "../domain/assertions.js";
import { API_KEY_ENV, checkBaseUrl } from "../domain/endpoint.js";
import { MAX_APPROVALS } from "../domain/reviews.js";
import { isVariableName } from "../domain/template.js";
import { AD_HOC } from "../domain/test-outcome.js";

/**
 * The zod schemas of TEST (docs/rules.md, TEST), shared by the services and the HTTP layer. Forms send
 * `variables` and `assertions` as JSON text: the HTTP layer parses that text, then feeds the
 * same object as a JSON body would.
 */
export const MAX_VARIABLES = 100;
export const MAX_VARIABLE_VALUE = 100_000;
export const MAX_ASSERTIONS = 50;
export const MAX_TEST_CASES = 1000;
export const TIMEOUT_MS = { min: 100, max: 600_000 } as const;

export const variablesInput = z
  .record(
    z
      .string()
      // The same names a `{{placeholder}}` can hold, so that every value can fill one.
      .refine(
        isVariableName,
        "Use a template variable name: up to 64 letters, digits, _ . -, starting with a letter or _",
      ),
    z.string().max(MAX_VARIABLE_VALUE, `Keep each value under ${MAX_VARIABLE_VALUE.toLocaleString("en")} characters`),
  )
  .refine((v) => Object.keys(v).length <= MAX_VARIABLES, `At most ${MAX_VARIABLES} variables`);

const text = (what: string) => z.string().max(10_000, `Keep the ${what} under 10,000 characters`);
const needed = (what: string) => text(what).min(1, `Give the ${what}`);

const regexValue = needed("pattern").superRefine((value, ctx) => {
  const compiled = compileRegex(value);
  if (!compiled.ok) ctx.addIssue({ code: "custom", message: compiled.error });
});

const maxLengthValue = z.union(
  [
    z.int().min(0).max(10_000_000),
    z
      .string()
      .regex(/^\d{1,8}$/)
      .transform(Number),
  ],
  "Give the maximum number of characters as a whole number",
);

/** One assertion; `json` takes no value (null, "" or absent), the others need one. */
export const assertionInput = z
  .discriminatedUnion(
    "type",
    [
      z.strictObject({ type: z.literal("contains"), value: needed("text to find") }),
      z.strictObject({ type: z.literal("not-contains"), value: needed("text to avoid") }),
      z.strictObject({ type: z.literal("equals"), value: text("expected output") }),
      z.strictObject({ type: z.literal("regex"), value: regexValue }),
      z.strictObject({
        type: z.literal("json"),
        value: z.union([z.null(), z.literal("")], "json takes no value").optional(),
      }),
      z.strictObject({ type: z.literal("max-length"), value: maxLengthValue }),
      z.strictObject({
        type: z.literal("judge"),
        value: z
          .string()
          .trim()
          .min(1, "Give the rubric the judge grades against")
          .max(MAX_RUBRIC_CHARS, `Keep the rubric under ${MAX_RUBRIC_CHARS.toLocaleString("en")} characters`),
        threshold: z
          .union(
            [
              z.number(),
              z
                .string()
                .trim()
                .regex(/^(0(\.\d+)?|1(\.0+)?|\.\d+)$/)
                .transform(Number),
            ],
            "Give the threshold as a number from 0 to 1",
          )
          .pipe(z.number().min(0, "The threshold is at least 0").max(1, "The threshold is at most 1"))
          .default(DEFAULT_JUDGE_THRESHOLD),
      }),
    ],
    "Use one of contains, not-contains, equals, regex, json, max-length, judge",
  )
  .transform((a): Assertion => (a.type === "json" ? { type: "json", value: null } : a));

const testCaseName = z
  .string()
  .trim()
  .min(1, "Give the test case a name")
  .max(100, "Keep the name under 100 characters")
  .regex(/^[^\p{Cc}]*$/u, "The name cannot contain control characters")
  .refine((name) => name.toLowerCase() !== AD_HOC, `"${AD_HOC}" is reserved for the ad-hoc case of a TEST`);

export const testCaseInput = z.strictObject({
  name: testCaseName,
  variables: variablesInput.default({}),
  assertions: z.array(assertionInput).max(MAX_ASSERTIONS, `At most ${MAX_ASSERTIONS} assertions`).default([]),
  /** What the echo provider answers for this case instead of the rendered prompt; null: the prompt. */
  echoOutput: z
    .string()
    .max(MAX_VARIABLE_VALUE, `Keep the echo output under ${MAX_VARIABLE_VALUE.toLocaleString("en")} characters`)
    .nullable()
    .default(null),
});

export const runInput = z.strictObject({ variables: variablesInput.optional() });

const baseUrl = z.string().transform((value, ctx) => {
  const checked = checkBaseUrl(value);
  if (checked.ok) return checked.url;
  ctx.addIssue({ code: "custom", message: checked.error });
  return z.NEVER;
});

const apiKeyEnv = z
  .union([
    z
      .string()
      .trim()
      .max(100, "Keep the variable name under 100 characters")
      .regex(
        API_KEY_ENV,
        "Name an environment variable PROMPTRAIL_…_KEY (capitals, digits, _), e.g. PROMPTRAIL_OPENAI_API_KEY",
      ),
    z.literal("").transform(() => null),
    z.null(),
  ])
  .describe("The NAME of the variable holding the key; empty or null for servers that need none");

/** Any subset of an environment's settings; the rest keep their values. */
export const environmentUpdateInput = z.strictObject({
  provider: z.enum(["echo", "openai"], "Use echo or openai").optional(),
  baseUrl: baseUrl.optional(),
  model: z.string().trim().min(1, "Give a default model").max(200, "Keep the model under 200 characters").optional(),
  apiKeyEnv: apiKeyEnv.optional(),
  timeoutMs: z
    .int("Give the timeout in whole milliseconds")
    .min(TIMEOUT_MS.min, `At least ${TIMEOUT_MS.min} ms`)
    .max(TIMEOUT_MS.max, `At most ${TIMEOUT_MS.max} ms (10 minutes)`)
    .optional(),
  gate: z.union([z.boolean(), z.literal("no-regression")], 'gate is true, false or "no-regression"').optional(),
  approvals: z
    .int("Give approvals as a whole number")
    .min(0, "At least 0")
    .max(MAX_APPROVALS, `At most ${MAX_APPROVALS} approvals`)
    .optional(),
});

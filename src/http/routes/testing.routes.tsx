import { type Context, Hono } from "hono";
import { promptUrl, versionUrl } from "../../../views/components.js";
import { TestResults } from "../../../views/fragments/test-panel.js";
import { type TestCaseDraft, TestCasesPage } from "../../../views/pages/test-cases.page.js";
import { TestRunsPage } from "../../../views/pages/test-runs.page.js";
import { DomainError } from "../../domain/errors.js";
import type { Services } from "../../services/index.js";
import { redirectAfterPost, takeFlash } from "../flash.js";
import { withFormErrors } from "../form.js";
import { isForm, readForm, readInput } from "../input.js";
import { testCaseSchema, testCasesSchema, testRunSchema, testRunsSchema } from "../json.js";
import { negotiate } from "../negotiate.js";
import { fragment, page } from "../render.js";
import { nextUrl, pageQuery } from "./paging.js";
import { renderVersionExtras } from "./version-page.js";

const VERSION = "/prompts/:name/versions/:v";
const CASES = "/prompts/:name/test-cases";

const strings = (value: unknown): string[] =>
  (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter((v): v is string => typeof v === "string");

/** TEST from a form: one `var.<name>` input per template variable; blank inputs are left out. */
async function readRunInput(c: Context) {
  if (!isForm(c)) return readInput(c, { json: ["variables"] });
  const form = await readForm(c);
  const input = await readInput(c, { json: ["variables"] });
  const variables: Record<string, string> = { ...(input.variables as Record<string, string> | undefined) };
  for (const [key, value] of Object.entries(form)) {
    if (key.startsWith("var.") && typeof value === "string" && value !== "") variables[key.slice(4)] = value;
  }
  return Object.keys(variables).length ? { variables } : {};
}

/**
 * A test case from a form: name, variables as JSON text, and rows of assertion type + value.
 * Variables that are not JSON come back as `problem`, with the draft to show them again.
 */
async function readTestCaseInput(
  c: Context,
): Promise<{ input: Record<string, unknown>; draft: TestCaseDraft; problem?: DomainError }> {
  if (!isForm(c)) {
    const input = await readInput(c);
    return { input, draft: { name: String(input.name ?? ""), variables: "", assertions: [] } };
  }
  const form = await readForm(c, { all: true });
  const types = strings(form.a_type);
  const values = strings(form.a_value);
  const rows = types.map((type, i) => ({ type, value: values[i] ?? "" })).filter((row) => row.type !== "");
  const draft = { name: strings(form.name)[0] ?? "", variables: strings(form.variables)[0] ?? "", assertions: rows };
  let variables: unknown = {};
  if (draft.variables.trim() !== "") {
    try {
      variables = JSON.parse(draft.variables);
    } catch {
      const issue = { path: "variables", message: 'Give the variables as a JSON object, e.g. {"name": "Ada"}' };
      const problem = new DomainError("validation_failed", `variables: ${issue.message}`, [issue]);
      return { input: {}, draft, problem };
    }
  }
  return { input: { name: draft.name, variables, assertions: rows }, draft };
}

export function createTestingRoutes(services: Services) {
  const { testRuns, testCases } = services;

  async function casesPage(c: Context, name: string, extra: { draft?: TestCaseDraft; status?: 422 | 409 } = {}) {
    const shown = await testCases.page(name);
    const flash = extra.draft?.issues
      ? { kind: "error" as const, text: extra.draft.issues[0]?.message ?? "Check the test case" }
      : takeFlash(c);
    return page(c, <TestCasesPage prompt={name} {...shown} draft={extra.draft} flash={flash} />, extra.status ?? 200);
  }

  /** Create and save share this: JSON answers the case, forms go back to the list (or re-show it with the errors). */
  async function writeCase(c: Context, name: string, id: string | null) {
    const read = await readTestCaseInput(c);
    return withFormErrors(
      c,
      ["validation_failed", "name_taken"],
      async () => {
        if (read.problem) throw read.problem;
        const saved = id ? await testCases.save(name, id, read.input) : await testCases.create(name, read.input);
        if (negotiate(c) === "json") {
          if (!id) c.header("Location", `${promptUrl(name)}/test-cases/${saved.id}`);
          return c.json(testCaseSchema.parse(saved), id ? 200 : 201);
        }
        const text = `${id ? "Saved" : "Added"} test case “${saved.name}”`;
        return redirectAfterPost(c, `${promptUrl(name)}/test-cases`, text);
      },
      (error) => {
        const issues = error.issues ?? [{ path: "name", message: error.message }];
        const draft = { ...read.draft, ...(id ? { id: Number(id) } : {}), issues };
        return casesPage(c, name, { draft, status: error.status as 422 });
      },
    );
  }

  return new Hono()
    .post(`${VERSION}/test`, async (c) => {
      const { name, v } = c.req.param();
      const run = await testRuns.run(name, v, await readRunInput(c));
      const mode = negotiate(c);
      if (mode === "json") return c.json(testRunSchema.parse(run));
      const text = `Tested v${run.version}: ${run.status}`;
      if (mode === "page") return redirectAfterPost(c, `${versionUrl(name, run.version)}#test-results`, text);
      const extras = await renderVersionExtras(services, name, run.version);
      return fragment(
        c,
        <>
          <TestResults run={run} now={new Date()} />
          {extras}
        </>,
      );
    })
    .get(`${VERSION}/tests`, async (c) => {
      const { name, v } = c.req.param();
      const paging = pageQuery(c);
      const [version, result] = await Promise.all([services.versions.get(name, v), testRuns.list(name, v, paging)]);
      const next = nextUrl(`${versionUrl(name, version.version)}/tests`, result.nextCursor, { limit: paging.limit });
      if (negotiate(c) === "json") return c.json(testRunsSchema.parse({ runs: result.runs, next }));
      return page(c, <TestRunsPage version={version} runs={result.runs} next={next} now={new Date()} />);
    })
    .get(CASES, async (c) => {
      const name = c.req.param("name");
      if (negotiate(c) === "json") return c.json(testCasesSchema.parse({ testCases: await testCases.list(name) }));
      return casesPage(c, name);
    })
    .post(CASES, (c) => writeCase(c, c.req.param("name"), null))
    .get(`${CASES}/:id`, async (c) => {
      const { name, id } = c.req.param();
      const testCase = await testCases.get(name, id);
      if (negotiate(c) === "json") return c.json(testCaseSchema.parse(testCase));
      return c.redirect(`${promptUrl(name)}/test-cases#case-${testCase.id}`, 303);
    })
    .post(`${CASES}/:id/save`, (c) => writeCase(c, c.req.param("name"), c.req.param("id")))
    .post(`${CASES}/:id/delete`, async (c) => {
      const { name, id } = c.req.param();
      const testCase = await testCases.get(name, id);
      const result = await testCases.delete(name, id);
      if (negotiate(c) === "json") return c.json(result);
      return redirectAfterPost(c, `${promptUrl(name)}/test-cases`, `Deleted test case “${testCase.name}”`);
    });
}

import { type Context, Hono } from "hono";
import { promptUrl, versionUrl } from "../../../views/components.js";
import { TestResults } from "../../../views/fragments/test-panel.js";
import { Flash } from "../../../views/layout.js";
import { ConfirmPage } from "../../../views/pages/confirm.page.js";
import { type TestCaseDraft, TestCasesPage } from "../../../views/pages/test-cases.page.js";
import { TestRunsPage } from "../../../views/pages/test-runs.page.js";
import type { ErrorStatus } from "../../domain/errors.js";
import { DomainError } from "../../domain/errors.js";
import { requirePermission } from "../../domain/roles.js";
import { MAX_IMPORT_BYTES } from "../../services/dataset.js";
import type { Services } from "../../services/index.js";
import { actorOf, roleOf } from "../auth.js";
import { navigateAfterPost, redirectAfterPost, setFlash, takeFlash } from "../flash.js";
import { withFormErrors } from "../form.js";
import { isForm, readForm, readInput, splitVariables } from "../input.js";
import { testCaseSchema, testCasesImportSchema, testCasesSchema, testRunSchema, testRunsSchema } from "../json.js";
import { negotiate } from "../negotiate.js";
import { fragment, page } from "../render.js";
import { readTestCase, refuseEveryProblem } from "../test-case-form.js";
import { testRunFlash } from "../test-run-flash.js";
import { nextUrl, pageQuery } from "./paging.js";
import { renderVersionExtras } from "./version-page.js";

const VERSION = "/prompts/:name/versions/:v";
const CASES = "/prompts/:name/test-cases";

const text = (value: unknown) => (typeof value === "string" && value.trim() !== "" ? value : undefined);

/**
 * A dataset to import: a file from the test cases page's form (multipart, field `file`), a
 * JSON body `{content, format?}`, or the file itself as the body (`text/csv`,
 * `application/x-ndjson` or `application/jsonl`).
 */
async function readDatasetInput(c: Context): Promise<{ content: string; format?: string; fileName?: string }> {
  const type = c.req.header("content-type") ?? "";
  if (isForm(c)) {
    const form = await readForm(c);
    const file = form.file;
    const format = text(form.format);
    if (file instanceof File && file.size > 0) {
      if (file.size > MAX_IMPORT_BYTES)
        throw new DomainError("payload_too_large", `The file is over ${MAX_IMPORT_BYTES / 1024 / 1024} MiB`);
      return { content: await file.text(), fileName: file.name, ...(format && { format }) };
    }
    const content = text(form.content);
    if (content) return { content, ...(format && { format }) };
    throw new DomainError("validation_failed", "Choose a JSON Lines or CSV file to import", [
      { path: "file", message: "Choose a JSON Lines or CSV file to import" },
    ]);
  }
  if (/^text\/csv\b/i.test(type)) return { content: await c.req.text(), format: "csv" };
  if (/^application\/(x-ndjson|jsonl|x-jsonlines)\b/i.test(type))
    return { content: await c.req.text(), format: "jsonl" };
  const input = await readInput(c);
  if (typeof input.content !== "string")
    throw new DomainError("validation_failed", "content: give the file's text", [
      { path: "content", message: "Give the file's text (JSON Lines or CSV)" },
    ]);
  return { content: input.content, ...(typeof input.format === "string" && { format: input.format }) };
}

/** TEST from a form: one `var.<name>` input per template variable; blank inputs are left out. */
async function readRunInput(c: Context) {
  const input = await readInput(c, { json: ["variables"] });
  if (!isForm(c)) return input;
  const { variables, rest } = splitVariables(input);
  const all: Record<string, string> = { ...(rest.variables as Record<string, string> | undefined), ...variables };
  return Object.keys(all).length ? { variables: all } : {};
}

export function createTestingRoutes(services: Services) {
  const { testRuns, testCases } = services;

  async function casesPage(
    c: Context,
    name: string,
    extra: { draft?: TestCaseDraft; status?: ErrorStatus; importError?: DomainError } = {},
  ) {
    const paging = pageQuery(c);
    const shown = await testCases.page(name, paging);
    const next = nextUrl(`${promptUrl(name)}/test-cases`, shown.nextCursor, { limit: paging.limit });
    const issues = extra.draft?.issues;
    const flash = extra.importError
      ? { kind: "error" as const, text: `Nothing was imported: ${extra.importError.message}` }
      : issues
        ? {
            kind: "error" as const,
            text:
              issues.length > 1
                ? `The test case was not saved: ${issues.length} problems, each shown at its field`
                : (issues[0]?.message ?? "Check the test case"),
          }
        : takeFlash(c);
    return page(
      c,
      <TestCasesPage prompt={name} {...shown} next={next} draft={extra.draft} flash={flash} />,
      extra.status ?? 200,
    );
  }

  /** Create and save share this: JSON answers the case, forms go back to the list (or re-show it with the errors). */
  async function writeCase(c: Context, name: string, id: string | null) {
    const read = await readTestCase(c);
    return withFormErrors(
      c,
      ["validation_failed", "name_taken"],
      async () => {
        if (read.problems.length > 0) refuseEveryProblem(read);
        const by = actorOf(c);
        const saved = id
          ? await testCases.save(name, id, read.input, by)
          : await testCases.create(name, read.input, by);
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
        return casesPage(c, name, { draft, status: error.status });
      },
    );
  }

  return new Hono()
    .post(`${VERSION}/test`, async (c) => {
      const { name, v } = c.req.param();
      const run = await testRuns.run(name, v, await readRunInput(c), actorOf(c));
      const mode = negotiate(c);
      if (mode === "json") return c.json(testRunSchema.parse(run));
      const flash = testRunFlash(run);
      if (mode === "page") {
        setFlash(c, flash);
        return c.redirect(`${versionUrl(name, run.version)}#test-results`, 303);
      }
      const extras = await renderVersionExtras(services, name, run.version);
      return fragment(
        c,
        <>
          <TestResults run={run} now={new Date()} />
          {extras}
          <Flash flash={flash} oob />
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
      if (negotiate(c) === "json") {
        const paging = pageQuery(c);
        const shown = await testCases.page(name, paging);
        const next = nextUrl(`${promptUrl(name)}/test-cases`, shown.nextCursor, { limit: paging.limit });
        return c.json(testCasesSchema.parse({ testCases: shown.testCases, total: shown.total, next }));
      }
      return casesPage(c, name);
    })
    .post(CASES, (c) => writeCase(c, c.req.param("name"), null))
    .post(`${CASES}/import`, async (c) => {
      const name = c.req.param("name");
      const json = negotiate(c) === "json";
      try {
        const result = await testCases.import(name, await readDatasetInput(c), actorOf(c));
        if (json) return c.json(testCasesImportSchema.parse(result), 201);
        const warned = result.warnings.length ? ` (${result.warnings.map((w) => w.message).join("; ")})` : "";
        const plural = result.imported === 1 ? "" : "s";
        return redirectAfterPost(
          c,
          `${promptUrl(name)}/test-cases`,
          `Imported ${result.imported} test case${plural}${warned}`,
        );
      } catch (error) {
        if (json || !(error instanceof DomainError) || error.code === "not_found" || error.code === "forbidden")
          throw error;
        return casesPage(c, name, { importError: error, status: error.status });
      }
    })
    .get(`${CASES}/:id`, async (c) => {
      const { name, id } = c.req.param();
      const testCase = await testCases.get(name, id);
      if (negotiate(c) === "json") return c.json(testCaseSchema.parse(testCase));
      return c.redirect(`${promptUrl(name)}/test-cases#case-${testCase.id}`, 303);
    })
    .post(`${CASES}/:id/save`, (c) => writeCase(c, c.req.param("name"), c.req.param("id")))
    .get(`${CASES}/:id/delete`, async (c) => {
      const { name, id } = c.req.param();
      requirePermission(roleOf(c), "edit");
      const testCase = await testCases.get(name, id);
      const url = `${promptUrl(name)}/test-cases/${testCase.id}`;
      return page(
        c,
        <ConfirmPage
          prompt={name}
          title={`Delete test case “${testCase.name}”?`}
          message={`Every version of ${name} runs this case, and it has no history: it is removed for good. Test runs already stored keep its results.`}
          action={`${url}/delete`}
          button="Delete"
          cancelUrl={`${promptUrl(name)}/test-cases#case-${testCase.id}`}
          danger
        />,
      );
    })
    .post(`${CASES}/:id/delete`, async (c) => {
      const { name, id } = c.req.param();
      const testCase = await testCases.get(name, id);
      const result = await testCases.delete(name, id, actorOf(c));
      if (negotiate(c) === "json") return c.json(result);
      return navigateAfterPost(c, `${promptUrl(name)}/test-cases`, `Deleted test case “${testCase.name}”`);
    });
}

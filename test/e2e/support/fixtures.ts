import { type APIRequestContext, test as base, expect } from "@playwright/test";

/**
 * Fixtures for the journeys: `api` sets up state through the JSON API (fast, and independent of
 * the pages under test), `uniqueName` gives each test its own prompt names so that tests running
 * in parallel against the one server never collide.
 *
 *   import { expect, test } from "./support/fixtures.js";
 *   test("promote", async ({ page, api }) => {
 *     const v = await api.createPrompt({ body: "Hello {{who}}" });
 *     await page.goto(`/prompts/${v.prompt}/versions/${v.version}`);
 *   });
 */

/** The JSON version object of docs/api.md (the fields the journeys use). */
export interface VersionJson {
  prompt: string;
  version: string;
  stage: "DEV" | "TST" | "PROD";
  current: boolean;
  body: string;
  config: Record<string, unknown>;
  revision: number;
  contentHash: string;
  createdFrom: string | null;
  actions: {
    edit: boolean;
    test: boolean;
    promote: "TST" | "PROD" | null;
    createNew: boolean;
    delete: boolean;
    makeCurrent: boolean;
  };
}

export interface NewPrompt {
  /** Defaults to a fresh unique name. */
  name?: string;
  description?: string;
  body?: string;
  config?: Record<string, unknown>;
}

export interface Api {
  /** POST /prompts: answers v1.0 (DEV, current). */
  createPrompt(input?: NewPrompt): Promise<VersionJson>;
  /** POST …/versions/:v/save. */
  save(version: VersionJson, edit: { body: string; config?: Record<string, unknown> }): Promise<VersionJson>;
  /** POST …/versions/:v/promote, once. */
  promote(version: VersionJson): Promise<VersionJson>;
  /** Promotes until the version is in `stage` (DEV→TST→PROD). */
  promoteTo(version: VersionJson, stage: "TST" | "PROD"): Promise<VersionJson>;
  /** POST …/versions/:v/new: a new DEV draft copied from `version`. */
  createVersion(version: VersionJson, options?: { major?: boolean }): Promise<VersionJson>;
  /** GET …/versions/:v. */
  version(prompt: string, version: string): Promise<VersionJson>;
}

const JSON_HEADERS = { Accept: "application/json", "Content-Type": "application/json" };

let sequence = 0;

/** A prompt name no other test of this run uses: `<prefix>-<worker>-<time>-<n>`, valid under R1. */
export function makeUniqueName(prefix = "e2e", workerIndex = 0): string {
  sequence += 1;
  return `${prefix}-w${workerIndex}-${Date.now().toString(36)}-${sequence.toString(36)}`;
}

function versionPath(v: Pick<VersionJson, "prompt" | "version">): string {
  return `/prompts/${encodeURIComponent(v.prompt)}/versions/${v.version}`;
}

async function call(
  request: APIRequestContext,
  method: "GET" | "POST",
  path: string,
  data?: unknown,
): Promise<VersionJson> {
  const response = await request.fetch(path, {
    method,
    headers: JSON_HEADERS,
    data: data ?? (method === "POST" ? {} : undefined),
  });
  const text = await response.text();
  expect(response.ok(), `${method} ${path} answered ${response.status()}: ${text}`).toBe(true);
  return JSON.parse(text) as VersionJson;
}

export function createApi(request: APIRequestContext, uniqueName: (prefix?: string) => string): Api {
  const api: Api = {
    createPrompt: (input = {}) =>
      call(request, "POST", "/prompts", {
        name: input.name ?? uniqueName(),
        body: input.body ?? "Summarize {{text}} in one sentence.",
        ...(input.description !== undefined && { description: input.description }),
        ...(input.config !== undefined && { config: input.config }),
      }),
    save: (v, edit) => call(request, "POST", `${versionPath(v)}/save`, { ...edit, revision: v.revision }),
    // As the page's button does: the next stage is named (a move into PROD must be).
    promote: (v) => call(request, "POST", `${versionPath(v)}/promote`, { to: v.stage === "DEV" ? "TST" : "PROD" }),
    async promoteTo(v, stage) {
      let current = v;
      while (current.stage !== stage) {
        if (current.stage === "PROD") throw new Error(`${v.prompt} v${v.version} is already past ${stage}`);
        current = await api.promote(current);
      }
      return current;
    },
    createVersion: (v, options = {}) => call(request, "POST", `${versionPath(v)}/new`, options),
    version: (prompt, version) => call(request, "GET", versionPath({ prompt, version })),
  };
  return api;
}

/**
 * The engine of the project a journey runs in (playwright.config.ts): `sqlite`, or `postgres` for
 * the journeys tagged @engine. A worker runs one project's tests, so it is a worker option.
 */
export interface EngineOption {
  engine: "sqlite" | "postgres";
}

export const test = base.extend<{ uniqueName: (prefix?: string) => string; api: Api }, EngineOption>({
  engine: ["sqlite", { option: true, scope: "worker" }],
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from this pattern
  uniqueName: async ({}, use, testInfo) => {
    await use((prefix = "e2e") => makeUniqueName(prefix, testInfo.workerIndex));
  },
  api: async ({ request, uniqueName }, use) => {
    await use(createApi(request, uniqueName));
  },
});

export { expect };

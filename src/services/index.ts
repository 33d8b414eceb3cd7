import type { Db } from "../db/connect.js";
import { changesOf } from "../store/changes.store.js";
import { currentSourceOf } from "../store/runtime.store.js";
import { createCompareService } from "./compare.service.js";
import { createComparisonsService } from "./comparisons.service.js";
import { createDeliveriesService, type WebhookSettings } from "./deliveries.service.js";
import { createEnvironmentsService } from "./environments.service.js";
import { createHistoryService } from "./history.service.js";
import { createLangfuseService } from "./langfuse.service.js";
import { createMcpService } from "./mcp.service.js";
import { createPreviewService } from "./preview.service.js";
import { createPromptEditsService } from "./prompt-edits.service.js";
import { createPromptsService } from "./prompts.service.js";
import { createRenderService } from "./render.service.js";
import { createReviewsService } from "./reviews.service.js";
import { createRevisionsService } from "./revisions.service.js";
import { createRuntimeService } from "./runtime.service.js";
import { createSignInService } from "./sign-in.service.js";
import { createTestCasesService } from "./test-cases.service.js";
import { testGate } from "./test-gate.js";
import { createTestRunsService, type TestingDeps } from "./test-runs.service.js";
import { createTokensService } from "./tokens.service.js";
import { createUsersService } from "./users.service.js";
import { createVersionPageService } from "./version-page.service.js";
import { createVersionsService, type PromotionCheck } from "./versions.service.js";
import { createWebhooksService } from "./webhooks.service.js";

export type Deps = Omit<TestingDeps, "db"> & {
  /** The database: the query builder for everything, its read-only connection for the runtime read. */
  db: Db;
  promotionChecks?: PromotionCheck[];
  /** How webhook deliveries are sent (docs/webhooks.md): private networks allowed or not, timings, the sender. */
  webhooks?: Partial<WebhookSettings> | undefined;
};

/** Every service over one database. The TEST gate always guards promotions (docs/rules.md, TEST). */
export function createServices({ db, ...rest }: Deps) {
  const deps = { ...rest, db: db.kysely };
  const promotionChecks = [...(rest.promotionChecks ?? []), testGate];
  const versions = createVersionsService({ ...deps, promotionChecks });
  const runtime = createRuntimeService({ ...deps, changes: changesOf(db), source: currentSourceOf(db) });
  return {
    prompts: createPromptsService(deps),
    promptEdits: createPromptEditsService(deps),
    versions,
    reviews: createReviewsService(deps, versions),
    versionPage: createVersionPageService(deps),
    runtime,
    render: createRenderService(deps, runtime),
    mcp: createMcpService(deps, runtime),
    revisions: createRevisionsService(deps),
    history: createHistoryService(deps),
    compare: createCompareService(deps),
    environments: createEnvironmentsService(deps),
    testCases: createTestCasesService(deps),
    testRuns: createTestRunsService(deps),
    comparisons: createComparisonsService(deps),
    preview: createPreviewService(deps),
    langfuse: createLangfuseService(deps),
    webhooks: createWebhooksService(deps),
    deliveries: createDeliveriesService(deps),
    signIn: createSignInService(deps),
    users: createUsersService(deps),
    tokens: createTokensService(deps),
  };
}

export type Services = ReturnType<typeof createServices>;

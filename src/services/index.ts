import { createCompareService } from "./compare.service.js";
import { createEnvironmentsService } from "./environments.service.js";
import { createHistoryService } from "./history.service.js";
import { createPreviewService } from "./preview.service.js";
import { createPromptEditsService } from "./prompt-edits.service.js";
import { createPromptsService } from "./prompts.service.js";
import { createRevisionsService } from "./revisions.service.js";
import { createTestCasesService } from "./test-cases.service.js";
import { testGate } from "./test-gate.js";
import { createTestRunsService, type TestingDeps } from "./test-runs.service.js";
import { createVersionsService, type PromotionCheck } from "./versions.service.js";

/** Every service over one database. The TEST gate always guards promotions (SPEC §2). */
export function createServices(deps: TestingDeps & { promotionChecks?: PromotionCheck[] }) {
  const promotionChecks = [...(deps.promotionChecks ?? []), testGate];
  return {
    prompts: createPromptsService(deps),
    promptEdits: createPromptEditsService(deps),
    versions: createVersionsService({ ...deps, promotionChecks }),
    revisions: createRevisionsService(deps),
    history: createHistoryService(deps),
    compare: createCompareService(deps),
    environments: createEnvironmentsService(deps),
    testCases: createTestCasesService(deps),
    testRuns: createTestRunsService(deps),
    preview: createPreviewService(deps),
  };
}

export type Services = ReturnType<typeof createServices>;

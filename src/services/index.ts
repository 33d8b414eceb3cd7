import type { ServiceDeps } from "./context.js";
import { createHistoryService } from "./history.service.js";
import { createPromptsService } from "./prompts.service.js";
import { createVersionsService, type PromotionCheck } from "./versions.service.js";

export function createServices(deps: ServiceDeps & { promotionChecks?: PromotionCheck[] }) {
  return {
    prompts: createPromptsService(deps),
    versions: createVersionsService(deps),
    history: createHistoryService(deps),
  };
}

export type Services = ReturnType<typeof createServices>;

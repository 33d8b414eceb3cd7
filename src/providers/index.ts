import { echoProvider } from "./echo.provider.js";
import { createOpenAiProvider } from "./openai.provider.js";
import type { EnvLookup, Provider } from "./provider.js";

export type { Completion, CompletionRequest, EnvLookup, Provider, Tokens } from "./provider.js";
export { ProviderError, processEnv } from "./provider.js";

export interface ProviderDeps {
  env: EnvLookup;
  fetch?: typeof fetch;
}

/** The provider a stage's environment names. */
export function createProvider(
  environment: { provider: "echo" | "openai"; baseUrl: string; apiKeyEnv: string | null },
  deps: ProviderDeps,
): Provider {
  if (environment.provider === "echo") return echoProvider;
  return createOpenAiProvider({ baseUrl: environment.baseUrl, apiKeyEnv: environment.apiKeyEnv }, deps);
}

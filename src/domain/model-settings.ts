import type { Config } from "./content.js";

export type ModelSettings =
  | { ok: true; model: string; temperature: number | undefined; maxTokens: number | undefined }
  | { ok: false; model: string; error: string };

/**
 * docs/rules.md, TEST: a version's `config` (`model`, `temperature`, `maxTokens`) overrides its stage
 * environment's default model. A setting of the wrong kind is an error of every case, not a
 * silently ignored value; null means "not set".
 */
export function modelSettings(config: Config, defaultModel: string): ModelSettings {
  const { model, temperature, maxTokens } = config;
  const chosen = typeof model === "string" && model.trim() !== "" ? model.trim() : defaultModel;
  const problems: string[] = [];
  if (model != null && (typeof model !== "string" || model.length > 200))
    problems.push("config.model must be a model name (text)");
  if (temperature != null && (typeof temperature !== "number" || temperature < 0 || temperature > 2))
    problems.push("config.temperature must be a number from 0 to 2");
  if (maxTokens != null && !(Number.isSafeInteger(maxTokens) && (maxTokens as number) >= 1))
    problems.push("config.maxTokens must be a whole number of at least 1");
  if (problems.length > 0) return { ok: false, model: chosen, error: problems.join("; ") };
  return {
    ok: true,
    model: chosen,
    temperature: (temperature ?? undefined) as number | undefined,
    maxTokens: (maxTokens ?? undefined) as number | undefined,
  };
}

import type { Completion, CompletionRequest, Provider } from "./provider.js";

/**
 * Offline and deterministic: the output is the rendered prompt itself (a chat prompt's as
 * `role: content` lines); no tokens are counted.
 */
export const echoProvider: Provider = {
  name: "echo",
  async complete(request: CompletionRequest): Promise<Completion> {
    return { output: request.text, tokens: null };
  },
};

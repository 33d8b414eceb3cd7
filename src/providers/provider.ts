import type { ChatMessage } from "../domain/chat.js";
import type { ResponseFormat, Tool } from "../domain/contract.js";
import type { Tokens } from "../model/testing.model.js";

export type { Tokens };

export interface CompletionRequest {
  /** The rendered prompt as chat messages: a text prompt is one `user` message (docs/rules.md, TEST and docs/rules.md, chat prompts). */
  messages: ChatMessage[];
  /** The rendered prompt as one text, what echo answers: the text, or `role: content` lines. */
  text: string;
  model: string;
  temperature?: number | undefined;
  maxTokens?: number | undefined;
  /** The version's tools and response format (docs/contract.md), sent as `tools` and `response_format`. */
  tools?: Tool[] | undefined;
  responseFormat?: ResponseFormat | null | undefined;
  /** Bounds the whole call, connection and answer body included. */
  timeoutMs: number;
  /** Lets a caller give up early (e.g. the client went away). */
  signal?: AbortSignal | undefined;
}

export interface Completion {
  output: string;
  tokens: Tokens | null;
}

/**
 * One way to turn a rendered prompt into an output. `complete` rejects only with a
 * ProviderError whose message is safe to store and show: it never contains a key.
 */
export interface Provider {
  readonly name: "echo" | "openai";
  complete(request: CompletionRequest): Promise<Completion>;
}

/** A provider call that did not produce an output, with a message a person can act on. */
export class ProviderError extends Error {
  /** The provider's HTTP status, when it answered one (429: slow down). */
  readonly status: number | undefined;
  /** How long a 429 asked to wait (its Retry-After), in ms. */
  readonly retryAfterMs: number | undefined;

  constructor(message: string, details: { status?: number | undefined; retryAfterMs?: number | undefined } = {}) {
    super(message);
    this.name = "ProviderError";
    this.status = details.status;
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** Reads a server environment variable by name; injectable so tests never touch process.env. */
export type EnvLookup = (name: string) => string | undefined;

export const processEnv: EnvLookup = (name) => process.env[name];

import type { LookupAddress } from "node:dns";
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from "openai";
import { addressKind, addressRefusal, modelMayReach } from "../domain/addresses.js";
import { API_KEY_ENV, chatCompletionsUrl, checkBaseUrl } from "../domain/endpoint.js";
import { keyMasker, keyMaskerInSteps } from "./mask.js";
import {
  type Completion,
  type CompletionRequest,
  type EnvLookup,
  type Provider,
  ProviderError,
  type Tokens,
} from "./provider.js";
import { type Resolve, systemResolve } from "./webhook-sender.js";

export interface OpenAiSettings {
  /** `{baseUrl}/chat/completions` is called: OpenAI, Ollama, vLLM, llama.cpp server, LM Studio. */
  baseUrl: string;
  /** The NAME of the variable holding the key (PROMPTRAIL_*), or null for servers without keys. */
  apiKeyEnv: string | null;
}

export interface OpenAiDeps {
  env: EnvLookup;
  fetch?: typeof fetch;
  /** How host names are resolved for the address check (tests resolve names as they like). */
  resolve?: Resolve;
}

const MAX_MESSAGE = 300;
/** An answer body is read up to this size; a larger one is the case's error, not the server's memory. */
export const MAX_ANSWER_BYTES = 2 * 1024 * 1024;
/**
 * The only request headers that leave the server. The client adds platform headers and reads
 * OPENAI_CUSTOM_HEADERS from the environment; none of that may reach a configured endpoint.
 */
const SENT_HEADERS = ["accept", "content-type", "authorization"];

/**
 * Chat Completions over the official client: the rendered messages as they are (a text prompt
 * is one `user` message), no retries, the environment's timeout over the whole call. The key is read at call time from the
 * named variable; it is never stored, logged, or put into an output or message.
 */
export function createOpenAiProvider(settings: OpenAiSettings, deps: OpenAiDeps): Provider {
  return {
    name: "openai",
    async complete(request: CompletionRequest): Promise<Completion> {
      const key = readKey(settings.apiKeyEnv, deps.env);
      const mask = keyMasker(key);
      const maskOutput = keyMaskerInSteps(key);
      const deadline = AbortSignal.timeout(request.timeoutMs);
      const signal = request.signal ? AbortSignal.any([deadline, request.signal]) : deadline;
      const url = `${settings.baseUrl.replace(/\/+$/, "")}/chat/completions`;
      const checked = checkBaseUrl(settings.baseUrl);
      if (!checked.ok) throw new ProviderError(`The ${settings.baseUrl} base URL is refused: ${checked.error}`);
      await refuseResolvedAddress(new URL(checked.url).hostname, deps.resolve ?? systemResolve);
      try {
        const client = new OpenAI({
          apiKey: key ?? "unused",
          // Explicit nulls: left undefined, the client would read OPENAI_* variables of this server.
          adminAPIKey: null,
          organization: null,
          project: null,
          webhookSecret: null,
          baseURL: settings.baseUrl,
          maxRetries: 0,
          timeout: request.timeoutMs,
          logLevel: "off",
          fetch: allowlistedFetch(deps.fetch ?? fetch, chatCompletionsUrl(checked.url)),
          ...(key ? {} : { defaultHeaders: { Authorization: null } }),
        });
        const answer: unknown = await client.chat.completions.create(
          {
            model: request.model,
            messages: request.messages,
            ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
            ...(request.maxTokens === undefined ? {} : { max_tokens: request.maxTokens }),
            ...(request.tools?.length ? { tools: request.tools as OpenAI.ChatCompletionTool[] } : {}),
            ...(request.responseFormat
              ? { response_format: request.responseFormat as OpenAI.ChatCompletionCreateParams["response_format"] }
              : {}),
          },
          { signal },
        );
        const completion = readCompletion(answer, url);
        return { output: await maskOutput(completion.output), tokens: completion.tokens };
      } catch (error) {
        const timedOut = deadline.aborted || error instanceof APIConnectionTimeoutError;
        throw new ProviderError(mask(explain(error, { url, timedOut, timeoutMs: request.timeoutMs })), {
          status: error instanceof APIError ? error.status : undefined,
          retryAfterMs: error instanceof APIError ? retryAfter(error.headers) : undefined,
        });
      }
    },
  };
}

/**
 * A host name whose addresses include one a model may not be at (metadata.google.internal is
 * 169.254.169.254) is refused before anything is sent. The fetch that follows resolves the
 * name again: a DNS server that answers differently the second time is not caught here (see
 * docs/limits.md).
 */
async function refuseResolvedAddress(hostname: string, resolve: Resolve): Promise<void> {
  const host = hostname.replace(/^\[|\]$/g, "");
  if (addressKind(host) !== null) return; // an IP address: checked with the URL
  const addresses = await new Promise<LookupAddress[]>((settle) =>
    resolve(host, (error, found) => settle(error ? [] : found)),
  );
  for (const { address } of addresses) {
    const kind = addressKind(address);
    if (kind && !modelMayReach(kind))
      throw new ProviderError(
        `${host} resolves to ${address}, ${addressRefusal(kind).replace(/;.*$/, "")}: a model is never called there`,
      );
  }
}

function readKey(name: string | null, env: EnvLookup): string | null {
  if (name === null) return null;
  if (!API_KEY_ENV.test(name))
    throw new ProviderError(`The key variable must be named PROMPTRAIL_…_KEY, not ${JSON.stringify(name)}`);
  const value = env(name);
  if (!value) throw new ProviderError(`The environment variable ${name} (the API key) is not set on the server`);
  return value;
}

/**
 * The only fetch the client gets: it sends the allow-listed headers, only to `target` (the key
 * goes nowhere else, whatever URL the client builds), follows no redirect, and reads at most
 * MAX_ANSWER_BYTES of the answer.
 */
function allowlistedFetch(base: typeof fetch, target: string): typeof fetch {
  return async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (url !== target) throw new ProviderError(`Refused to send the request to ${url}: only ${target} is called`);
    const given = new Headers(init?.headers);
    const headers = new Headers({ "user-agent": "Promptrail" });
    for (const name of SENT_HEADERS) {
      const value = given.get(name);
      if (value !== null) headers.set(name, value);
    }
    // A redirect would carry the key to wherever it points; report it instead of following it.
    const res = await base(input, { ...init, headers, redirect: "manual" });
    return res.body ? new Response(res.body.pipeThrough(byteLimit(MAX_ANSWER_BYTES)), res) : res;
  };
}

function byteLimit(max: number): TransformStream<Uint8Array, Uint8Array> {
  let seen = 0;
  return new TransformStream({
    transform(chunk, controller) {
      seen += chunk.byteLength;
      if (seen > max)
        controller.error(new ProviderError(`The answer is over ${max / 1024 / 1024} MiB; it was not read further`));
      else controller.enqueue(chunk);
    },
  });
}

function short(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > MAX_MESSAGE ? `${flat.slice(0, MAX_MESSAGE)}…` : flat;
}

function explain(error: unknown, context: { url: string; timedOut: boolean; timeoutMs: number }): string {
  const { url } = context;
  if (context.timedOut) return `No answer from ${url} within ${context.timeoutMs} ms (timed out)`;
  if (error instanceof ProviderError) return error.message;
  if (error instanceof APIUserAbortError) return "The test was cancelled before the provider answered";
  if (error instanceof APIConnectionError) return `Could not connect to ${url}: ${connectionReason(error)}`;
  if (error instanceof APIError && error.status !== undefined) {
    return `${url} answered HTTP ${error.status}: ${short(statusDetail(error))}`;
  }
  if (error instanceof SyntaxError) return `The answer from ${url} is not valid JSON`;
  return `The call to ${url} failed: ${short(error instanceof Error ? error.message : String(error))}`;
}

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host name lookup failed",
  EHOSTUNREACH: "host unreachable",
  UND_ERR_SOCKET: "the connection closed unexpectedly",
};

function connectionReason(error: Error): string {
  for (let cause: unknown = error.cause, depth = 0; cause instanceof Error && depth < 5; depth++) {
    const code = (cause as Error & { code?: unknown }).code;
    if (typeof code === "string") return `${NETWORK_CODES[code] ?? short(cause.message)} (${code})`;
    cause = cause.cause;
  }
  return short(error.message);
}

/** A Retry-After of seconds (what rate limits send), in ms; dates and nonsense are ignored. */
function retryAfter(headers: Headers | undefined): number | undefined {
  const value = headers?.get("retry-after")?.trim();
  return value && /^\d{1,6}(\.\d+)?$/.test(value) ? Math.round(Number(value) * 1000) : undefined;
}

function statusDetail(error: APIError): string {
  const body = error.error as { message?: unknown } | string | undefined;
  if (typeof body === "string" && body.trim()) return body;
  if (body && typeof body === "object" && typeof body.message === "string") return body.message;
  return error.message.replace(/^\d+\s*/, "") || "no details";
}

/**
 * The answer must be a chat completion with text in choices[0].message.content, or, when the
 * model calls tools instead of answering, its tool calls: the output is then their JSON,
 * `{"tool_calls":[{"name","arguments"}]}`, so that assertions can check them.
 */
function readCompletion(answer: unknown, url: string): Completion {
  const malformed = (what: string) => new ProviderError(`The answer from ${url} is not a chat completion: ${what}`);
  if (typeof answer !== "object" || answer === null) throw malformed("expected a JSON object");
  const { choices, usage } = answer as { choices?: unknown; usage?: unknown };
  if (!Array.isArray(choices) || choices.length === 0) throw malformed("it has no choices");
  const message = (choices[0] as { message?: { content?: unknown; tool_calls?: unknown } } | null)?.message;
  const calls = toolCalls(message?.tool_calls);
  if (calls && (message?.content === null || message?.content === undefined || message?.content === ""))
    return { output: JSON.stringify({ tool_calls: calls }), tokens: readTokens(usage) };
  if (typeof message?.content !== "string") throw malformed("choices[0].message.content is not text");
  return { output: message.content, tokens: readTokens(usage) };
}

function toolCalls(value: unknown): Array<{ name: unknown; arguments: unknown }> | null {
  if (!Array.isArray(value) || value.length === 0) return null;
  return value.map((call) => {
    const fn = (call as { function?: { name?: unknown; arguments?: unknown } } | null)?.function;
    return { name: fn?.name ?? null, arguments: fn?.arguments ?? null };
  });
}

function readTokens(usage: unknown): Tokens | null {
  if (typeof usage !== "object" || usage === null) return null;
  const u = usage as Record<string, unknown>;
  const [prompt, completion] = [u.prompt_tokens, u.completion_tokens];
  if (typeof prompt !== "number" || typeof completion !== "number") return null;
  const total = typeof u.total_tokens === "number" ? u.total_tokens : prompt + completion;
  return { prompt, completion, total };
}

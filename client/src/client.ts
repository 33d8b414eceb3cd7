import { type Bundle, checkBundleShape, verifyBundle } from "./bundle.js";
import { PromptrailError } from "./errors.js";
import type { Json } from "./hash.js";
import { type ChatMessage, type Content, render, type Variable } from "./render.js";
import type { Change } from "./types.js";
import { isPromptVersion, isStage, type PromptVersion, type Source, type Stage } from "./types.js";
import { type Watch, type WatchOptions, watchChanges } from "./watch.js";

export interface PromptrailOptions {
  /** Where the registry answers, e.g. `https://prompts.example.com` (a path prefix is kept). */
  baseUrl: string;
  /** An API token (`prt_…`; a read-only one is enough), sent as `Authorization: Bearer`. */
  token?: string;
  /** What `promptrail bundle` wrote (the parsed document or its JSON text): served when the server cannot answer. */
  fallback?: unknown;
  /** How long one request may take, answer included, before the fallback serves (default 2000 ms). */
  timeoutMs?: number;
  /** The stage `get` reads when none is named, and the stage the fallback bundle must hold (default PROD). */
  stage?: Stage;
  /** Told why the server was not used each time the last good copy or the bundle answered instead. */
  onError?: (error: unknown) => void;
  /** Another fetch (a proxy's, a test's); the runtime's own by default. */
  fetch?: typeof fetch;
  /** Prompts whose last good copy is kept (oldest dropped first; default 1000). */
  maxCacheEntries?: number;
}

export interface GetOptions {
  /** The current version of this stage (case-insensitive; default: the client's stage). */
  stage?: string;
  /** This version (`2.3` or `v2.3`) instead of a stage's current one. */
  version?: string;
}

/** The OpenTelemetry attributes of the prompt an LLM call used. */
export interface OtelAttributes {
  "gen_ai.prompt.name": string;
  "gen_ai.prompt.version": string;
  "promptrail.stage": string;
  "promptrail.content_hash": string;
}

/** A rendered prompt, as the server's render endpoints answer it. */
export type Rendering = {
  prompt: string;
  version: string;
  stage: Stage;
  config: { [key: string]: Json };
  tools: Json[];
  responseFormat: Json;
} & ({ type: "text"; body: string } | { type: "chat"; messages: ChatMessage[] });

/** What `get` answers: the version object, where it came from, and what to do with it. */
export type Prompt = PromptVersion & {
  readonly source: Source;
  /**
   * The template filled with `variables`, strictly by the version's contract, as the server's
   * render does it: throws `validation_failed` with one issue per bad variable (a missing
   * required one, a wrong type, a value outside an enum, one the contract does not know unless
   * `strict: false`).
   */
  render(variables?: Record<string, unknown>, options?: { strict?: boolean }): Rendering;
  /** Attributes for the span of the LLM call that used this prompt. */
  otelAttributes(): OtelAttributes;
};

const methods = {
  render(this: Prompt, variables: Record<string, unknown> = {}, options: { strict?: boolean } = {}): Rendering {
    const content = (
      this.type === "chat" ? { type: "chat", messages: this.messages ?? [] } : { type: "text", body: this.body ?? "" }
    ) as Content;
    const outcome = render(content, (this.variables as Variable[] | undefined) ?? [], variables, options);
    if (!outcome.ok) {
      const [first] = outcome.issues;
      const message = first ? `${first.path.join(".")}: ${first.message}` : "The variables do not fit this prompt";
      throw new PromptrailError("validation_failed", message, { issues: outcome.issues });
    }
    const tools = (this.tools as Json[] | undefined) ?? [];
    const responseFormat = (this.responseFormat as Json | undefined) ?? null;
    const base = {
      prompt: this.prompt,
      version: this.version,
      stage: this.stage,
      config: this.config,
      tools,
      responseFormat,
    };
    return { ...base, ...outcome.rendered };
  },
  otelAttributes(this: Prompt): OtelAttributes {
    return {
      "gen_ai.prompt.name": this.prompt,
      "gen_ai.prompt.version": this.version,
      "promptrail.stage": this.stage,
      "promptrail.content_hash": this.contentHash,
    };
  },
};

function promptOf(version: PromptVersion, source: Source): Prompt {
  return Object.assign(Object.create(methods) as object, version, { source }) as Prompt;
}

interface Cached {
  etag: string | null;
  version: PromptVersion;
}

type Answer = { kind: "fresh"; version: PromptVersion; etag: string | null } | { kind: "unchanged" };

/**
 * Reads prompts from a Promptrail registry. Every `get` asks the server, with the ETag of the copy
 * it holds (`If-None-Match`), so an answer is never older than the server's state and an
 * unchanged prompt costs a 304 with no body. When the server is down, slow (`timeoutMs`), failing
 * (5xx) or answering something that is not a Promptrail answer, the last good copy serves
 * (`source: "cache"`), else the verified bundle (`source: "bundle"`); the server's refusals
 * (404, 401, 403) are answers and throw.
 */
export class Promptrail {
  readonly #base: string;
  readonly #headers: Record<string, string>;
  readonly #timeoutMs: number;
  readonly #stage: Stage;
  readonly #fetch: typeof fetch;
  readonly #onError: (error: unknown) => void;
  readonly #maxEntries: number;
  readonly #cache = new Map<string, Cached>();
  /** The bundle once verified, or why it is refused (never a rejected promise nobody awaits). */
  readonly #bundle: Promise<Bundle | PromptrailError> | null;

  constructor(options: PromptrailOptions) {
    if (!/^https?:\/\/[^/?#]+/i.test(options.baseUrl ?? ""))
      throw new PromptrailError(
        "bad_request",
        `baseUrl must be an http(s) URL, not ${JSON.stringify(options.baseUrl)}`,
      );
    this.#base = options.baseUrl.replace(/\/+$/, "");
    this.#headers = options.token ? { authorization: `Bearer ${options.token}` } : {};
    this.#timeoutMs = options.timeoutMs ?? 2000;
    this.#stage = options.stage ?? "PROD";
    if (!isStage(this.#stage)) throw new PromptrailError("bad_request", `stage must be DEV, TST or PROD`);
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#maxEntries = options.maxCacheEntries ?? 1000;
    this.#onError = (error) => {
      try {
        options.onError?.(error);
      } catch {
        // A throwing error handler must not turn a served answer into a failure.
      }
    };
    this.#bundle = null;
    if (options.fallback !== undefined) {
      // Its shape is checked now, so a wrong file fails where it is given; its hashes before first use.
      const shaped = checkBundleShape(options.fallback, this.#stage);
      this.#bundle = verifyBundle(shaped, { stage: this.#stage }).catch((error: unknown) =>
        error instanceof PromptrailError
          ? error
          : new PromptrailError("bundle_refused", String(error), { cause: error }),
      );
    }
  }

  /** Resolves once the fallback bundle has passed every check; rejects with `bundle_refused` if it did not. */
  async verifyFallback(): Promise<void> {
    const bundle = await this.#bundle;
    if (bundle instanceof PromptrailError) throw bundle;
  }

  /** The current version of a stage, or one version: see the class. */
  async get(name: string, options: GetOptions = {}): Promise<Prompt> {
    const stage = options.stage === undefined ? this.#stage : options.stage.toUpperCase();
    if (!isStage(stage))
      throw new PromptrailError("bad_request", `"${options.stage}" is not a stage: use DEV, TST or PROD`);
    const version = options.version?.replace(/^v/i, "");
    if (version !== undefined && !/^\d+\.\d+$/.test(version))
      throw new PromptrailError("bad_request", `"${options.version}" is not a version number such as 2.3`);
    const path = version
      ? `/prompts/${encodeURIComponent(name)}/versions/${version}`
      : `/prompts/${encodeURIComponent(name)}/stages/${stage}`;
    const key = `${name}\u0000${version ?? stage}`;
    const cached = this.#cache.get(key);
    let answer: Answer;
    try {
      answer = await this.#ask(path, cached);
    } catch (error) {
      if (error instanceof PromptrailError && error.code !== "unavailable") {
        if (error.code === "not_found") this.#cache.delete(key);
        throw error;
      }
      return this.#fallback(name, stage, version, cached, error);
    }
    if (answer.kind === "unchanged" && cached) return promptOf(cached.version, "server");
    if (answer.kind === "unchanged")
      return this.#fallback(name, stage, version, cached, notAnAnswer("304 for a copy never sent"));
    this.#remember(key, { etag: answer.etag, version: answer.version });
    return promptOf(answer.version, "server");
  }

  /**
   * Follows the registry's change stream (GET /changes): `onChange` gets every committed change
   * once, in order, across reconnects. See `WatchOptions`; `close()` ends it.
   */
  watch(onChange: (change: Change) => unknown, options: WatchOptions = {}): Watch {
    return watchChanges(
      {
        url: `${this.#base}/changes`,
        headers: { ...this.#headers, accept: "text/event-stream" },
        fetch: this.#fetch,
        connectTimeoutMs: this.#timeoutMs,
      },
      onChange,
      options,
    );
  }

  /** One request under the timeout: the version sent, "unchanged" (304), or a PromptrailError. */
  async #ask(path: string, cached: Cached | undefined): Promise<Answer> {
    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(new PromptrailError("unavailable", `No answer within ${this.#timeoutMs} ms`)),
      this.#timeoutMs,
    );
    try {
      const headers: Record<string, string> = { ...this.#headers, accept: "application/json" };
      if (cached?.etag) headers["if-none-match"] = cached.etag;
      let res: Response;
      let text: string;
      try {
        res = await this.#fetch(`${this.#base}${path}`, { headers, signal: controller.signal });
        if (res.status === 304) return { kind: "unchanged" };
        text = await res.text();
      } catch (error) {
        const reason = controller.signal.aborted ? controller.signal.reason : error;
        throw reason instanceof PromptrailError
          ? reason
          : new PromptrailError("unavailable", `Promptrail could not be reached: ${String(error)}`, { cause: error });
      }
      return answerOf(res, text);
    } finally {
      clearTimeout(timer);
    }
  }

  async #fallback(
    name: string,
    stage: Stage,
    version: string | undefined,
    cached: Cached | undefined,
    failure: unknown,
  ): Promise<Prompt> {
    this.#onError(failure);
    if (cached) return promptOf(cached.version, "cache");
    const bundle = await this.#bundle;
    if (bundle instanceof PromptrailError) this.#onError(bundle);
    else if (bundle) {
      const entry = bundle.prompts[name];
      if (entry && stage === bundle.stage && (version === undefined || entry.version === version))
        return promptOf(entry, "bundle");
    }
    const where = version ? `v${version}` : `its ${stage} version`;
    throw new PromptrailError(
      "unavailable",
      `Promptrail did not answer for ${name} (${String((failure as Error)?.message ?? failure)}), and neither a copy nor the bundle holds ${where}`,
      { cause: failure },
    );
  }

  #remember(key: string, entry: Cached): void {
    this.#cache.delete(key);
    this.#cache.set(key, entry);
    for (const oldest of this.#cache.keys()) {
      if (this.#cache.size <= this.#maxEntries) break;
      this.#cache.delete(oldest);
    }
  }
}

const notAnAnswer = (why: string) => new PromptrailError("unavailable", `Not a Promptrail answer: ${why}`);

/** A 200 with a version object is an answer; 4xx is the server's refusal; anything else is no answer. */
function answerOf(res: Response, text: string): Answer {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const type = res.headers.get("content-type") ?? "";
  if (res.status === 200) {
    if (isPromptVersion(json)) return { kind: "fresh", version: json, etag: res.headers.get("etag") };
    throw notAnAnswer(`200 ${type} ${text.slice(0, 80)}`);
  }
  const error = (json as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  if (res.status >= 400 && res.status < 500 && typeof error?.code === "string")
    throw new PromptrailError(error.code, String(error.message ?? error.code), { status: res.status });
  throw notAnAnswer(`${res.status} ${type} ${text.slice(0, 80)}`);
}

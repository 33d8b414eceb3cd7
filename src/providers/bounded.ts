import { type Completion, type CompletionRequest, type Provider, ProviderError } from "./provider.js";

/** At most `limit` holders at once; the others wait their turn, first come first served. */
export class Slots {
  private free: number;
  private readonly waiting: Array<() => void> = [];

  constructor(limit: number) {
    this.free = limit;
  }

  async use<T>(work: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    }
  }
}

export interface RetryPolicy {
  /** Retries after the first 429 answer (so at most retries + 1 calls). */
  retries: number;
  /** The first wait; each retry waits twice as long, or what Retry-After says, at most maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 3, baseDelayMs: 500, maxDelayMs: 10_000 };

const nap = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A provider whose calls hold one of `slots` (a stage environment's share of the model) and are
 * retried with exponential backoff when the model answers 429 (too many requests). Other
 * failures are not retried: a timeout already took the environment's whole timeout.
 */
export function boundedProvider(provider: Provider, slots: Slots, policy: RetryPolicy = DEFAULT_RETRY): Provider {
  const sleep = policy.sleep ?? nap;
  return {
    name: provider.name,
    async complete(request: CompletionRequest): Promise<Completion> {
      for (let attempt = 0; ; attempt++) {
        try {
          return await slots.use(() => provider.complete(request));
        } catch (error) {
          const limited = error instanceof ProviderError && error.status === 429;
          if (!limited || attempt >= policy.retries || request.signal?.aborted) throw error;
          const backoff = policy.baseDelayMs * 2 ** attempt;
          await sleep(Math.min(policy.maxDelayMs, Math.max(backoff, error.retryAfterMs ?? 0)));
        }
      }
    },
  };
}

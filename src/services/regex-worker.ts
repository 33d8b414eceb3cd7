import { Worker } from "node:worker_threads";
import type { RegexTester } from "../domain/assertions.js";

/** One regex assertion may run this long; then it is stopped and its case errs (SPEC §7). */
export const REGEX_BUDGET_MS = 1000;
/** All regex assertions of one TEST together may run this long. */
export const RUN_REGEX_BUDGET_MS = 5000;

/** A regex that did not finish within its budget: the case it belongs to is an error. */
export class RegexTimeout extends Error {
  constructor(budgetMs: number, runBudgetMs = RUN_REGEX_BUDGET_MS) {
    super(
      budgetMs > 0
        ? `A regex assertion ran for more than ${budgetMs} ms and was stopped (patterns like (a+)+$ can run for hours)`
        : `Not checked: this test's regex assertions used up their ${runBudgetMs} ms`,
    );
    this.name = "RegexTimeout";
  }
}

/**
 * The worker's whole program, evaluated as a script so that the bundle and the single
 * executable need no second file. JavaScript's RegExp, so assertions keep its syntax and flags.
 */
const PROGRAM = `
const { parentPort } = require("node:worker_threads");
parentPort.on("message", ({ id, source, flags, text }) => {
  const started = performance.now();
  let matched = false;
  try { matched = new RegExp(source, flags).test(text); } catch {}
  parentPort.postMessage({ id, matched, ms: performance.now() - started });
});`;

interface Job {
  id: number;
  source: string;
  flags: string;
  text: string;
  budgetMs: number;
  resolve: (outcome: { matched: boolean; ms: number }) => void;
  reject: (error: Error) => void;
}

/**
 * Regex assertions run here, never on the event loop: one pattern like `(a+)+$` on 40 characters
 * froze the whole server (issue 8, item 1). One worker thread, started on first use, takes one
 * job at a time (at most one core goes to regexes); a job over its budget gets the worker
 * terminated and replaced. The thread does not keep the process alive.
 */
export function createRegexRunner(options: { budgetMs?: number; runBudgetMs?: number } = {}) {
  const budget = options.budgetMs ?? REGEX_BUDGET_MS;
  const runBudget = options.runBudgetMs ?? RUN_REGEX_BUDGET_MS;
  const queue: Job[] = [];
  let worker: Worker | null = null;
  let running: { job: Job; timer: NodeJS.Timeout; on: Worker } | null = null;
  let nextId = 1;

  function spawn(): Worker {
    const w = new Worker(PROGRAM, { eval: true });
    w.unref();
    w.on("message", ({ id, matched, ms }: { id: number; matched: boolean; ms: number }) => {
      if (running?.on !== w || running.job.id !== id) return;
      const { job } = finish();
      job.resolve({ matched, ms });
      pump();
    });
    w.on("error", (error) => {
      if (running?.on === w) finish().job.reject(error);
      pump();
    });
    w.on("exit", () => {
      if (worker === w) worker = null;
      if (running?.on === w) finish().job.reject(new Error("The regex worker stopped"));
      pump();
    });
    return w;
  }

  function finish(): { job: Job } {
    const done = running as NonNullable<typeof running>;
    clearTimeout(done.timer);
    running = null;
    return done;
  }

  function pump(): void {
    if (running) return;
    const job = queue.shift();
    if (!job) return;
    worker ??= spawn();
    const on = worker;
    const timer = setTimeout(() => {
      // Only terminate() stops a regex mid-match; the next job gets a fresh worker.
      worker = null;
      finish().job.reject(new RegexTimeout(job.budgetMs));
      void on.terminate();
      pump();
    }, job.budgetMs);
    timer.unref();
    running = { job, timer, on };
    on.postMessage({ id: job.id, source: job.source, flags: job.flags, text: job.text });
  }

  /** Whether `regex` matches `text` and how long it took; rejects with RegexTimeout past the budget. */
  function test(regex: RegExp, text: string, budgetMs = budget): Promise<{ matched: boolean; ms: number }> {
    return new Promise((resolve, reject) => {
      queue.push({ id: nextId++, source: regex.source, flags: regex.flags, text, budgetMs, resolve, reject });
      pump();
    });
  }

  return {
    test,

    /**
     * A tester for one TEST: each regex gets at most its own budget and what is left of the
     * run's, so one hostile run holds the worker for RUN_REGEX_BUDGET_MS at most.
     */
    forRun(): RegexTester {
      let left = runBudget;
      return async (regex, text) => {
        if (left <= 0) throw new RegexTimeout(0, runBudget);
        const allowed = Math.min(budget, left);
        try {
          const { matched, ms } = await test(regex, text, allowed);
          left -= ms;
          return matched;
        } catch (error) {
          left -= allowed;
          throw error;
        }
      };
    },
  };
}

export type RegexRunner = ReturnType<typeof createRegexRunner>;

/** The process's one runner, shared by every TEST. */
export const regexRunner = createRegexRunner();

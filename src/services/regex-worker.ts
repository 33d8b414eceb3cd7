import { Worker } from "node:worker_threads";
import type { RegexTester } from "../domain/assertions.js";

/** One regex assertion may run this long; then it is stopped and its case errs (docs/limits.md). */
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
  owner: string;
  source: string;
  flags: string;
  text: string;
  budgetMs: number;
  resolve: (outcome: { matched: boolean; ms: number }) => void;
  reject: (error: Error) => void;
}

/** One worker thread of the pool and the job it runs. */
interface Slot {
  worker: Worker | null;
  running: { job: Job; timer: NodeJS.Timeout | undefined; on: Worker } | null;
}

/** Worker threads for regexes: two, so one hostile prompt leaves the other to everyone else. */
export const REGEX_WORKERS = 2;

/**
 * Regex assertions run here, never on the event loop: one pattern like `(a+)+$` on 40
 * characters froze the whole server. A pool of worker threads (REGEX_WORKERS, started on
 * first use, not keeping the process alive) takes one job each; a job over its budget gets its
 * worker terminated and replaced. Jobs queue per owner (the prompt under TEST): no owner has
 * more than half the workers at once, and a free worker takes the next job of the owner served
 * longest ago, so a prompt full of catastrophic regexes delays another prompt's TEST by one
 * regex budget at most, not by everything it queued.
 */
export function createRegexRunner(options: { budgetMs?: number; runBudgetMs?: number; workers?: number } = {}) {
  const budget = options.budgetMs ?? REGEX_BUDGET_MS;
  const runBudget = options.runBudgetMs ?? RUN_REGEX_BUDGET_MS;
  const slots: Slot[] = Array.from({ length: options.workers ?? REGEX_WORKERS }, () => ({
    worker: null,
    running: null,
  }));
  const perOwner = Math.max(1, Math.floor(slots.length / 2));
  const queues = new Map<string, Job[]>();
  const busy = new Map<string, number>();
  /** When each owner last had a job started (a counter); never served counts as earliest. */
  const served = new Map<string, number>();
  let starts = 0;
  let nextId = 1;

  /** Workers that have started running JavaScript: a budget counts from then, not from the spawn. */
  const online = new WeakSet<Worker>();

  function spawn(slot: Slot): Worker {
    const w = new Worker(PROGRAM, { eval: true });
    w.unref();
    w.once("online", () => online.add(w));
    w.on("message", ({ id, matched, ms }: { id: number; matched: boolean; ms: number }) => {
      if (slot.running?.on !== w || slot.running.job.id !== id) return;
      finish(slot).resolve({ matched, ms });
      pump();
    });
    w.on("error", (error) => {
      if (slot.running?.on === w) finish(slot).reject(error);
      pump();
    });
    w.on("exit", () => {
      if (slot.worker === w) slot.worker = null;
      if (slot.running?.on === w) finish(slot).reject(new Error("The regex worker stopped"));
      pump();
    });
    return w;
  }

  function finish(slot: Slot): Job {
    const done = slot.running as NonNullable<Slot["running"]>;
    clearTimeout(done.timer);
    slot.running = null;
    const left = (busy.get(done.job.owner) ?? 1) - 1;
    if (left > 0) busy.set(done.job.owner, left);
    else busy.delete(done.job.owner);
    return done.job;
  }

  /** The owner whose turn it is: jobs waiting, under its share, served longest ago. */
  function nextOwner(): string | null {
    let chosen: string | null = null;
    let chosenAt = Number.POSITIVE_INFINITY;
    for (const [owner, queue] of queues) {
      if (queue.length === 0 || (busy.get(owner) ?? 0) >= perOwner) continue;
      const at = served.get(owner) ?? -1;
      if (at < chosenAt) [chosen, chosenAt] = [owner, at];
    }
    return chosen;
  }

  function pump(): void {
    for (const slot of slots) {
      if (slot.running) continue;
      const owner = nextOwner();
      if (owner === null) return;
      const queue = queues.get(owner) as Job[];
      const job = queue.shift() as Job;
      if (queue.length === 0) queues.delete(owner);
      served.set(owner, starts++);
      busy.set(owner, (busy.get(owner) ?? 0) + 1);
      slot.worker ??= spawn(slot);
      const on = slot.worker;
      const running: NonNullable<Slot["running"]> = { job, timer: undefined, on };
      // The budget starts when the worker can run the regex: a fresh worker's start-up (slow on
      // a loaded machine) is not the pattern's time.
      const arm = () => {
        if (slot.running !== running) return;
        running.timer = setTimeout(() => {
          // Only terminate() stops a regex mid-match; the slot's next job gets a fresh worker.
          slot.worker = null;
          finish(slot).reject(new RegexTimeout(job.budgetMs));
          void on.terminate();
          pump();
        }, job.budgetMs);
        running.timer.unref();
      };
      slot.running = running;
      if (online.has(on)) arm();
      else on.once("online", arm);
      on.postMessage({ id: job.id, source: job.source, flags: job.flags, text: job.text });
    }
  }

  /** Whether `regex` matches `text` and how long it took; rejects with RegexTimeout past the budget. */
  function test(regex: RegExp, text: string, budgetMs = budget, owner = ""): Promise<{ matched: boolean; ms: number }> {
    return new Promise((resolve, reject) => {
      const job = { id: nextId++, owner, source: regex.source, flags: regex.flags, text, budgetMs, resolve, reject };
      const queue = queues.get(owner);
      if (queue) queue.push(job);
      else queues.set(owner, [job]);
      pump();
    });
  }

  return {
    test,

    /**
     * A tester for one TEST of `owner` (the prompt): each regex gets at most its own budget and
     * what is left of the run's, so one hostile run holds a worker for RUN_REGEX_BUDGET_MS at most.
     */
    forRun(owner = ""): RegexTester {
      let left = runBudget;
      return async (regex, text) => {
        if (left <= 0) throw new RegexTimeout(0, runBudget);
        const allowed = Math.min(budget, left);
        try {
          const { matched, ms } = await test(regex, text, allowed, owner);
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

/** The process's one pool, shared by every TEST. */
export const regexRunner = createRegexRunner();

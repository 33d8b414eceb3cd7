import { describe, expect, it } from "vitest";
import { createRegexRunner, RegexTimeout } from "../../../src/services/regex-worker.js";
import { MAX_STORED_OUTPUT_BYTES, storedOutput } from "../../../src/services/test-runner.js";
import { testingServices } from "../../support/testing.js";

const EVIL = /(a+)+$/;
const TEXT = `${"a".repeat(40)}!`;

describe("regex assertions run off the event loop under a time budget", () => {
  it("a catastrophic pattern is stopped at its budget while the event loop keeps turning", async () => {
    const runner = createRegexRunner({ budgetMs: 300 });
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 10);
    const error = await runner.test(EVIL, TEXT).then(
      () => null,
      (e: unknown) => e,
    );
    clearInterval(ticker);
    expect(error).toBeInstanceOf(RegexTimeout);
    expect(ticks).toBeGreaterThan(5); // on the main thread the loop would not have turned once
    // The next job gets a fresh worker and JavaScript's own semantics.
    expect(await runner.test(/^dear \w+/i, "Dear Ada")).toMatchObject({ matched: true });
    expect(await runner.test(/\p{Lu}/u, "abc")).toMatchObject({ matched: false });
  });

  it("one TEST spends at most its run budget on regexes; the rest are errors saying so", async () => {
    const runner = createRegexRunner({ budgetMs: 1000, runBudgetMs: 250 });
    const tester = runner.forRun();
    await expect(tester(EVIL, TEXT)).rejects.toThrow("ran for more than 250 ms");
    await expect(tester(/a/, "a")).rejects.toThrow("Not checked: this test's regex assertions used up their 250 ms");
    expect(await runner.forRun()(/a/, "a")).toBe(true); // the next TEST has its own budget
  });

  it("through TEST: the case errs saying so, the other cases still run", async () => {
    const s = await testingServices();
    await s.prompts.create({ name: "p", body: `${"a".repeat(26)}!` });
    await s.testCases.create("p", { name: "evil", assertions: [{ type: "regex", value: "(a+)+$" }] });
    await s.testCases.create("p", { name: "fine", assertions: [{ type: "regex", value: "/^A+!$/i" }] });
    const run = await s.testRuns.run("p", "1.0");
    expect(run.status).toBe("error");
    expect(run.results.map((r) => [r.case, r.status])).toEqual([
      ["evil", "error"],
      ["fine", "passed"],
    ]);
    expect(run.results[0]?.error).toMatch(/ran for more than 1000 ms and was stopped/);
  });
});

describe("a pool of regex workers that one prompt cannot take over", () => {
  it("another owner's job runs at once while one owner's catastrophic jobs queue, and owners take turns", async () => {
    const runner = createRegexRunner({ budgetMs: 150, workers: 2 });
    const done: string[] = [];
    const job = (owner: string, regex: RegExp, text: string, name: string) =>
      runner.test(regex, text, undefined, owner).then(
        () => done.push(name),
        () => done.push(name),
      );
    const evil = Array.from({ length: 8 }, (_, i) => job("evil", EVIL, TEXT, `evil ${i}`));
    const fine = job("fine", /^Dear/, "Dear Ada", "fine");
    await fine;
    // The harmless job did not wait for the hostile queue: at most one hostile job ended first.
    expect(done.indexOf("fine")).toBeLessThanOrEqual(1);
    // A second hostile owner shares the workers with the first, turn by turn.
    const other = Array.from({ length: 2 }, (_, i) => job("other", EVIL, TEXT, `other ${i}`));
    await Promise.all([...evil, ...other]);
    expect(done.indexOf("other 0")).toBeLessThan(done.indexOf("evil 7"));
  });

  it("through TEST: four hostile TESTs of one prompt do not hold up a TEST of another", async () => {
    const s = await testingServices();
    await s.prompts.create({ name: "evil", body: TEXT });
    await s.testCases.create("evil", { name: "redos", assertions: [{ type: "regex", value: "(a+)+$" }] });
    await s.prompts.create({ name: "fine", body: "Dear Ada" });
    await s.testCases.create("fine", { name: "greets", assertions: [{ type: "regex", value: "^Dear \\w+" }] });
    let hostileDone = 0;
    const hostile = Array.from({ length: 4 }, () =>
      s.testRuns.run("evil", "1.0").finally(() => {
        hostileDone++;
      }),
    );
    const started = Date.now();
    const run = await s.testRuns.run("fine", "1.0");
    expect(run.status).toBe("passed");
    console.info(`the harmless TEST took ${Date.now() - started} ms beside four hostile ones`);
    // Each hostile TEST holds a worker for its regex budget (1 s), one at a time: most are still queued.
    expect(hostileDone).toBeLessThanOrEqual(2);
    const ran = await Promise.all(hostile);
    expect(ran.every((r) => r.results[0]?.error?.includes("was stopped"))).toBe(true);
  }, 30_000);
});

describe("stored outputs are cut at 64 KiB, marked as cut (docs/limits.md)", () => {
  it("cuts at a character boundary, says how much was left out, and stays within 64 KiB", () => {
    expect(storedOutput("short")).toBe("short");
    const long = "é".repeat(70_000); // 140,000 bytes
    const stored = storedOutput(long);
    expect(Buffer.byteLength(stored, "utf8")).toBeLessThanOrEqual(MAX_STORED_OUTPUT_BYTES);
    expect(stored).toMatch(/^é+\n…\[cut: [\d,]+ more bytes not stored\]$/);
    const kept = stored.split("\n…")[0] as string;
    expect(stored).toContain(`[cut: ${(140_000 - Buffer.byteLength(kept)).toLocaleString("en")} more bytes`);
  });

  it("assertions see the whole output; the stored run keeps the cut one", async () => {
    const s = await testingServices();
    await s.prompts.create({ name: "p", body: `${"x".repeat(100_000)}END` });
    await s.testCases.create("p", { name: "end", assertions: [{ type: "contains", value: "END" }] });
    const run = await s.testRuns.run("p", "1.0");
    expect(run.status).toBe("passed");
    const output = run.results[0]?.output ?? "";
    expect(Buffer.byteLength(output)).toBeLessThanOrEqual(MAX_STORED_OUTPUT_BYTES);
    expect(output).toMatch(/more bytes not stored\]$/);
  });
});

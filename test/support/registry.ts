import { freshServices, type ServiceOptions, type TestServices } from "./db.js";

/** A clock that moves one second per reading, so every change has its own time. */
export function tickingClock(start = Date.parse("2026-11-01T09:00:00.000Z")): () => Date {
  let t = start;
  return () => {
    t += 1000;
    return new Date(t);
  };
}

/**
 * Prompt "p" with a version in every position a stage allows: 1.0 PROD · 1.1 PROD current ·
 * 1.2 TST current · 1.3 TST · 1.4 DEV current · 1.5 DEV (each promotion naming its stage).
 */
export async function everyPosition(s: TestServices): Promise<void> {
  await s.prompts.create({ name: "p", body: "x" });
  for (let i = 1; i <= 5; i++) await s.versions.createNew("p", "1.0");
  const moves = [
    ["1.0", "TST"],
    ["1.0", "PROD"],
    ["1.1", "TST"],
    ["1.1", "PROD"],
    ["1.3", "TST"],
    ["1.2", "TST"],
  ] as const;
  for (const [v, to] of moves) await s.versions.promote("p", v, { to });
  await s.versions.makeCurrent("p", "1.4");
}

/**
 * A registry with everything an export must carry: edited drafts, promotions, a rollback in PROD,
 * deleted drafts (the highest number among them), a current DEV draft that is not the newest,
 * test cases, a test run's event, non-ASCII text and changed stage environments.
 */
export async function richRegistry(options: ServiceOptions = {}): Promise<TestServices> {
  const s = await freshServices({ now: tickingClock(), ...options });
  await s.prompts.create({
    name: "support-reply",
    description: "First answer to a ticket",
    body: "You are a support agent.\n\nTicket: {{ticket}}",
    config: { model: "gpt-4o-mini", temperature: 0.2 },
  });
  await s.versions.save("support-reply", "1.0", { body: "You are a friendly support agent.\n\nTicket: {{ticket}}" });
  await s.versions.save("support-reply", "1.0", { body: "Be kind.\n\nTicket: {{ticket}}", config: { temperature: 0 } });
  await s.versions.promote("support-reply", "1.0");
  await s.versions.save("support-reply", "1.0", { body: "Be kind, in TST.\n\nTicket: {{ticket}}" });
  await s.versions.promote("support-reply", "1.0", { to: "PROD" });
  await s.versions.createNew("support-reply", "1.0");
  await s.versions.save("support-reply", "1.1", { body: "Be brief.\n\nTicket: {{ticket}}" });
  await s.versions.promote("support-reply", "1.1");
  await s.versions.promote("support-reply", "1.1", { to: "PROD" });
  await s.versions.makeCurrent("support-reply", "1.0"); // rollback: 1.1 stays PROD, not current
  await s.versions.createNew("support-reply", "1.1"); // 1.2
  await s.versions.createNew("support-reply", "1.1"); // 1.3
  await s.versions.promote("support-reply", "1.3"); // TST current; 1.0 and 1.1 are PROD
  await s.versions.createNew("support-reply", "1.0", { major: true }); // 2.0
  await s.versions.createNew("support-reply", "1.0"); // 2.1
  await s.versions.makeCurrent("support-reply", "2.0");
  await s.versions.createNew("support-reply", "2.0"); // 2.2, deleted: the highest number ever
  await s.versions.delete("support-reply", "2.2");
  await s.versions.delete("support-reply", "1.2");
  await s.testCases.create("support-reply", {
    name: "late order",
    variables: { ticket: "My order is late" },
    assertions: [{ type: "contains", value: "late" }, { type: "max-length", value: 500 }, { type: "json" }],
  });
  await s.testCases.create("support-reply", {
    name: "refund",
    variables: { ticket: "I want my money back" },
    assertions: [{ type: "regex", value: "/money/i" }],
  });
  await s.testRuns.run("support-reply", "2.0", { variables: { ticket: "Hi" } });

  await s.prompts.create({ name: "zeta.name_1", body: "Привет, {{имя}}!\r\nSecond line", config: {} });
  await s.prompts.create({ name: "a-first", description: "Sorts first", body: "", config: { nested: { a: [1, 2] } } });
  await s.versions.createNew("a-first", "1.0");
  await s.versions.delete("a-first", "1.1"); // only deleted numbers above: the mark is 1.1

  await s.environments.update("TST", { gate: true, model: "gpt-4o" });
  await s.environments.update("PROD", {
    provider: "openai",
    baseUrl: "http://127.0.0.1:11434/v1",
    apiKeyEnv: "PROMPTRAIL_PROD_KEY",
    timeoutMs: 5000,
  });
  return s;
}

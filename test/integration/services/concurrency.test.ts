import { describe, expect, test } from "vitest";
import { DomainError } from "../../../src/domain/errors.js";
import { createServices } from "../../../src/services/index.js";
import { connectAgain, freshServices, TEST_ENGINE } from "../../support/db.js";
import { raceProcesses } from "../../support/processes.js";
import { eventsOf, expectVersions, rawValue, refusal, textOf } from "../../support/state.js";

/** Three OS processes' worth of startup; generous, but bounded. */
const SLOW = 30_000;

describe("concurrency", () => {
  test(
    "two processes promote different TST versions to PROD at once: one current PROD, both recorded",
    async () => {
      const s = await freshServices();
      await s.prompts.create({ name: "p", body: "one" });
      await s.versions.createNew("p", "1.0");
      await s.versions.promote("p", "1.0");
      await s.versions.promote("p", "1.1");
      await expectVersions(s, s.db, "p", ["1.1 TST current", "1.0 TST"]);

      const outcomes = await raceProcesses(s.db.file, s.db.dir, [
        ["promote", "p", "1.0"],
        ["promote", "p", "1.1"],
      ]);
      expect(outcomes).toEqual([
        { ok: true, stage: "PROD", revision: 1 },
        { ok: true, stage: "PROD", revision: 1 },
      ]);

      const promoted = (await eventsOf(s.db, "p")).filter((e) => e.detail.to === "PROD");
      expect(promoted.map((e) => e.version).sort()).toEqual(["1.0", "1.1"]);
      const [first, second] = promoted;
      // The second promotion saw the first one's result: it replaced it.
      expect(first?.detail.replaced).toBeNull();
      expect(second?.detail.replaced).toBe(first?.version);
      const winner = second?.version;
      await expectVersions(s, s.db, "p", [
        `1.1 PROD${winner === "1.1" ? " current" : ""}`,
        `1.0 PROD${winner === "1.0" ? " current" : ""}`,
      ]);
      const currentProd = "SELECT count(*) FROM versions WHERE stage = 'PROD' AND is_current = 1";
      expect(await rawValue(s.db, currentProd)).toBe(1);
    },
    SLOW,
  );

  test(
    "two processes save on the same revision: one wins, the other is stale_revision, nothing is lost",
    async () => {
      const s = await freshServices();
      await s.prompts.create({ name: "p", body: "base" });
      const outcomes = await raceProcesses(s.db.file, s.db.dir, [
        ["save", "p", "1.0", "from process 0", "1"],
        ["save", "p", "1.0", "from process 1", "1"],
      ]);
      expect([...outcomes].sort((a, b) => Number(b.ok) - Number(a.ok))).toEqual([
        { ok: true, stage: "DEV", revision: 2 },
        { ok: false, code: "stale_revision" },
      ]);
      const winner = outcomes.findIndex((o) => o.ok);
      const version = await s.versions.get("p", "1.0");
      expect(version).toMatchObject({ revision: 2, body: `from process ${winner}` });
      const revisions = (await s.versions.revisions("p", "1.0")).revisions;
      expect(revisions.map((r) => [r.revision, textOf(r)])).toEqual([
        [2, `from process ${winner}`],
        [1, "base"],
      ]);
      expect((await eventsOf(s.db, "p")).filter((e) => e.type === "version.edited")).toHaveLength(1);
    },
    SLOW,
  );

  test("two saves on the same revision in one process: one wins, the other is stale_revision", async () => {
    const s = await freshServices();
    await s.prompts.create({ name: "p", body: "base" });
    const results = await Promise.allSettled([
      s.versions.save("p", "1.0", { body: "A", revision: 1 }),
      s.versions.save("p", "1.0", { body: "B", revision: 1 }),
    ]);
    const won = results.flatMap((r) => (r.status === "fulfilled" ? [textOf(r.value)] : []));
    const lost = results.flatMap((r) => (r.status === "rejected" ? [r.reason] : []));
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]).toBeInstanceOf(DomainError);
    expect(lost[0]).toMatchObject({ code: "stale_revision" });

    expect(await s.versions.get("p", "1.0")).toMatchObject({ revision: 2, body: won[0] });
    const revisions = (await s.versions.revisions("p", "1.0")).revisions;
    expect(revisions.map((r) => [r.revision, textOf(r)])).toEqual([
      [2, won[0]],
      [1, "base"],
    ]);
  });

  test("two connections to one database save on the same revision: the second is stale_revision", async () => {
    const s = await freshServices();
    await s.prompts.create({ name: "p", body: "base" });
    const other = connectAgain(s.db);
    try {
      const elsewhere = createServices({ db: other });
      const seen = await elsewhere.versions.get("p", "1.0");
      await s.versions.save("p", "1.0", { body: "first", revision: 1 });
      const error = await refusal(
        elsewhere.versions.save("p", "1.0", { body: "second", revision: seen.revision }),
        "stale_revision",
      );
      expect(error.message).toMatch(/revision 2/);
      expect((await elsewhere.versions.revisions("p", "1.0")).revisions.map((r) => textOf(r))).toEqual([
        "first",
        "base",
      ]);
    } finally {
      await other.close();
    }
  });

  test("saves that carry no revision queue up, and every one is kept as a revision", async () => {
    const s = await freshServices();
    await s.prompts.create({ name: "p", body: "base" });
    const bodies = ["A", "B", "C", "D"];
    await Promise.all(bodies.map((body) => s.versions.save("p", "1.0", { body })));
    const revisions = (await s.versions.revisions("p", "1.0")).revisions;
    expect(revisions.map((r) => r.revision)).toEqual([5, 4, 3, 2, 1]);
    expect(revisions.map((r) => textOf(r)).sort()).toEqual(["A", "B", "C", "D", "base"]);
    expect(textOf(await s.versions.get("p", "1.0"))).toBe(textOf(revisions[0]));
  });

  test("two promotions of different TST versions in one process leave one current PROD", async () => {
    const s = await freshServices();
    await s.prompts.create({ name: "p", body: "one" });
    await s.versions.createNew("p", "1.0");
    await s.versions.promote("p", "1.0");
    await s.versions.promote("p", "1.1");
    await Promise.all([s.versions.promote("p", "1.0", { to: "PROD" }), s.versions.promote("p", "1.1", { to: "PROD" })]);
    // The promotion that ran second (its event is the later one) replaced the first and is current.
    const promoted = (await eventsOf(s.db, "p")).filter((e) => e.detail.to === "PROD");
    const [first, second] = promoted;
    expect(second?.detail.replaced).toBe(first?.version);
    // SQLite's one connection serves requests in arrival order; PostgreSQL's pool queues them
    // on the write lock, in whatever order they reach it.
    if (TEST_ENGINE === "sqlite") expect(second?.version).toBe("1.1");
    await expectVersions(s, s.db, "p", [
      `1.1 PROD${second?.version === "1.1" ? " current" : ""}`,
      `1.0 PROD${second?.version === "1.0" ? " current" : ""}`,
    ]);
  });
});

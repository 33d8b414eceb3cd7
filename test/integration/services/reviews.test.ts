import { describe, expect, it } from "vitest";
import type { Actor } from "../../../src/services/context.js";
import { freshServices, type TestServices } from "../../support/db.js";
import { eventsOf, rawValue, refusal } from "../../support/state.js";

const PASSWORD = "correct horse battery staple";
const as = (actor: string, role: Actor["role"]): Actor => ({ actor, role });
const root = as("root", "admin");
const rita = as("rita", "releaser");
const remy = as("remy", "releaser");
const eddie = as("eddie", "editor");

/** Secured mode with an admin, two releasers and an editor; p 1.0 current in TST; PROD needs `needed` approvals. */
async function registry(needed = 1): Promise<TestServices> {
  const s = await freshServices();
  await s.users.add({ name: "root", role: "admin", password: PASSWORD });
  for (const [name, role] of [
    ["rita", "releaser"],
    ["remy", "releaser"],
    ["eddie", "editor"],
  ] as const)
    await s.users.add({ name, role, password: PASSWORD }, root);
  await s.prompts.create({ name: "p", body: "Hello v1" }, eddie);
  await s.versions.promote("p", "1.0", {}, eddie);
  await s.environments.update("PROD", { approvals: needed }, root);
  return s;
}

async function requested(s: TestServices, by = rita, version = "1.0") {
  const outcome = await s.reviews.promote("p", version, { to: "PROD" }, by);
  if (outcome.kind !== "review") throw new Error("expected a review");
  return outcome.review;
}

describe("review before PROD: requests", () => {
  it("a promotion into a stage that needs approvals opens a review and moves nothing; asking again answers the open one", async () => {
    const s = await registry();
    const review = await requested(s);
    expect(review).toMatchObject({
      prompt: "p",
      version: "1.0",
      from: "TST",
      to: "PROD",
      state: "open",
      requestedBy: "rita",
      base: null,
      needed: 1,
      approvals: [],
      rejections: [],
      appliedAt: null,
    });
    expect((await s.versions.get("p", "1.0")).stage).toBe("TST");
    const again = await s.reviews.promote("p", "1.0", { to: "PROD" }, remy);
    expect(again).toMatchObject({ kind: "review", created: false, review: { id: review.id } });
    expect((await eventsOf(s.db, "p")).map((e) => e.type)).toContain("review.requested");
  });

  it("the plain promotion refuses where a review is needed, and so does the database", async () => {
    const s = await registry();
    await refusal(s.versions.promote("p", "1.0", { to: "PROD" }, rita), "invalid_transition");
    const id = await rawValue(s.db, "SELECT id FROM versions WHERE major = 1 AND minor = 0");
    await expect(rawValue(s.db, "UPDATE versions SET stage = 'PROD' WHERE id = ?", id)).rejects.toThrow(
      /needs an applied review/,
    );
  });

  it("approvals need accounts: open mode refuses them (422), and DEV never takes them", async () => {
    const s = await freshServices();
    const error = await refusal(s.environments.update("PROD", { approvals: 1 }), "validation_failed");
    expect(error.message).toMatch(/accounts/);
    await s.users.add({ name: "root", role: "admin", password: PASSWORD });
    await refusal(s.environments.update("DEV", { approvals: 1 }, root), "validation_failed");
    await refusal(s.environments.update("PROD", { approvals: 4 }, root), "validation_failed");
    expect((await s.environments.update("PROD", { approvals: 2 }, root)).PROD.approvals).toBe(2);
  });
});

describe("review before PROD: the two-person rule", () => {
  it("the requester cannot approve; an editor cannot; each approver counts once; the last approval applies it", async () => {
    const s = await registry(2);
    const review = await requested(s, rita);
    const id = String(review.id);
    await refusal(s.reviews.approve(id, {}, rita), "forbidden");
    await refusal(s.reviews.approve(id, {}, eddie), "forbidden");
    const once = await s.reviews.approve(id, { comment: "looks right" }, remy);
    expect(once).toMatchObject({ state: "open", approvals: [{ by: "remy", comment: "looks right" }] });
    await refusal(s.reviews.approve(id, {}, remy), "forbidden");
    expect((await s.versions.get("p", "1.0")).stage).toBe("TST");
    const applied = await s.reviews.approve(id, {}, root);
    expect(applied.state).toBe("applied");
    expect(applied.appliedAt).not.toBeNull();
    expect(await s.versions.get("p", "1.0")).toMatchObject({ stage: "PROD", current: true });
    const promoted = (await eventsOf(s.db, "p")).find((e) => e.type === "version.promoted" && e.detail.to === "PROD");
    expect(promoted).toMatchObject({ actor: "rita", detail: { review: review.id, approvers: ["remy", "root"] } });
    await refusal(s.reviews.approve(id, {}, as("other", "admin")), "invalid_transition");
  });

  it("reject needs a comment and closes it; withdraw is the requester's or an admin's", async () => {
    const s = await registry();
    const first = String((await requested(s)).id);
    await refusal(s.reviews.reject(first, { comment: "  " }, remy), "validation_failed");
    await refusal(s.reviews.reject(first, { comment: "no" }, rita), "forbidden");
    expect(await s.reviews.reject(first, { comment: "wrong tone" }, remy)).toMatchObject({
      state: "rejected",
      rejections: [{ by: "remy", comment: "wrong tone" }],
    });
    const second = String((await requested(s)).id);
    await refusal(s.reviews.withdraw(second, remy), "forbidden");
    expect((await s.reviews.withdraw(second, rita)).state).toBe("withdrawn");
    const third = String((await requested(s)).id);
    expect((await s.reviews.withdraw(third, root)).state).toBe("withdrawn");
    const types = (await eventsOf(s.db, "p")).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(["review.rejected", "review.withdrawn"]));
  });
});

describe("review before PROD: stale reviews", () => {
  it("an edit of the draft makes its open review stale, and its approvals count for nothing", async () => {
    const s = await registry();
    const id = String((await requested(s)).id);
    await s.versions.save("p", "1.0", { body: "Hello v1, edited" }, eddie);
    expect((await s.reviews.get(id)).state).toBe("stale");
    await refusal(s.reviews.approve(id, {}, remy), "invalid_transition");
    expect((await s.versions.get("p", "1.0")).stage).toBe("TST");
    expect((await eventsOf(s.db, "p")).at(-1)).toMatchObject({ type: "review.stale", actor: "eddie" });
  });

  it("a move of the target stage makes the reviews based on its old version stale; a rollback needs no review", async () => {
    const s = await registry(0);
    await s.versions.promote("p", "1.0", { to: "PROD" }, rita);
    await s.versions.createNew("p", "1.0", {}, eddie);
    await s.versions.promote("p", "1.1", {}, eddie);
    await s.environments.update("PROD", { approvals: 1 }, root);
    const review = await requested(s, rita, "1.1");
    expect(review.base).toBe("1.0");
    const applied = await s.reviews.approve(String(review.id), {}, remy);
    expect(applied.state).toBe("applied");
    // Rollback: 1.0 was in PROD already.
    await s.versions.createNew("p", "1.1", {}, eddie);
    await s.versions.promote("p", "1.2", {}, eddie);
    const pending = await requested(s, rita, "1.2");
    await s.versions.makeCurrent("p", "1.0", rita);
    expect((await s.reviews.get(String(pending.id))).state).toBe("stale");
  });
});

describe("the audit", () => {
  it("lists every pointer move, with actor and review, filtered by prompt and stage, newest first", async () => {
    const s = await registry();
    const review = await requested(s);
    await s.reviews.approve(String(review.id), {}, remy);
    const all = await s.reviews.audit({});
    expect(all.moves.map((m) => `${m.stage} ${m.from}→${m.to} ${m.actor} ${m.review}`)).toEqual([
      `PROD null→1.0 rita ${review.id}`,
      `TST 1.0→null rita ${review.id}`,
      "TST null→1.0 eddie null",
      "DEV 1.0→null eddie null",
      "DEV null→1.0 eddie null",
    ]);
    const prod = await s.reviews.audit({ prompt: "p", stage: "prod" });
    expect(prod.moves).toHaveLength(1);
    const paged = await s.reviews.audit({ limit: 2 });
    expect(paged.moves).toHaveLength(2);
    const rest = await s.reviews.audit({ limit: 10, cursor: paged.nextCursor ?? undefined });
    expect(rest.moves).toHaveLength(3);
  });
});

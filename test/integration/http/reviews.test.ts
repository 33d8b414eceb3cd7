import { describe, expect, it } from "vitest";
import { reviewSchema, reviewWithEvidenceSchema } from "../../../src/http/review-json.js";
import { type SecuredClient, securedApp } from "../../support/accounts.js";

/** Secured, p v1.0 current in TST with a passing test there, PROD asks for one approval. */
async function setUp(): Promise<SecuredClient> {
  const app = await securedApp();
  const { local } = app;
  const admin = { actor: "admin", role: "admin" as const };
  await local.prompts.create({ name: "p", body: "Hello {{name}}" }, admin);
  await local.versions.promote("p", "1.0", {}, admin);
  await local.testRuns.run("p", "1.0", { variables: { name: "Ada" } }, admin);
  await local.environments.update("PROD", { approvals: 1 }, admin);
  return app;
}

describe("review before PROD over HTTP", () => {
  it("POST promote into PROD answers 202 with the review and its Location; again, 200 with the same one", async () => {
    const app = await setUp();
    const first = await app.as({ token: app.who.releaser.token }, "POST", "/prompts/p/versions/1.0/promote", {
      to: "PROD",
    });
    expect(first.status).toBe(202);
    expect(reviewSchema.parse(first.body)).toMatchObject({ state: "open", requestedBy: "releaser", needed: 1 });
    expect(first.headers.get("location")).toBe(`/reviews/${first.body.id}`);
    const again = await app.as({ token: app.who.admin.token }, "POST", "/prompts/p/versions/1.0/promote", {
      to: "PROD",
    });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
  });

  it("the requester gets 403, an editor 403, another releaser's approval applies it; the review carries its evidence", async () => {
    const app = await setUp();
    const { body } = await app.as({ token: app.who.releaser.token }, "POST", "/prompts/p/versions/1.0/promote", {
      to: "PROD",
    });
    const url = `/reviews/${body.id}`;
    const own = await app.as({ token: app.who.releaser.token }, "POST", `${url}/approve`, {});
    expect(own.status).toBe(403);
    expect(own.body.error.code).toBe("forbidden");
    expect((await app.as({ token: app.who.editor.token }, "POST", `${url}/approve`, {})).status).toBe(403);
    const shown = await app.as({ token: app.who.viewer.token }, "GET", url);
    const parsed = reviewWithEvidenceSchema.parse(shown.body);
    expect(parsed.evidence.latestRun?.status).toBe("passed");
    expect(parsed.evidence.diff).toBeNull();
    const done = await app.as({ token: app.who.admin.token }, "POST", `${url}/approve`, { comment: "ship it" });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ state: "applied", approvals: [{ by: "admin", comment: "ship it" }] });
    const prod = await app.as({ token: app.who.viewer.token }, "GET", "/prompts/p/stages/PROD");
    expect(prod.body.version).toBe("1.0");
    const twice = await app.as({ token: app.who.admin.token }, "POST", `${url}/approve`, {});
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe("invalid_transition");
  });

  it("reject without a comment is 422 and changes nothing; with one it closes the review", async () => {
    const app = await setUp();
    const { body } = await app.as({ token: app.who.releaser.token }, "POST", "/prompts/p/versions/1.0/promote", {
      to: "PROD",
    });
    const url = `/reviews/${body.id}`;
    const bare = await app.as({ token: app.who.admin.token }, "POST", `${url}/reject`, {});
    expect(bare.status).toBe(422);
    expect((await app.as({ token: app.who.admin.token }, "GET", url)).body.state).toBe("open");
    const rejected = await app.as({ token: app.who.admin.token }, "POST", `${url}/reject`, { comment: "tone" });
    expect(rejected.body).toMatchObject({ state: "rejected", rejections: [{ by: "admin", comment: "tone" }] });
    const list = await app.as({ token: app.who.viewer.token }, "GET", "/reviews?state=open");
    expect(list.body).toEqual({ reviews: [], next: null });
    const all = await app.as({ token: app.who.viewer.token }, "GET", "/reviews");
    expect(all.body.reviews).toHaveLength(1);
  });

  it("the version page reads Request review and shows the open review; the review page disables what this person may not do, saying why", async () => {
    const app = await setUp();
    const page = async (path: string, who: string) =>
      (await app.request(path, { headers: { cookie: `promptrail_session=${who}` } })).text();
    const before = await page("/prompts/p/versions/1.0", app.who.releaser.session);
    expect(before).toContain("Request review");
    expect(before).not.toContain("Promote to PROD</button>");
    const { body } = await app.as({ token: app.who.releaser.token }, "POST", "/prompts/p/versions/1.0/promote", {
      to: "PROD",
    });
    const after = await page("/prompts/p/versions/1.0", app.who.releaser.session);
    expect(after).toContain(`/reviews/${body.id}`);
    const own = await page(`/reviews/${body.id}`, app.who.releaser.session);
    expect(own).toContain("You asked for this review: someone else must approve or reject it");
    expect(own).toMatch(/<button[^>]*disabled[^>]*>Approve<\/button>/);
    const viewer = await page(`/reviews/${body.id}`, app.who.viewer.session);
    expect(viewer).toContain("Reviewing needs the releaser role; you are a viewer");
    const list = await page("/reviews?state=open", app.who.viewer.session);
    expect(list).toContain(`#${body.id}`);
  });

  it("a form promote lands on the review page (303); form approve applies it and lands there again", async () => {
    const app = await setUp();
    const form = (path: string, session: string, fields: Record<string, string>) =>
      app.request(path, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", cookie: `promptrail_session=${session}` },
        body: new URLSearchParams(fields).toString(),
      });
    const asked = await form("/prompts/p/versions/1.0/promote", app.who.releaser.session, { to: "PROD" });
    expect(asked.status).toBe(303);
    const location = asked.headers.get("location") ?? "";
    expect(location).toMatch(/^\/reviews\/\d+$/);
    const approved = await form(`${location}/approve`, app.who.admin.session, { comment: "" });
    expect(approved.status).toBe(303);
    expect(approved.headers.get("location")).toBe(location);
  });

  it("the audit answers JSON, CSV and a page, filtered by prompt and stage", async () => {
    const app = await setUp();
    const { body } = await app.as({ token: app.who.releaser.token }, "POST", "/prompts/p/versions/1.0/promote", {
      to: "PROD",
    });
    await app.as({ token: app.who.admin.token }, "POST", `/reviews/${body.id}/approve`, {});
    const json = await app.as({ token: app.who.viewer.token }, "GET", "/audit?prompt=p&stage=prod");
    expect(json.body).toEqual({
      moves: [
        {
          at: expect.any(String),
          prompt: "p",
          stage: "PROD",
          from: null,
          to: "1.0",
          actor: "releaser",
          review: body.id,
        },
      ],
      next: null,
    });
    const csv = await app.request("/audit?stage=PROD&format=csv", {
      headers: { authorization: `Bearer ${app.who.viewer.token}` },
    });
    expect(csv.headers.get("content-type")).toMatch(/^text\/csv/);
    const lines = (await csv.text()).trimEnd().split("\r\n");
    expect(lines[0]).toBe("at,prompt,stage,from,to,actor,review");
    expect(lines[1]).toMatch(new RegExp(`,p,PROD,,1.0,releaser,${body.id}$`));
    const paged = await app.as({ token: app.who.viewer.token }, "GET", "/audit?limit=2");
    expect(paged.body.moves).toHaveLength(2);
    expect(paged.body.next).toMatch(/^\/audit\?limit=2&cursor=\d+$/);
    const html = await app.request("/audit", { headers: { cookie: `promptrail_session=${app.who.viewer.session}` } });
    expect(await html.text()).toContain("<h1>Audit</h1>");
  });

  it("approvals can be set over JSON by an admin only, and appear in the environments", async () => {
    const app = await setUp();
    const refused = await app.as({ token: app.who.releaser.token }, "POST", "/settings/environments/TST", {
      approvals: 2,
    });
    expect(refused.status).toBe(403);
    const set = await app.as({ token: app.who.admin.token }, "POST", "/settings/environments/TST", { approvals: 2 });
    expect(set.body.TST.approvals).toBe(2);
    expect(set.body.PROD.approvals).toBe(1);
  });
});

import { describe, expect, it } from "vitest";
import { reviewWithEvidenceSchema } from "../../../src/http/review-json.js";
import { securedApp } from "../../support/accounts.js";

/**
 * Secured; p v1.0 current in PROD, which asks for one approval; v1.1 ("Hi") was compared with
 * PROD while it read "Hey", then edited and promoted to TST; a releaser asks to take it to PROD.
 */
async function setUp() {
  const app = await securedApp();
  const { local } = app;
  const admin = { actor: "admin", role: "admin" as const };
  await local.prompts.create({ name: "p", body: "Hello {{name}}" }, admin);
  await local.versions.promote("p", "1.0", {}, admin);
  await local.versions.promote("p", "1.0", { to: "PROD" }, admin);
  await local.versions.createNew("p", "1.0", {}, admin);
  await local.testCases.create(
    "p",
    { name: "says hi", variables: { name: "Ada" }, assertions: [{ type: "contains", value: "Hi" }] },
    admin,
  );
  await local.versions.save("p", "1.1", { body: "Hey {{name}}", revision: 1 }, admin);
  const older = await local.comparisons.create("p", { candidate: "1.1", baseline: "PROD" }, admin);
  await local.versions.save("p", "1.1", { body: "Hi {{name}}", revision: 2 }, admin);
  await local.versions.promote("p", "1.1", {}, admin);
  await local.environments.update("PROD", { approvals: 1 }, admin);
  const asked = await app.as({ token: app.who.releaser.token }, "POST", "/prompts/p/versions/1.1/promote", {
    to: "PROD",
  });
  expect(asked.status).toBe(202);
  return { app, older: older.id, url: `/reviews/${asked.body.id}` };
}

describe("the review page links the latest comparison of its content", () => {
  it("with none of this content, JSON says null and the page offers to compare with the target's current version", async () => {
    const { app, url } = await setUp();
    const shown = await app.as({ token: app.who.viewer.token }, "GET", url);
    expect(reviewWithEvidenceSchema.parse(shown.body).evidence.comparison).toBeNull();
    const page = await (
      await app.request(url, { headers: { cookie: `promptrail_session=${app.who.viewer.session}` } })
    ).text();
    expect(page).toContain("No comparison of this content yet");
    expect(page).toMatch(/<form method="post" action="\/prompts\/p\/comparisons"/);
    expect(page).toContain('<input type="hidden" name="candidate" value="1.1"/>');
    expect(page).toContain('<input type="hidden" name="baseline" value="PROD"/>');
    expect(page).toContain("Compare with PROD</button>");
  });

  it("once this content is compared, JSON and the page give that comparison and its one-line summary, not the one of earlier content", async () => {
    const { app, url, older } = await setUp();
    const made = await app.as({ token: app.who.editor.token }, "POST", "/prompts/p/comparisons", {
      candidate: "1.1",
      baseline: "PROD",
    });
    expect(made.status).toBe(201);
    const line = made.body.summary.line as string;
    expect(line).toMatch(/^v1\.1 vs PROD v1\.0: .*1 fixed/);
    const shown = await app.as({ token: app.who.viewer.token }, "GET", url);
    expect(reviewWithEvidenceSchema.parse(shown.body).evidence.comparison).toEqual({
      id: made.body.id,
      url: `/prompts/p/comparisons/${made.body.id}`,
      baseline: "1.0",
      summary: line,
      finishedAt: made.body.finishedAt,
    });
    const page = await (
      await app.request(url, { headers: { cookie: `promptrail_session=${app.who.viewer.session}` } })
    ).text();
    expect(page).toContain(`<a href="/prompts/p/comparisons/${made.body.id}">${line}</a>`);
    expect(page).not.toContain(`/prompts/p/comparisons/${older}"`);
    expect(page).not.toContain("No comparison of this content yet");
  });
});

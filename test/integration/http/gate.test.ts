import { expect, test } from "vitest";
import { type Client, expectError, expectFragment, expectPage, freshApp } from "./support/http.js";

/** A prompt at v1.0 in DEV, with TST gated through the settings route. */
async function gated(): Promise<Client> {
  const client = await freshApp();
  await client.create("p", "Hello");
  const res = await client.api("POST", "/settings/environments/tst", { gate: true });
  expect(res.status).toBe(200);
  expect(res.body.TST.gate).toBe(true);
  return client;
}

test("409 tests_required in JSON, htmx and page mode; nothing changes", async () => {
  const client = await gated();
  const before = await client.dump();
  const json = await client.api("POST", "/prompts/p/versions/1.0/promote");
  expectError(json, 409, "tests_required");
  const htmx = await client.htmx("/prompts/p/versions/1.0/promote", {});
  // The refusal comes with the panel as it stands: Promote disabled, saying what is missing.
  expect(htmx.headers.get("hx-retarget")).toBe("#version-panel");
  const panel = await expectFragment(htmx, "version-panel", 409);
  expect(panel).toMatch(/class="flash flash-error">[^<]*requires a passing test/);
  expect(panel).toMatch(/<button type="button" id="action-promote" disabled[^>]*>Promote to TST<\/button>/);
  const page = await expectPage(await client.form("/prompts/p/versions/1.0/promote"), 409);
  expect(page).toContain("<code>tests_required</code>");
  expect(await client.dump()).toEqual(before);
});

test("a passing test opens the gate; an edit after it needs a new test", async () => {
  const client = await gated();
  const run = await client.api("POST", "/prompts/p/versions/1.0/test", {});
  expect(run.status).toBe(200);
  expect(run.body.status).toBe("passed");
  await client.act("p", "1.0", "save", { body: "changed after the test" });
  expectError(await client.api("POST", "/prompts/p/versions/1.0/promote"), 409, "tests_required");
  expect((await client.api("POST", "/prompts/p/versions/1.0/test", {})).body.status).toBe("passed");
  const promoted = await client.api("POST", "/prompts/p/versions/1.0/promote");
  expect(promoted.status).toBe(200);
  expect(promoted.body.stage).toBe("TST");
});

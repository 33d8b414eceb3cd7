import { expect, test } from "vitest";
import { createApp } from "../../../src/app.js";
import { createServices } from "../../../src/services/index.js";
import { cli } from "../../support/cli.js";
import { freshDb } from "../../support/db.js";

/** `promptrail bundle --database-url`: PostgreSQL's current versions, as its runtime read answers them. */
test("bundle reads a PostgreSQL registry in one transaction: every current PROD version, as the runtime read", async () => {
  const db = await freshDb();
  const s = createServices({ db });
  for (const name of ["beta", "alpha"]) {
    await s.prompts.create({ name, body: `I am ${name}, {{who}}`, config: { n: 1.5 } });
    await s.versions.promote(name, "1.0", { to: "TST" });
    await s.versions.promote(name, "1.0", { to: "PROD" });
  }
  const run = await cli(["bundle", "--stage", "PROD", "--database-url", db.file]);
  expect([run.code, run.stderr]).toEqual([0, ""]);
  const doc = JSON.parse(run.stdout);
  expect(Object.keys(doc.prompts)).toEqual(["alpha", "beta"]);
  const app = createApp({ db });
  for (const name of ["alpha", "beta"]) {
    const res = await app.request(`/prompts/${name}/stages/PROD`, { headers: { accept: "application/json" } });
    const { actions: _actions, ...version } = (await res.json()) as Record<string, unknown>;
    expect(doc.prompts[name]).toEqual(version);
  }
});

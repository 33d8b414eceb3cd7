import { describe, expect, test } from "vitest";
import { expectError, expectPage, freshApp } from "./support/http.js";

/** p: v1.0 in PROD, v1.1 a DEV draft that breaks "says hello" and fixes "says hi". */
async function setup() {
  const client = await freshApp();
  await client.create("p", "Hello {{name}}");
  await client.act("p", "1.0", "promote");
  await client.act("p", "1.0", "promote", { to: "PROD" });
  await client.act("p", "1.0", "new");
  await client.act("p", "1.1", "save", { body: "Hi {{name}}" });
  const add = (name: string, value: string) =>
    client.api("POST", "/prompts/p/test-cases", {
      name,
      variables: { name: "Ada" },
      assertions: [{ type: "contains", value }],
    });
  await add("says hello", "Hello");
  await add("says hi", "Hi");
  await add("names", "Ada");
  return client;
}

describe("comparisons over HTTP", () => {
  test("POST answers 201 with the finished comparison and its Location; GET lists and reads it", async () => {
    const client = await setup();
    const res = await client.api("POST", "/prompts/p/comparisons", { candidate: "v1.1" });
    expect(res.status).toBe(201);
    expect(res.headers.get("location")).toBe(`/prompts/p/comparisons/${res.body.id}`);
    expect(res.body).toMatchObject({
      status: "done",
      candidate: { version: "1.1", run: expect.any(Number) },
      baseline: { version: "1.0", stage: "PROD", run: expect.any(Number) },
      summary: { fixed: 1, broke: 1, same: 1, candidate: { passed: 2 }, baseline: { passed: 2 } },
      next: null,
    });
    expect(res.body.cases[0]).toMatchObject({
      case: "says hello",
      change: "broke",
      candidate: { status: "failed", output: "Hi Ada", latencyMs: expect.any(Number), tokens: null, score: null },
      baseline: { status: "passed", output: "Hello Ada" },
    });
    const list = await client.api("GET", "/prompts/p/comparisons");
    expect(list.body.comparisons.map((c: { id: number }) => c.id)).toEqual([res.body.id]);
    const one = await client.api("GET", `/prompts/p/comparisons/${res.body.id}?limit=1`);
    expect(one.body.cases).toHaveLength(1);
    expect(one.body.next).toBe(`/prompts/p/comparisons/${res.body.id}?limit=1&cursor=1`);
    expectError(await client.api("GET", "/prompts/p/comparisons/999"), 404, "not_found");
  });

  test("bad input is a 4xx and writes nothing", async () => {
    const client = await setup();
    await client.create("other", "x");
    const before = await client.dump();
    expectError(
      await client.api("POST", "/prompts/p/comparisons", { candidate: "1.1", baseline: "1.1" }),
      422,
      "validation_failed",
    );
    expectError(
      await client.api("POST", "/prompts/p/comparisons", {
        candidate: "1.1",
        baseline: { prompt: "other", version: "1.0" },
      }),
      422,
      "validation_failed",
    );
    expectError(await client.api("POST", "/prompts/p/comparisons", {}), 422, "validation_failed");
    expectError(await client.api("POST", "/prompts/p/comparisons", { candidate: "7.0" }), 404, "not_found");
    expect(await client.dump()).toEqual(before);
  });

  test("Compare with PROD on a draft starts a comparison and shows it: summary line, broken case first, both outputs", async () => {
    const client = await setup();
    const version = await expectPage(await client.page("/prompts/p/versions/1.1"));
    expect(version).toMatch(
      /<input type="hidden" name="baseline" value="PROD"\/><button type="submit">Compare with PROD<\/button>/,
    );
    const prod = await expectPage(await client.page("/prompts/p/versions/1.0"));
    expect(prod).not.toContain("Compare with PROD");
    const res = await client.form("/prompts/p/comparisons", { candidate: "1.1", baseline: "PROD" });
    expect(res.status).toBe(303);
    const location = res.headers.get("location") ?? "";
    expect(location).toMatch(/^\/prompts\/p\/comparisons\/\d+$/);
    // The run goes on after the redirect; the page shows progress until it is done.
    let html = await expectPage(await client.page(location));
    for (let i = 0; i < 50 && html.includes("<progress"); i++) {
      expect(html).toContain('hx-trigger="every 1s"');
      expect(html).toContain('<noscript><meta http-equiv="refresh" content="2"></noscript>');
      await new Promise((r) => setTimeout(r, 100));
      html = await expectPage(await client.page(location));
    }
    expect(html).toContain("v1.1 vs PROD v1.0: 1 same, 1 fixed, 1 broke");
    const order = ["says hello", "says hi", "names"].map((name) => html.indexOf(`</span> ${name}</h3>`));
    expect(order[0]).toBeGreaterThan(0);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(html).toContain("Hello Ada");
    expect(html).toContain("Hi Ada");
    expect(html).toContain("Output diff (baseline → candidate)");
    const again = await expectPage(await client.page("/prompts/p/versions/1.1"));
    expect(again).toMatch(
      /Latest comparison of this revision: <a href="\/prompts\/p\/comparisons\/\d+">v1\.1 vs PROD v1\.0/,
    );
    const fragment = await client.request(location, {
      headers: { "hx-request": "true", "hx-target": "comparison-live" },
    });
    const body = await fragment.text();
    expect(body).toMatch(/^<section id="comparison-live"/);
  });
});

import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { getRequestListener } from "@hono/node-server";
import { afterEach, describe, expect, test } from "vitest";
import { createApp } from "../../../src/app.js";
import { type HttpServer, listen } from "../../../src/server/http-server.js";
import { createServices } from "../../../src/services/index.js";
import { cli, tempFolder } from "../../support/cli.js";
import { freshDb } from "../../support/db.js";

/**
 * Prompts as code carry the contract (docs/contract.md, "Prompts as code"): pull writes it into
 * each version's meta file (only where set), push saves an edited contract as a new revision,
 * check sees a contract that differs.
 */
const running: HttpServer[] = [];
afterEach(async () => {
  for (const server of running.splice(0)) await server.stop();
});

async function registry() {
  const db = await freshDb();
  const s = createServices({ db });
  await s.prompts.create({ name: "plain", body: "Hi {{x}}" });
  await s.prompts.create({
    name: "typed",
    body: "x{{n}}",
    variables: [{ name: "n", type: "number", default: 2 }],
    tools: [{ type: "function", function: { name: "f", parameters: { type: "object" } } }],
  });
  const server = await listen(getRequestListener(createApp({ db }).fetch), { host: "127.0.0.1", port: 0 });
  running.push(server);
  return { s, url: server.url };
}

describe("prompts as code with a contract", () => {
  test("pull writes it in the meta file, push saves an edit of it, check sees the difference", async () => {
    const r = await registry();
    const dir = tempFolder();
    const run = (...argv: string[]) => cli([...argv, dir, "--url", r.url]);
    expect((await run("pull")).code).toBe(0);
    const meta = JSON.parse(readFileSync(join(dir, "typed/v1.0.meta.json"), "utf8"));
    expect(meta.variables).toEqual([{ default: 2, name: "n", required: false, type: "number" }]);
    expect(meta.tools[0].function.name).toBe("f");
    expect(Object.keys(meta)).not.toContain("responseFormat");
    expect(Object.keys(JSON.parse(readFileSync(join(dir, "plain/v1.0.meta.json"), "utf8")))).toEqual([
      "stage",
      "current",
      "revision",
      "contentHash",
      "createdFrom",
      "config",
    ]);
    expect((await run("check")).code).toBe(0);

    meta.variables[0].default = 3;
    meta.responseFormat = { type: "json_object" };
    writeFileSync(join(dir, "typed/v1.0.meta.json"), JSON.stringify(meta, null, 2));
    const check = await run("check");
    expect(check.code).toBe(1);
    expect(check.stdout + check.stderr).toContain("typed/v1.0.meta.json");
    const pushed = await run("push");
    expect(pushed.code, pushed.stderr).toBe(0);
    const saved = await r.s.versions.get("typed", "1.0");
    expect(saved.revision).toBe(2);
    expect(saved.contract.variables[0]?.default).toBe(3);
    expect(saved.contract.responseFormat).toEqual({ type: "json_object" });
    expect((await run("check")).code).toBe(0);
  });

  test("a meta file with a malformed contract is named, and push writes nothing", async () => {
    const r = await registry();
    const dir = tempFolder();
    const run = (...argv: string[]) => cli([...argv, dir, "--url", r.url]);
    await run("pull");
    const path = join(dir, "typed/v1.0.meta.json");
    const meta = JSON.parse(readFileSync(path, "utf8"));
    meta.variables = [{ name: "n", type: "date" }];
    writeFileSync(path, JSON.stringify(meta, null, 2));
    const pushed = await run("push");
    expect(pushed.code).toBe(1);
    expect(pushed.stdout + pushed.stderr).toContain("typed/v1.0.meta.json");
    expect((await r.s.versions.get("typed", "1.0")).revision).toBe(1);
  });
});

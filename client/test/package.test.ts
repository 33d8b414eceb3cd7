import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";

/**
 * @promptrail/client ships as ESM with its types and no runtime dependency, and its build uses
 * nothing of Node: only what every runtime with `fetch` has (fetch, Web Crypto, streams, timers).
 */
const client = fileURLToPath(new URL("..", import.meta.url));
const pkg = JSON.parse(readFileSync(`${client}/package.json`, "utf8"));

test("an ESM package with types, no dependencies, and only its build in it", () => {
  expect(pkg).toMatchObject({
    name: "@promptrail/client",
    type: "module",
    exports: { ".": { types: "./dist/index.d.ts", default: "./dist/index.js" } },
    files: ["dist"],
  });
  expect(pkg.dependencies ?? {}).toEqual({});
  expect(pkg.peerDependencies ?? {}).toEqual({});
  const built = readdirSync(`${client}/dist`);
  expect(built).toContain("index.js");
  expect(built).toContain("index.d.ts");
});

test("the build imports nothing but its own files: no node: modules, no packages", () => {
  for (const file of readdirSync(`${client}/dist`).filter((f) => f.endsWith(".js"))) {
    const code = readFileSync(`${client}/dist/${file}`, "utf8");
    const imports = [...code.matchAll(/(?:import|export)\s[^"']*?from\s*["']([^"']+)["']/g)].map((m) => m[1]);
    for (const path of imports) expect(path, `${file} imports ${path}`).toMatch(/^\.\/[\w-]+\.js$/);
    expect(code, file).not.toMatch(/\brequire\(|\bprocess\.|\bBuffer\b/);
  }
});

test("the package resolves by its name to that build", async () => {
  const { Promptrail, verifyBundle, PromptrailError } = await import("@promptrail/client");
  expect([typeof Promptrail, typeof verifyBundle, typeof PromptrailError]).toEqual([
    "function",
    "function",
    "function",
  ]);
  expect(import.meta.resolve("@promptrail/client")).toMatch(/client\/dist\/index\.js$/);
});

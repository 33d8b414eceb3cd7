import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

/**
 * The import direction (domain ← store ← services ← http → views, docs/architecture.md) is the
 * linter's to enforce (biome.json, noRestrictedImports for every folder of src/ and views/), so
 * that a wrong import fails `npm test`. Here
 * the project's own biome.json lints a scratch tree of one-import files: each wrong import must
 * be reported, each right one must not.
 */
const root = fileURLToPath(new URL("../../..", import.meta.url));
const biome = join(root, "node_modules", ".bin", "biome");

const cases: Array<[file: string, module: string, allowed: boolean]> = [
  ["views/pages/a.page.tsx", "../../src/services/index.js", false],
  ["views/pages/b.page.tsx", "../../src/services/compare.service.js", false],
  ["views/fragments/c.tsx", "../../src/store/versions.store.js", false],
  ["views/d.tsx", "../src/db/schema.js", false],
  ["views/pages/e.page.tsx", "../../src/http/json.js", false],
  ["views/pages/f.page.tsx", "kysely", false],
  ["views/pages/ok1.page.tsx", "../../src/model/version.model.js", true],
  ["views/pages/ok2.page.tsx", "../../src/domain/stage.js", true],
  ["src/domain/g.ts", "../store/versions.store.js", false],
  ["src/domain/h.ts", "../model/version.model.js", false],
  ["src/domain/i.ts", "zod", false],
  ["src/domain/j.ts", "hono/jsx", false],
  ["src/domain/ok3.ts", "./errors.js", true],
  ["src/model/k.ts", "../services/rows.js", false],
  ["src/model/ok4.ts", "../domain/stage.js", true],
  ["src/store/l.ts", "../services/index.js", false],
  ["src/store/ok5.ts", "../domain/stage.js", true],
  ["src/services/m.ts", "../http/json.js", false],
  ["src/services/n.ts", "hono", false],
  ["src/services/ok6.ts", "../store/versions.store.js", true],
  ["src/http/o.ts", "../store/versions.store.js", false],
  ["src/http/routes/p.tsx", "../../db/connect.js", false],
  ["src/http/routes/ok7.tsx", "../../services/index.js", true],
  ["src/http/routes/ok8.tsx", "../../../views/layout.js", true],
  ["src/cli/q.ts", "../store/users.store.js", false],
  ["src/cli/r.ts", "../providers/index.js", false],
  ["src/cli/ok9.ts", "../services/index.js", true],
  ["src/cli/ok10.ts", "../db/migrate.js", true],
  ["src/server/s.ts", "../store/outbox.store.js", false],
  ["src/server/t.ts", "../db/connect.js", false],
  ["src/server/ok11.ts", "../services/deliveries.service.js", true],
  ["src/sync/u.ts", "../services/index.js", false],
  ["src/sync/v.ts", "../store/versions.store.js", false],
  ["src/sync/w.ts", "../http/json.js", false],
  ["src/sync/x.ts", "kysely", false],
  ["src/sync/ok12.ts", "../services/inputs.js", true],
  ["src/sync/ok13.ts", "../services/testing.inputs.js", true],
  ["src/sync/ok14.ts", "../domain/chat.js", true],
];

let dir = "";
let reported = new Set<string>();

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "promptrail-layers-"));
  copyFileSync(join(root, "biome.json"), join(dir, "biome.json"));
  for (const [file, module] of cases) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), `import * as m from "${module}";\nexport const used = m;\n`);
  }
  let output = "";
  try {
    output = execFileSync(biome, ["lint", "--reporter=github", "--max-diagnostics=none", "."], {
      cwd: dir,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
  } catch (error) {
    output = String((error as { stdout?: string }).stdout ?? "");
  }
  reported = new Set(
    [...output.matchAll(/^::error title=lint\/style\/noRestrictedImports,file=([^,]+),/gm)].map((m) =>
      (m[1] as string).slice(dir.length + 1),
    ),
  );
}, 30_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the linter enforces the import direction", () => {
  test.each(cases)("%s importing %s: allowed %s", (file, _module, allowed) => {
    expect(reported.has(file)).toBe(!allowed);
  });
});

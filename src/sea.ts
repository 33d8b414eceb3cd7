import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getAsset, isSea } from "node:sea";
import type { AssetName } from "./assets.js";
import { useEmbeddedAssets } from "./assets.js";
import { useNativeBinding } from "./db/connect.js";

/**
 * Entry point of the single executable (scripts/build-sea.mjs). Everything the app reads from
 * disk in a checkout lives inside the binary as a SEA asset: the stylesheet, the script, htmx and
 * better-sqlite3's native addon. A native addon can only be loaded from a file, so the addon is
 * written once to a cache folder and every connection is pointed at it; then main.ts runs as
 * usual (same env vars, same verbs).
 */
const ADDON = "better_sqlite3.node";

if (!isSea()) throw new Error("src/sea.ts is the single executable's entry point; run src/main.ts instead");

useNativeBinding(unpackAddon(Buffer.from(getAsset(ADDON))));
useEmbeddedAssets((name: AssetName) => Buffer.from(getAsset(name)));
import("./main.js").catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

/**
 * Writes the addon to `<cache>/promptrail-<uid>-<hash>/better_sqlite3.node` unless an identical
 * copy is already there, and answers its path. The content is compared byte for byte, not
 * trusted by name: the folder may sit in a shared /tmp, and a file left half-written or replaced
 * by someone else must never be loaded. If the folder cannot be written (another user owns it),
 * a private fresh folder is used instead. PROMPTRAIL_CACHE_DIR overrides the cache location (for
 * hosts whose /tmp is mounted noexec).
 */
function unpackAddon(addon: Buffer): string {
  const base = process.env.PROMPTRAIL_CACHE_DIR || tmpdir();
  const folder = join(base, `promptrail-${process.getuid?.() ?? "u"}-${fingerprint(addon)}`);
  const file = join(folder, ADDON);
  if (sameContent(file, addon)) return file;
  try {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    const partial = `${file}.${process.pid}.tmp`;
    writeFileSync(partial, addon, { mode: 0o700 });
    renameSync(partial, file); // atomic: a concurrent start sees the old file or the whole new one
    return file;
  } catch {
    const fresh = join(mkdtempSync(join(base, "promptrail-")), ADDON);
    writeFileSync(fresh, addon, { mode: 0o700 });
    return fresh;
  }
}

function sameContent(file: string, expected: Buffer): boolean {
  try {
    return readFileSync(file).equals(expected);
  } catch {
    return false;
  }
}

/** Different builds never share a file: the folder name carries the addon's own hash. */
function fingerprint(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex").slice(0, 16);
}

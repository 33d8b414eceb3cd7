import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

/**
 * The one place that reads files next to the code: the stylesheet, the small keyboard script
 * and htmx. The single executable registers its embedded copies with `useEmbeddedAssets`.
 */
export type AssetName = "app.css" | "app.js" | "contract.js" | "htmx.min.js";

export const ASSET_TYPES: Record<AssetName, string> = {
  "app.css": "text/css; charset=utf-8",
  "app.js": "text/javascript; charset=utf-8",
  "contract.js": "text/javascript; charset=utf-8",
  "htmx.min.js": "text/javascript; charset=utf-8",
};

let embedded: ((name: AssetName) => Buffer) | null = null;

/** Used by the single executable, whose assets live inside the binary. */
export function useEmbeddedAssets(read: (name: AssetName) => Buffer): void {
  embedded = read;
}

/** Where each asset lives in a checkout: ours under static/, htmx from its npm package. */
export function assetSourcePath(name: AssetName): string {
  if (name === "htmx.min.js") return createRequire(import.meta.url).resolve("htmx.org/dist/htmx.min.js");
  return fileURLToPath(new URL(`../static/${name}`, import.meta.url));
}

const cache = new Map<AssetName, Buffer>();

export function readAsset(name: AssetName): Buffer {
  let content = cache.get(name);
  if (!content) {
    content = embedded ? embedded(name) : readFileSync(assetSourcePath(name));
    cache.set(name, content);
  }
  return content;
}

export function isAssetName(name: string): name is AssetName {
  return Object.hasOwn(ASSET_TYPES, name);
}

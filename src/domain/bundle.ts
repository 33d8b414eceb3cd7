import { createHash } from "node:crypto";
import { canonicalJson, type Json } from "./content.js";
import type { Stage } from "./stage.js";

/** What the `format` field of an offline bundle says. */
export const BUNDLE_FORMAT = "promptrail-bundle";

/** A version object as a bundle carries it: the runtime read's JSON without `actions`. */
export type BundledVersion = { [key: string]: Json };

/**
 * An offline bundle (docs/applications.md, "The offline bundle"): every prompt's current version
 * in one stage, for shipping inside an application image, and `sha256` to verify it by.
 */
export interface Bundle {
  format: typeof BUNDLE_FORMAT;
  stage: Stage;
  createdAt: string;
  prompts: { [name: string]: BundledVersion };
  sha256: string;
}

/**
 * What `sha256` covers: the hex SHA-256 of the UTF-8 canonical JSON (object keys sorted, no
 * whitespace, strings and numbers as JSON.stringify writes them) of the document without its
 * `sha256` field, that is of `{createdAt, format, prompts, stage}`. Canonical, so that the file's
 * own layout (indentation, key order) does not matter and any reader can recompute it.
 */
export function bundleHash(doc: Omit<Bundle, "sha256">): string {
  const { format, stage, createdAt, prompts } = doc;
  return createHash("sha256").update(canonicalJson({ format, stage, createdAt, prompts }), "utf8").digest("hex");
}

/**
 * The bundle of `versions` (each a version object; `actions` is dropped: what a caller may do on
 * the server means nothing inside an application, and would differ by the bundling token's role),
 * keyed by prompt name in name order.
 */
export function makeBundle(stage: Stage, createdAt: Date, versions: Array<{ [key: string]: Json }>): Bundle {
  const sorted = [...versions].sort((x, y) => (String(x.prompt) < String(y.prompt) ? -1 : 1));
  const prompts: Bundle["prompts"] = {};
  for (const { actions: _actions, ...version } of sorted) prompts[String(version.prompt)] = version;
  const doc = { format: BUNDLE_FORMAT, stage, createdAt: createdAt.toISOString(), prompts } as const;
  return { ...doc, sha256: bundleHash(doc) };
}

import { PromptrailError } from "./errors.js";
import { canonicalJson, type Json, sha256Hex } from "./hash.js";
import { isPromptVersion, type PromptVersion, type Stage } from "./types.js";

export const BUNDLE_FORMAT = "promptrail-bundle";

/** What `promptrail bundle` writes: every prompt's current version in one stage, and a hash over it. */
export interface Bundle {
  format: typeof BUNDLE_FORMAT;
  stage: Stage;
  createdAt: string;
  prompts: { [name: string]: PromptVersion };
  sha256: string;
}

const refuse = (why: string): never => {
  throw new PromptrailError("bundle_refused", `The fallback bundle is refused: ${why}`);
};

/**
 * The checks that need no hashing, so a wrong file fails where it is given: a JSON object of
 * the bundle's format, for `stage`, whose every entry is a version object of its own name.
 */
export function checkBundleShape(input: unknown, stage: Stage): Bundle {
  let doc = input;
  if (typeof input === "string") {
    try {
      doc = JSON.parse(input);
    } catch {
      refuse("it is not JSON");
    }
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) return refuse("it is not a JSON object");
  const { format, stage: bundled, createdAt, prompts, sha256 } = doc as Record<string, unknown>;
  if (format !== BUNDLE_FORMAT) return refuse(`its format is ${JSON.stringify(format)}, not "${BUNDLE_FORMAT}"`);
  if (bundled !== stage) return refuse(`it holds ${JSON.stringify(bundled)} versions, and this client reads ${stage}`);
  if (typeof createdAt !== "string") return refuse("it has no createdAt");
  if (typeof sha256 !== "string" || !/^[0-9a-f]{64}$/.test(sha256)) return refuse("it has no sha256");
  if (typeof prompts !== "object" || prompts === null || Array.isArray(prompts)) return refuse("it has no prompts");
  for (const [name, version] of Object.entries(prompts)) {
    if (!isPromptVersion(version) || version.prompt !== name)
      return refuse(`its entry "${name}" is not a version of ${name}`);
    if (version.stage !== stage) return refuse(`its entry "${name}" is a ${version.stage} version`);
  }
  return doc as Bundle;
}

/**
 * A version's content hash, as the server computes it: sha256 of the canonical JSON of
 * `{body, config}` (or `{config, messages}` for a chat prompt), with the contract's
 * `variables`, `tools` and `responseFormat` beside them, each only when it is not empty.
 */
export function contentHashOf(v: PromptVersion): Promise<string> {
  const content: { [key: string]: Json } =
    v.type === "chat" ? { messages: v.messages as unknown as Json } : { body: v.body as string };
  const nonEmpty = (value: unknown) =>
    Array.isArray(value) ? value.length > 0 : value !== null && value !== undefined;
  const contract: { [key: string]: Json } = {};
  for (const field of ["responseFormat", "tools", "variables"])
    if (nonEmpty(v[field])) contract[field] = v[field] as Json;
  return sha256Hex(canonicalJson({ ...content, config: v.config, ...contract }));
}

/**
 * A bundle fit to serve: its shape (checkBundleShape), its `sha256` (over the canonical JSON of
 * the document without it), and every version's contentHash recomputed. Rejects with
 * `bundle_refused` saying which check failed.
 */
export async function verifyBundle(input: unknown, options: { stage?: Stage } = {}): Promise<Bundle> {
  const bundle = checkBundleShape(input, options.stage ?? "PROD");
  const { sha256, ...rest } = bundle;
  if ((await sha256Hex(canonicalJson(rest as unknown as Json))) !== sha256)
    refuse("its sha256 does not match its content (edited, truncated, or not written by promptrail bundle)");
  for (const [name, version] of Object.entries(bundle.prompts))
    if ((await contentHashOf(version)) !== version.contentHash)
      refuse(`the content of "${name}" does not match its contentHash`);
  return bundle;
}

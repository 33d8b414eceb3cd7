import { createHash } from "node:crypto";
import { Hono } from "hono";
import { ASSET_TYPES, isAssetName, readAsset } from "../../assets.js";

/** Our stylesheet and script and htmx, served by us (never a CDN), cached by ETag. */
export function createStaticRoutes() {
  return new Hono().get("/static/:file", (c) => {
    const name = c.req.param("file");
    if (!isAssetName(name)) return c.notFound();
    const content = readAsset(name);
    const etag = etagOf(content);
    c.header("ETag", etag);
    c.header("Cache-Control", "no-cache");
    if (c.req.header("if-none-match") === etag) return c.body(null, 304);
    c.header("Content-Type", ASSET_TYPES[name]);
    return c.body(new Uint8Array(content));
  });
}

const etags = new WeakMap<Buffer, string>();
function etagOf(content: Buffer): string {
  let etag = etags.get(content);
  if (!etag) {
    etag = `"${createHash("sha1").update(content).digest("base64url")}"`;
    etags.set(content, etag);
  }
  return etag;
}
